package main

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/parley-chat/parley/stream/streamtest"
)

// runSSECmd runs `parley sse` with args and returns its output and exit
// status as the root command would map it.
func runSSECmd(t *testing.T, ctx context.Context, stdin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	cmd := newSSECommand(&environment{})
	cmd.SetArgs(args)
	cmd.SetIn(strings.NewReader(stdin))
	cmd.SetOut(&out)
	cmd.SetErr(&errb)
	if err := cmd.ExecuteContext(ctx); err != nil {
		code = exitCode(ctx, err)
		errb.WriteString("parley: " + errorLine(err) + "\n")
	}
	return out.String(), errb.String(), code
}

func TestSSECommand(t *testing.T) {
	srv := streamtest.NewServer(t,
		streamtest.Stream(
			streamtest.Write("retry: 1\n: hello\n\ndata: <b>plain</b> & \"quoted\"\n\nid: 7\nevent: delta\ndata: one\ndata: two\n\nid: 8\ndata: cut"),
			streamtest.Drop(),
		),
		streamtest.Stream(streamtest.Write("id: 8\ndata: resumed\n\n")),
		streamtest.Status(http.StatusNoContent, "", ""),
	)
	out, errs, code := runSSECmd(t, t.Context(), `{"q":1}`,
		"-H", "Authorization: Bearer x", "-H", "X-Two:  2 ", "-d", "@-", srv.URL+"/stream?x=1")
	want := `{"event":"message","data":"<b>plain</b> & \"quoted\"","id":""}
{"event":"delta","data":"one\ntwo","id":"7"}
{"event":"message","data":"resumed","id":"8"}
`
	if code != 0 || out != want {
		t.Errorf("exit %d, stdout:\n%s\nwant:\n%s\nstderr: %s", code, out, want, errs)
	}
	if !strings.Contains(errs, "reconnecting in 1ms (attempt 1)") {
		t.Errorf("stderr %q does not report the reconnection", errs)
	}
	reqs := srv.Requests()
	if len(reqs) != 3 {
		t.Fatalf("%d requests", len(reqs))
	}
	for _, r := range reqs {
		if r.Method != "POST" || string(r.Body) != `{"q":1}` || r.Path != "/stream?x=1" ||
			r.Header.Get("Authorization") != "Bearer x" || r.Header.Get("X-Two") != "2" {
			t.Errorf("request %+v", r)
		}
	}
	if id := reqs[1].Header.Get("Last-Event-ID"); id != "7" {
		t.Errorf("Last-Event-ID %q, want 7", id)
	}
}

func TestSSECommandEnds(t *testing.T) {
	tests := []struct {
		name   string
		resp   streamtest.Response
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{name: "no reconnect", resp: streamtest.Stream(streamtest.Write("data: x\n\ndata: lost")),
			args: []string{"--no-reconnect"}, stdout: `{"event":"message","data":"x","id":""}` + "\n"},
		{name: "max reconnects 0", resp: streamtest.Stream(streamtest.Write("data: x\n\n")),
			args: []string{"--max-reconnects", "0", "-X", "put"}, stdout: `{"event":"message","data":"x","id":""}` + "\n"},
		{name: "drop without reconnect", resp: streamtest.Stream(streamtest.Write("data: x\n\n"), streamtest.Drop()),
			args: []string{"--no-reconnect"}, code: 1, stdout: `{"event":"message","data":"x","id":""}` + "\n",
			stderr: "unexpected EOF"},
		{name: "no content", resp: streamtest.Status(http.StatusNoContent, "", "")},
		{name: "server error", resp: streamtest.Status(http.StatusServiceUnavailable, "application/json", `{"error":"busy"}`),
			code: 1, stderr: `parley: stream: server answered 503 Service Unavailable: "{\"error\":\"busy\"}"`},
		{name: "html", resp: streamtest.Status(http.StatusOK, "text/html", "<h1>Login</h1>"),
			code: 1, stderr: `parley: stream: expected text/event-stream, got text/html: "<h1>Login</h1>"`},
		{name: "bad header", args: []string{"-H", "nocolon"}, code: 2, stderr: `header "nocolon" is not 'Key: Value'`},
		{name: "negative reconnects", args: []string{"--max-reconnects", "-1"}, code: 2, stderr: "must be 0 or more"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var srv *streamtest.Server
			if tt.resp.Steps != nil || tt.resp.Status != 0 {
				srv = streamtest.NewServer(t, tt.resp)
			} else {
				srv = streamtest.NewServer(t)
			}
			out, errs, code := runSSECmd(t, t.Context(), "", append(tt.args, srv.URL)...)
			if code != tt.code || out != tt.stdout || !strings.Contains(errs, tt.stderr) {
				t.Errorf("exit %d, stdout %q, stderr %q; want %d, %q, %q", code, out, errs, tt.code, tt.stdout, tt.stderr)
			}
			if tt.name == "max reconnects 0" && srv.Requests()[0].Method != "PUT" {
				t.Errorf("method %s", srv.Requests()[0].Method)
			}
		})
	}
}

func TestSSECommandGivesUp(t *testing.T) {
	srv := streamtest.NewServer(t,
		streamtest.Stream(streamtest.Write("retry: 0\ndata: a\n\n")),
		streamtest.Stream(),
		streamtest.Stream(),
	)
	_, errs, code := runSSECmd(t, t.Context(), "", "--max-reconnects", "2", srv.URL)
	if code != 1 || !strings.Contains(errs, "parley: stream: gave up after 2 reconnects: stream: server closed the stream") {
		t.Errorf("exit %d, stderr %q", code, errs)
	}
}

func TestSSECommandInterrupted(t *testing.T) {
	srv := streamtest.NewServer(t, streamtest.Stream(streamtest.Write("data: a\n\n"), streamtest.Stall()))
	ctx, cancel := context.WithCancel(t.Context())
	var out bytes.Buffer
	cmd := newSSECommand(&environment{})
	cmd.SetArgs([]string{srv.URL})
	cmd.SetOut(&cancelWriter{w: &out, cancel: cancel}) // Ctrl+C once the first event is out
	cmd.SetErr(&bytes.Buffer{})
	err := cmd.ExecuteContext(ctx)
	if code := exitCode(ctx, err); code != 130 || out.String() != `{"event":"message","data":"a","id":""}`+"\n" {
		t.Errorf("exit %d (%v), stdout %q", code, err, out.String())
	}
}

type cancelWriter struct {
	w      *bytes.Buffer
	cancel context.CancelFunc
}

func (c *cancelWriter) Write(p []byte) (int, error) {
	defer c.cancel()
	return c.w.Write(p)
}
