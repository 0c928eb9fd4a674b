package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/creack/pty"

	"github.com/parley-chat/parley/store/storetest"
	"github.com/parley-chat/parley/stream/streamtest"
)

// The edge cases of issue 12 (items 10, 11, 12 and 14), on the built
// binary: retries of the sse wire, `parley sse` on an endpoint that
// closes, server text on a terminal, and a damaged database.

// edgeRun is a run of the binary that is killed after its time limit.
type edgeRun struct {
	out, stderr string // on a terminal, out holds both streams
	code        int
	took        time.Duration
}

// edgeEnv is the environment of the edge runs, before their own env.
func edgeEnv(t *testing.T, env []string) []string {
	return cleanEnv(t, append([]string{"PARLEY_CONFIG=/dev/null", "TERM=xterm-256color"}, env...))
}

// command returns the binary's command with a clean environment and env.
func command(t *testing.T, ctx context.Context, env []string, args ...string) *exec.Cmd {
	t.Helper()
	cmd := exec.CommandContext(ctx, binary(t), args...)
	cmd.Env = edgeEnv(t, env)
	return cmd
}

// piped runs the command line in this process with stdout and stderr on
// pipes, for at most limit.
func piped(t *testing.T, limit time.Duration, env []string, args ...string) edgeRun {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), limit)
	defer cancel()
	start := time.Now()
	res := inProcess(ctx, t, "", edgeEnv(t, env), args...)
	r := edgeRun{out: res.stdout, stderr: res.stderr, code: res.code, took: time.Since(start)}
	if ctx.Err() != nil {
		t.Fatalf("still running after %v; stdout %q, stderr %q", limit, r.out, r.stderr)
	}
	return r
}

// openPTY opens a pseudo-terminal of rows×cols (0: the default size), or
// skips the test where there is none. The master is closed when the test
// ends.
func openPTY(t *testing.T, rows, cols uint16) (ptmx, tty *os.File) {
	t.Helper()
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Skipf("no pseudo-terminal: %v", err)
	}
	t.Cleanup(func() { ptmx.Close() })
	if rows > 0 {
		if err := pty.Setsize(ptmx, &pty.Winsize{Rows: rows, Cols: cols}); err != nil {
			t.Fatal(err)
		}
	}
	return ptmx, tty
}

// startOnPTY starts cmd with its stdout and stderr, and its stdin when
// stdin is true, on the terminal tty, closes tty (the child holds it now)
// and copies all the terminal shows to w. The channel closes when the
// child's side is gone and w has it all.
func startOnPTY(t *testing.T, cmd *exec.Cmd, ptmx, tty *os.File, stdin bool, w io.Writer) <-chan struct{} {
	t.Helper()
	if stdin {
		cmd.Stdin = tty
	}
	cmd.Stdout, cmd.Stderr = tty, tty
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	tty.Close()
	done := make(chan struct{})
	go func() {
		defer close(done)
		io.Copy(w, ptmx) // ends with EIO when the child exits
	}()
	return done
}

// onTerminal runs the binary with stdout and stderr on a 100x40
// pseudo-terminal, for at most limit, and returns all the terminal got.
func onTerminal(t *testing.T, limit time.Duration, env []string, args ...string) edgeRun {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), limit)
	defer cancel()
	cmd := command(t, ctx, env, args...)
	ptmx, tty := openPTY(t, 40, 100)
	var out bytes.Buffer
	start := time.Now()
	done := startOnPTY(t, cmd, ptmx, tty, false, &out)
	err := cmd.Wait()
	took := time.Since(start)
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("the terminal output did not end")
	}
	r := edgeRun{out: out.String(), took: took}
	if ctx.Err() != nil {
		t.Fatalf("still running after %v; the terminal got %q", limit, r.out)
	}
	if ee, ok := err.(*exec.ExitError); ok {
		r.code = ee.ExitCode()
	}
	return r
}

// TestEdgesSSERetryBudget: a connection reset before any event is retried
// within one budget (retries = 2 by default: three requests), in bounded
// time, with a line on the terminal for each retry; before, the stream
// client's five reconnections nested in each of Run's three attempts.
func TestEdgesSSERetryBudget(t *testing.T) {
	var requests atomic.Int32
	srv := streamtest.NewServerFunc(t, func(int, *http.Request) streamtest.Response {
		requests.Add(1)
		return streamtest.Stream(streamtest.Write(": hello\n\n"), streamtest.Reset())
	})
	r := onTerminal(t, 60*time.Second, nil, "-m", "sse:m", "--base-url", srv.URL, "-p", "q")
	lines := strings.Split(strings.TrimSpace(strings.ReplaceAll(r.out, "\r", "")), "\n")
	var retries []string
	for _, l := range lines {
		if strings.Contains(l, "(retry ") {
			retries = append(retries, l)
		}
	}
	if r.code != 1 || requests.Load() != 3 || len(retries) != 2 || !strings.Contains(lines[len(lines)-1], "reset") {
		t.Errorf("exit %d after %d requests in %v; the terminal got %q; want exit 1, 3 requests, 2 retry lines, the reset",
			r.code, requests.Load(), r.took, r.out)
	}
	t.Logf("%v: %q", r.took, r.out)
	if r.took > 15*time.Second {
		t.Errorf("took %v", r.took)
	}
}

// TestEdgesSSECommandEnds: `parley sse` on an endpoint that sends two
// events and closes ends by itself after --max-reconnects reconnections
// that bring nothing new (5 by default), with one clear line; an endpoint
// whose reconnections bring new events is followed for as long as it does.
func TestEdgesSSECommandEnds(t *testing.T) {
	const gaveUp = "parley: stream: gave up after %d reconnects: stream: server closed the stream (an endpoint that ends its stream when done wants --no-reconnect)\n"
	for _, tc := range []struct {
		name, body string
		args       []string
		reconnects int
	}{
		{"ids, default bound", "retry: 10\nid: 1\ndata: a\n\nid: 2\ndata: b\n\n", nil, 5},
		{"no ids", "retry: 10\ndata: a\n\ndata: b\n\n", []string{"--max-reconnects", "2"}, 2},
		{"the same ids", "retry: 10\nid: 1\ndata: a\n\nid: 2\ndata: b\n\n", []string{"--max-reconnects", "2"}, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var requests atomic.Int32
			srv := streamtest.NewServerFunc(t, func(int, *http.Request) streamtest.Response {
				requests.Add(1)
				return streamtest.Stream(streamtest.Write(tc.body))
			})
			r := piped(t, 30*time.Second, nil, append([]string{"sse", srv.URL}, tc.args...)...)
			lines := strings.SplitAfter(r.stderr, "\n")
			last := lines[len(lines)-2]
			if r.code != 1 || int(requests.Load()) != tc.reconnects+1 || len(lines) != tc.reconnects+2 || last != fmt.Sprintf(gaveUp, tc.reconnects) {
				t.Errorf("exit %d after %d requests, stderr %q", r.code, requests.Load(), r.stderr)
			}
			if strings.Count(r.out, "\n") != 2*(tc.reconnects+1) {
				t.Errorf("stdout %q", r.out)
			}
		})
	}
	t.Run("new ids", func(t *testing.T) {
		t.Parallel()
		srv := streamtest.NewServerFunc(t, func(n int, _ *http.Request) streamtest.Response {
			if n == 8 {
				return streamtest.Status(http.StatusNoContent, "", "")
			}
			return streamtest.Stream(streamtest.Write(fmt.Sprintf("retry: 10\nid: %d\ndata: x\n\n", n+1)))
		})
		r := piped(t, 30*time.Second, nil, "sse", "--max-reconnects", "1", srv.URL)
		if r.code != 0 || strings.Count(r.out, "\n") != 8 || strings.Count(r.stderr, "(attempt 1)") != 8 {
			t.Errorf("exit %d, stdout %q, stderr %q", r.code, r.out, r.stderr)
		}
	})
	t.Run("idle timeout", func(t *testing.T) {
		t.Parallel()
		srv := streamtest.NewServer(t, streamtest.Stream(streamtest.Stall()))
		r := piped(t, 30*time.Second, nil, "sse", "--idle-timeout", "300ms", srv.URL)
		if r.code != 1 || r.stderr != "parley: no data from the server for 300ms (--idle-timeout)\n" {
			t.Errorf("exit %d, stderr %q", r.code, r.stderr)
		}
	})
}

// evil is what a hostile server puts in its text: a new window title (OSC
// 0), a clipboard write (OSC 52), a cleared screen (CSI), and the 8-bit
// forms of CSI and OSC.
const evil = "\x1b]0;PWNED\x07\x1b]52;c;UFdORUQ=\x07\x1b[2J\u009b31m\u009d0;PWNED\u009c"

// raw lists the pieces of evil that must not reach a terminal as bytes.
var raw = []string{"\x1b]0;", "\x1b]52;", "\x1b[2J", "\u009b", "\u009d", "\u009c"}

// noRaw fails the test if out, what a terminal received, holds a piece
// of evil as bytes.
func noRaw(t *testing.T, what, out string) {
	t.Helper()
	for _, s := range raw {
		if strings.Contains(out, s) {
			t.Errorf("%s: %q reached the terminal: %q", what, s, out)
		}
	}
}

// modelLists answers each provider's request for its models with two
// models, one of them named with evil in it.
var modelLists = map[string]string{
	"openai":    `{"data":[{"id":"gpt-4o"},{"id":%[1]s}]}`,
	"anthropic": `{"data":[{"id":"claude-x"},{"id":%[1]s}],"has_more":false}`,
	"gemini":    `{"models":[{"name":"models/gemini-x","supportedGenerationMethods":["generateContent"]},{"name":"models/"+%[1]s,"supportedGenerationMethods":["generateContent"]}]}`,
	"ollama":    `{"models":[{"name":"llama-x"},{"name":%[1]s}]}`,
}

func TestEdgesListModelsOnTerminal(t *testing.T) {
	name := "evil" + evil + "-model"
	for _, b := range backends {
		list, ok := modelLists[b.name]
		if !ok {
			continue
		}
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			body := fmt.Sprintf(list, jsonString(name))
			if b.name == "gemini" { // the name with its "models/" prefix
				body = strings.Replace(body, `"models/"+"`, `"models/`, 1)
			}
			srv := serve(t, func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				io.WriteString(w, body)
			})
			args := []string{"-m", b.name + ":m", "--base-url", srv.URL, "--list-models"}
			r := onTerminal(t, 30*time.Second, b.key, args...)
			noRaw(t, "--list-models", r.out)
			if r.code != 0 || !strings.Contains(r.out, b.name+":evil-model\r\n") || strings.Contains(r.out, "PWNED") {
				t.Errorf("exit %d, the terminal got %q", r.code, r.out)
			}
			p := piped(t, 30*time.Second, b.key, args...)
			if p.code != 0 || !strings.Contains(p.out, b.name+":"+name+"\n") || strings.Count(p.out, "\n") != 2 {
				t.Errorf("piped: exit %d, stdout %q, stderr %q; want the names byte for byte", p.code, p.out, p.stderr)
			}
		})
	}
}

func TestEdgesSSECommandOnTerminal(t *testing.T) {
	srv := streamtest.NewServer(t,
		streamtest.Stream(streamtest.Write("id: 1\nevent: x"+evil+"\ndata: a"+evil+"b\n\n")),
		streamtest.Stream(streamtest.Write("id: 1\nevent: x"+evil+"\ndata: a"+evil+"b\n\n")),
	)
	r := onTerminal(t, 30*time.Second, nil, "sse", "--no-reconnect", srv.URL)
	noRaw(t, "parley sse", r.out)
	if r.code != 0 || strings.Contains(r.out, "\x1b") || !strings.Contains(r.out, `"data":"a\u001b]0;PWNED`) {
		t.Errorf("exit %d, the terminal got %q", r.code, r.out)
	}
	p := piped(t, 30*time.Second, nil, "sse", "--no-reconnect", srv.URL)
	var want bytes.Buffer
	enc := json.NewEncoder(&want)
	enc.SetEscapeHTML(false)
	enc.Encode(struct {
		Event string `json:"event"`
		Data  string `json:"data"`
		ID    string `json:"id"`
	}{"x" + evil, "a" + evil + "b", "1"})
	if p.code != 0 || p.out != want.String() || !strings.Contains(p.out, "\u009d0;PWNED\u009c") {
		t.Errorf("piped: exit %d, stdout %q, stderr %q; want the event byte for byte", p.code, p.out, p.stderr)
	}
}

// TestEdgesOneShotOnTerminal covers what a one-shot shows on a terminal
// besides the answer (tty_test.go has that): --json lines, an error that
// quotes the server, and a retry notice that does.
func TestEdgesOneShotOnTerminal(t *testing.T) {
	key := []string{"OPENAI_API_KEY=sk-test"}
	t.Run("json", func(t *testing.T) {
		srv := chatServer(t, []string{"Hello ", evil, " world"}, true, nil)
		r := onTerminal(t, 30*time.Second, key, "-m", "openai:m", "--base-url", srv.URL, "-p", "q", "--json")
		noRaw(t, "--json", r.out)
		if r.code != 0 || !strings.Contains(r.out, `{"type":"text","text":"\u001b]0;PWNED\u0007`) {
			t.Errorf("exit %d, the terminal got %q", r.code, r.out)
		}
		p := piped(t, 30*time.Second, key, "-m", "openai:m", "--base-url", srv.URL, "-p", "q", "--json")
		if p.code != 0 || !strings.Contains(p.out, "\u009d0;PWNED\u009c") {
			t.Errorf("piped: exit %d, stdout %q", p.code, p.out)
		}
	})
	for _, tc := range []struct {
		name   string
		status int
		config string
	}{
		{"error", http.StatusBadRequest, "retries = 0\n"},
		{"notice", http.StatusTooManyRequests, "retries = 1\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			msg := "no" + evil + "thanks"
			srv := streamtest.NewServer(t, streamtest.Status(tc.status, "application/json", backends[0].errBody(msg)),
				streamtest.Status(tc.status, "application/json", backends[0].errBody(msg)))
			cfg := writeConfig(t, tc.config)
			r := onTerminal(t, 30*time.Second, append(key, "PARLEY_CONFIG="+cfg), "-m", "openai:m", "--base-url", srv.URL, "-p", "q")
			noRaw(t, tc.name, r.out)
			if r.code != 1 || strings.Count(r.out, "nothanks") != len(srv.Requests()) || strings.Contains(r.out, "PWNED") {
				t.Errorf("exit %d after %d requests, the terminal got %q", r.code, len(srv.Requests()), r.out)
			}
		})
	}
}

// TestEdgesSavedOnTerminal covers the store's commands: titles, models,
// transcripts and snippets from the store, on a terminal, rendered and
// as JSON; piped, they stay as they were saved.
func TestEdgesSavedOnTerminal(t *testing.T) {
	srv := chatServer(t, []string{"Lorem ", evil, " ipsum"}, true, nil)
	env := []string{"OPENAI_API_KEY=sk-test", "PARLEY_DATA_DIR=" + t.TempDir()}
	if r := piped(t, 30*time.Second, env, "-m", "openai:m", "--base-url", srv.URL, "-p", "Hi"+evil+"there"); r.code != 0 {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
	list := piped(t, 30*time.Second, env, "--list")
	id, _, _ := strings.Cut(list.out, "\t")
	if list.code != 0 || id == "" {
		t.Fatalf("piped --list: exit %d, stdout %q, stderr %q", list.code, list.out, list.stderr)
	}
	show := piped(t, 30*time.Second, env, "--show", id)
	if show.code != 0 || !strings.Contains(show.out, "Hi"+evil+"there") || !strings.Contains(show.out, "Lorem "+evil+" ipsum") {
		t.Fatalf("piped --show: exit %d, stdout %q, stderr %q; want the prompt and answer byte for byte", show.code, show.out, show.stderr)
	}
	for _, args := range [][]string{
		{"--list"}, {"--list", "--json"},
		{"--show", id}, {"--show", id, "--json"},
		{"--search", "ipsum"}, {"--search", "ipsum", "--json"},
		{"--delete", id},
	} {
		r := onTerminal(t, 30*time.Second, env, args...)
		noRaw(t, strings.Join(args, " "), r.out)
		if r.code != 0 || !strings.Contains(r.out, "Hi") {
			t.Errorf("%v: exit %d, the terminal got %q", args, r.code, r.out)
		}
	}
}

// TestEdgesDamagedStore: a database with a damaged page is refused with
// the move-it-aside line, and is not written to.
func TestEdgesDamagedStore(t *testing.T) {
	srv := chatServer(t, []string{"an answer"}, true, nil)
	dir := t.TempDir()
	path := filepath.Join(dir, "parley.db")
	env := []string{"OPENAI_API_KEY=sk-test", "PARLEY_DATA_DIR=" + dir}
	ask := []string{"-m", "openai:m", "--base-url", srv.URL, "-p", "a question"}
	for range 3 {
		if r := piped(t, 30*time.Second, env, ask...); r.code != 0 {
			t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
		}
	}
	storetest.DamagePage(t, path, "messages")
	before, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	refused := "parley: cannot use " + path + ": not a Parley database, or damaged: "
	advice := " (move the file aside, or run with --no-save)\n"
	for _, tc := range []struct {
		args   []string
		code   int
		stdout string
		prefix string
	}{
		{[]string{"--list"}, 1, "", refused},
		{append([]string{"-c"}, ask...), 1, "", refused},
		{ask, 0, "an answer", "parley: warning: not saving: cannot use " + path},
	} {
		r := piped(t, 30*time.Second, env, tc.args...)
		if r.code != tc.code || r.out != tc.stdout || strings.Count(r.stderr, "\n") != 1 ||
			!strings.HasPrefix(r.stderr, tc.prefix) || !strings.HasSuffix(r.stderr, advice) {
			t.Errorf("%v: exit %d, stdout %q, stderr %q", tc.args, r.code, r.out, r.stderr)
		}
	}
	after, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(before, after) {
		t.Error("the damaged database was written to")
	}
}
