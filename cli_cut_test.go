package main

import (
	"bytes"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/parley-chat/parley/provider"
)

// cutServer answers "Some words" and a finish_reason of "length", as
// OpenAI does at the token limit.
func cutServer(t *testing.T) string {
	t.Helper()
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		b := backends[0]
		io.WriteString(w, b.token("Some")+b.token(" words")+
			"data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"length\"}]}\n\ndata: [DONE]\n\n")
	})
	return srv.URL
}

// runSplit runs the binary with stdout and stderr each on a terminal of
// its own or a pipe, and returns what each received.
func runSplit(t *testing.T, outTTY, errTTY bool, env []string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := exec.Command(binary(t), args...)
	cmd.Env = append([]string{"HOME=" + t.TempDir(), "PARLEY_CONFIG=/dev/null", "PARLEY_DATA_DIR=" + t.TempDir(), "TERM=xterm-256color"}, env...)
	var bufs [2]bytes.Buffer
	var readers []chan struct{}
	for i, tty := range []bool{outTTY, errTTY} {
		var w *os.File
		var r *os.File
		if tty {
			r, w = openPTY(t, 40, 100)
		} else {
			pr, pw, err := os.Pipe()
			if err != nil {
				t.Fatal(err)
			}
			r, w = pr, pw
		}
		if i == 0 {
			cmd.Stdout = w
		} else {
			cmd.Stderr = w
		}
		done := make(chan struct{})
		readers = append(readers, done)
		defer r.Close()
		defer w.Close()
		go func(buf *bytes.Buffer) {
			io.Copy(buf, r) // ends at EOF or, on a terminal, EIO
			close(done)
		}(&bufs[i])
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	cmd.Stdout.(*os.File).Close()
	cmd.Stderr.(*os.File).Close()
	err := cmd.Wait()
	for _, done := range readers {
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Fatal("the output did not end")
		}
	}
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	}
	return bufs[0].String(), bufs[1].String(), code
}

// TestCutAtMaxTokens checks that an answer cut at the token limit says so
// in one line on stderr, in the same words, whether stdout and stderr are
// terminals or pipes, that --json's finish object says it too, and that
// the exit status is 0.
func TestCutAtMaxTokens(t *testing.T) {
	url := cutServer(t)
	env := []string{"OPENAI_API_KEY=sk-test"}
	args := []string{"-m", "openai:m", "--base-url", url, "-p", "q"}
	for _, c := range []struct{ outTTY, errTTY bool }{{false, false}, {true, false}, {false, true}, {true, true}} {
		stdout, stderr, code := runSplit(t, c.outTTY, c.errTTY, env, args...)
		name := map[bool]string{true: "terminal", false: "pipe"}
		if code != 0 {
			t.Errorf("stdout %s, stderr %s: exit %d", name[c.outTTY], name[c.errTTY], code)
		}
		if !strings.Contains(stdout, "words") {
			t.Errorf("stdout %s, stderr %s: answer missing: %q", name[c.outTTY], name[c.errTTY], stdout)
		}
		if strings.Count(stderr, provider.MsgMaxTokens) != 1 || strings.Count(strings.ReplaceAll(stderr, "\r\n", "\n"), "\n") > 2 {
			t.Errorf("stdout %s, stderr %s: stderr %q, want one line saying %q", name[c.outTTY], name[c.errTTY], stderr, provider.MsgMaxTokens)
		}
	}
	r := parley(t, "", env, append(args, "--json")...)
	if r.code != 0 || !strings.Contains(r.stdout, `{"type":"finish","text":"`+provider.MsgMaxTokens+`","reason":"length"}`) {
		t.Errorf("--json: exit %d, %q", r.code, r.stdout)
	}
	if r.stderr != "" {
		t.Errorf("--json: stderr %q", r.stderr)
	}
}
