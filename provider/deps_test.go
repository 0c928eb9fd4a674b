package provider

import (
	"os/exec"
	"strings"
	"testing"
)

// TestTypesWithoutTransport checks that this package, whose types the
// store and the view use, does not depend on the HTTP machinery: that is
// package httpx's.
func TestTypesWithoutTransport(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	out, err := exec.Command("go", "list", "-deps", ".").Output()
	if err != nil {
		t.Skipf("go list: %v", err)
	}
	for dep := range strings.FieldsSeq(string(out)) {
		if dep == "net" || dep == "net/http" || dep == "crypto/tls" || strings.HasSuffix(dep, "/httpx") {
			t.Errorf("package provider depends on %s", dep)
		}
	}
}
