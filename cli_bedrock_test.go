package main

import (
	"strings"
	"testing"
)

// TestBedrockWithoutCredentials checks that bedrock with no AWS
// credentials anywhere (an empty HOME, no AWS_* variable that holds one)
// fails as a missing key does: exit 2, one line naming what to set, and
// none of the AWS SDK's own log lines. The instance metadata service, the
// chain's last link, is turned off: the test stays off the network.
func TestBedrockWithoutCredentials(t *testing.T) {
	// The binary: the AWS SDK reads the process's environment.
	r := parleyBinary(t, "", []string{"AWS_EC2_METADATA_DISABLED=true"}, "-m", "bedrock", "-p", "q")
	want := "parley: no API key for bedrock: set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (AWS credentials)\n"
	if r.code != 2 || r.stderr != want || r.stdout != "" {
		t.Errorf("exit %d, stdout %q, stderr %q; want exit 2 and %q", r.code, r.stdout, r.stderr, want)
	}
	if strings.Contains(r.stderr, "SDK") {
		t.Errorf("an SDK log line on stderr: %q", r.stderr)
	}
}
