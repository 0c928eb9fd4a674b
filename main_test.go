package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/parley-chat/parley/internal/chatserver"
)

// binDir holds the parley binary built for the end-to-end tests.
var binDir string

// buildOnce builds the binary the first time a test needs it, so that
// tests and fuzz workers that do not run it do not pay for the build.
var buildOnce = sync.OnceValues(func() (string, error) {
	path := filepath.Join(binDir, "parley")
	if out, err := exec.Command("go", "build", "-o", path, ".").CombinedOutput(); err != nil {
		return "", fmt.Errorf("building parley: %v\n%s", err, out)
	}
	return path, nil
})

// binary returns the path of the built parley binary.
func binary(t testing.TB) string {
	t.Helper()
	path, err := buildOnce()
	if err != nil {
		t.Fatal(err)
	}
	return path
}

func TestMain(m *testing.M) {
	if bin := os.Getenv(measureBin); bin != "" {
		os.Exit(measure(bin, os.Args[1:]))
	}
	dir, err := os.MkdirTemp("", "parley-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binDir = dir
	goleak.VerifyTestMain(m,
		// glamour's highlighter (chroma, through regexp2) keeps a clock
		// goroutine for about a second after a render; it is not ours.
		goleak.IgnoreAnyFunction("github.com/dlclark/regexp2.runClock"),
		goleak.Cleanup(func(code int) {
			os.RemoveAll(dir)
			os.Exit(code)
		}))
}

// result is what a run of the binary left behind.
type result struct {
	stdout, stderr string
	code           int
	peakRSS        int64 // bytes
}

// parley runs the command line in this process, as the binary would run
// it with a clean environment (see cleanEnv), with stdin a pipe holding
// stdin when it is not empty. Tests about processes, signals and
// terminals run the binary instead (parleyBinary). With
// PARLEY_TEST_BINARY set, parley runs the built binary too: CI runs the
// command-line tests both ways, so each holds for the binary a user runs.
func parley(t *testing.T, stdin string, env []string, args ...string) result {
	t.Helper()
	if os.Getenv("PARLEY_TEST_BINARY") != "" {
		return parleyBinary(t, stdin, env, args...)
	}
	return inProcess(t.Context(), t, stdin, cleanEnv(t, env), args...)
}

// inProcess calls run with the streams of a pipe and the environment env,
// whose last value of a name wins, as for a process.
func inProcess(ctx context.Context, t *testing.T, stdin string, env []string, args ...string) result {
	vars := map[string]string{}
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		vars[k] = v
	}
	var in io.Reader
	if stdin != "" {
		in = strings.NewReader(stdin)
	}
	var stdout, stderr bytes.Buffer
	code := run(ctx, args, in, &stdout, &stderr, func(k string) string { return vars[k] })
	return result{stdout: stdout.String(), stderr: stderr.String(), code: code}
}

// cleanEnv is the environment of a run: a home of its own, with env last.
func cleanEnv(t *testing.T, env []string) []string {
	home := t.TempDir()
	return append([]string{
		"HOME=" + home,
		"PATH=" + os.Getenv("PATH"),
		"XDG_CONFIG_HOME=" + filepath.Join(home, "config"),
		"XDG_DATA_HOME=" + filepath.Join(home, "data"),
		"OLLAMA_HOST=127.0.0.1:1",
	}, env...)
}

// parleyBinary runs the built binary with a clean environment.
func parleyBinary(t *testing.T, stdin string, env []string, args ...string) result {
	t.Helper()
	return runBinary(t, exec.Command(binary(t), args...), stdin, cleanEnv(t, env))
}

// measured runs the built binary as parleyBinary does, and measures its
// peak memory. On Linux a process started from this one counts this one's
// peak too (its memory is shared until the exec), and in-process runs make
// that large: so the binary is started from a new, small copy of the test
// binary (see measure), which reports the peak.
func measured(t *testing.T, env []string, args ...string) result {
	t.Helper()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	rss := filepath.Join(t.TempDir(), "rss")
	r := runBinary(t, exec.Command(self, args...), "", append(cleanEnv(t, env), measureBin+"="+binary(t), measureOut+"="+rss))
	data, err := os.ReadFile(rss)
	if err != nil {
		t.Fatalf("no peak memory measured: %v; stderr %q", err, r.stderr)
	}
	fmt.Sscan(string(data), &r.peakRSS)
	return r
}

// The variables that make the test binary run measure instead of the tests.
const measureBin, measureOut = "PARLEY_TEST_MEASURE", "PARLEY_TEST_MEASURE_OUT"

// measure runs bin with args and this process's streams and environment
// (less the two variables), writes its peak memory to the file that
// measureOut names, and returns its exit status.
func measure(bin string, args []string) int {
	out := os.Getenv(measureOut)
	os.Unsetenv(measureBin)
	os.Unsetenv(measureOut)
	cmd := exec.Command(bin, args...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	err := cmd.Run()
	if cmd.ProcessState == nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	os.WriteFile(out, []byte(fmt.Sprint(peakRSS(cmd.ProcessState))), 0o600)
	return cmd.ProcessState.ExitCode()
}

// runBinary runs cmd with stdin and env, and returns what it left behind.
func runBinary(t *testing.T, cmd *exec.Cmd, stdin string, env []string) result {
	t.Helper()
	cmd.Env = env
	if stdin != "" {
		cmd.Stdin = strings.NewReader(stdin)
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return result{stdout: stdout.String(), stderr: stderr.String(), code: code}
}

// serve starts a test server with h, closed when the test ends.
func serve(t *testing.T, h http.HandlerFunc) *httptest.Server {
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

// writeConfig writes text to a private config file and returns its path.
func writeConfig(t *testing.T, text string) string {
	t.Helper()
	return writeFile(t, "config.toml", []byte(text))
}

// writeFile writes data to a private file called name in a directory of
// its own, and returns its path.
func writeFile(t *testing.T, name string, data []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// selfSigned returns the URL of an HTTPS server whose certificate nobody
// trusts, closed when the test ends.
func selfSigned(t *testing.T) string {
	srv := httptest.NewUnstartedServer(http.NotFoundHandler())
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshake is the point
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv.URL
}

// chatServer serves an OpenAI-style stream of tokens to the key sk-test
// (internal/chatserver), and records the prompts it receives in prompts
// when not nil. Without finish, the stream ends after the tokens, as a
// connection lost mid-answer.
func chatServer(t *testing.T, tokens []string, finish bool, prompts *[]string) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(chatserver.NewHandler(chatserver.Options{Key: "sk-test",
		AnswerFor: func(r chatserver.Request) chatserver.Answer {
			if prompts != nil && len(r.Messages) > 0 {
				*prompts = append(*prompts, r.Prompt())
			}
			return chatserver.Answer{Tokens: tokens, Truncated: !finish}
		}}))
	t.Cleanup(srv.Close)
	return srv
}

var answerTokens = []string{"# Title\n\n", "Some **bold**", " text", " with \x1b]0;evil\x07 bytes", "\n\n```go\nfmt.Println(1)\n```\n"}

func TestOneShotPipedIsByteExact(t *testing.T) {
	srv := chatServer(t, answerTokens, true, nil)
	for _, args := range [][]string{
		{"-m", "openai:gpt-4o-mini", "--base-url", srv.URL, "-p", "hello"},
		{"-m", "openai:gpt-4o-mini", "--base-url", srv.URL, "hello", "world"},
		{"--base-url", srv.URL, "-m", "openai:x", "--raw", "hello"},
	} {
		r := parley(t, "", []string{"OPENAI_API_KEY=sk-test"}, args...)
		if r.code != 0 || r.stderr != "" {
			t.Fatalf("%v: exit %d, stderr %q", args, r.code, r.stderr)
		}
		if want := strings.Join(answerTokens, ""); r.stdout != want {
			t.Errorf("%v: stdout = %q, want %q", args, r.stdout, want)
		}
	}
}

func TestOneShotJoinsStdin(t *testing.T) {
	var prompts []string
	srv := chatServer(t, []string{"ok"}, true, &prompts)
	r := parley(t, "diff --git a b\n+x\n", []string{"OPENAI_API_KEY=sk-test", "OPENAI_BASE_URL=" + srv.URL},
		"-m", "openai:gpt-4o-mini", "-p", "review this")
	if r.code != 0 || r.stdout != "ok" {
		t.Fatalf("exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	if want := "review this\n\ndiff --git a b\n+x"; len(prompts) != 1 || prompts[0] != want {
		t.Errorf("prompt sent = %q, want %q", prompts, want)
	}
}

func TestOneShotFailures(t *testing.T) {
	truncated := chatServer(t, []string{"half ", "an answer"}, false, nil)
	ok := chatServer(t, []string{"fine"}, true, nil)
	tests := []struct {
		name   string
		env    []string
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{"truncated stream", []string{"OPENAI_API_KEY=sk-test"}, []string{"-m", "openai:m", "--base-url", truncated.URL, "-p", "q"},
			1, "half an answer", "parley: connection lost after 2 tokens (saved: parley -c continues the conversation)\n"},
		{"wrong key", []string{"OPENAI_API_KEY=sk-wrong-secret"}, []string{"-m", "openai:m", "--base-url", ok.URL, "-p", "q"},
			1, "", "parley: openai: 401 Unauthorized: Incorrect API key provided. (check the API key in OPENAI_API_KEY)\n"},
		{"no key", nil, []string{"-m", "openai:m", "-p", "q"},
			2, "", "parley: no API key for openai: set OPENAI_API_KEY\n"},
		{"unknown provider", nil, []string{"-m", "nope:m", "-p", "q"},
			2, "", ""},
		{"refused", []string{"OPENAI_API_KEY=sk-test", "PARLEY_CONFIG=/dev/null"}, []string{"-m", "openai:m", "--base-url", "http://127.0.0.1:1", "-p", "q"},
			1, "", ""},
		{"provider name, not the default provider's model", []string{"PARLEY_DEFAULT_PROVIDER=ollama"}, []string{"-m", "mistral", "-p", "q"},
			2, "", "parley: no API key for mistral: set MISTRAL_API_KEY (mistral names a provider; for the ollama model called mistral, write -m ollama:mistral)\n"},
		{"no prompt", nil, []string{"-m", "demo"}, 2, "", ""},
		{"bad flag", nil, []string{"--bogus"}, 2, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := parley(t, "", tt.env, tt.args...)
			if r.code != tt.code || r.stdout != tt.stdout {
				t.Fatalf("exit %d, stdout %q, stderr %q; want exit %d, stdout %q", r.code, r.stdout, r.stderr, tt.code, tt.stdout)
			}
			if tt.stderr != "" && r.stderr != tt.stderr {
				t.Errorf("stderr = %q, want %q", r.stderr, tt.stderr)
			}
			if lines := strings.Count(r.stderr, "\n"); lines != 1 && tt.stderr == "" && tt.code != 0 {
				t.Errorf("stderr has %d lines, want one: %q", lines, r.stderr)
			}
			if strings.Contains(r.stderr, "secret") {
				t.Errorf("stderr leaks the key: %q", r.stderr)
			}
		})
	}
}

func TestOneShotJSON(t *testing.T) {
	srv := chatServer(t, []string{"a", "b"}, true, nil)
	r := parley(t, "", []string{"OPENAI_API_KEY=sk-test"}, "-m", "openai:m", "--base-url", srv.URL, "--json", "-p", "q")
	want := `{"type":"text","text":"a"}` + "\n" + `{"type":"text","text":"b"}` + "\n" + `{"type":"finish","reason":"stop"}` + "\n"
	if r.code != 0 || r.stdout != want {
		t.Fatalf("exit %d, stdout %q, want %q (stderr %q)", r.code, r.stdout, want, r.stderr)
	}
}

func TestHelp(t *testing.T) {
	r := parley(t, "", nil, "--help")
	if r.code != 0 || !strings.Contains(r.stdout, "-m, --model") {
		t.Fatalf("exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	// Flags whose default is "not given" show no default.
	for _, l := range strings.Split(r.stdout, "\n") {
		if strings.Contains(l, "(default -1") {
			t.Errorf("help shows an internal default: %q", l)
		}
	}
}

func TestDemoOffline(t *testing.T) {
	r := parley(t, "", nil, "-m", "demo:fast", "-p", "hello")
	if r.code != 0 || !strings.Contains(r.stdout, "# Hello from the Parley demo") || !strings.Contains(r.stdout, "| provider | wire format |") {
		t.Fatalf("exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	// A provider's name means the provider, whatever the default provider
	// (here with its default model made the fast one).
	cfg := writeConfig(t, "default_provider = \"openai\"\n[providers.demo]\nmodel = \"fast\"\n")
	r = parley(t, "", []string{"PARLEY_CONFIG=" + cfg}, "-m", "demo", "-p", "hello")
	if r.code != 0 || !strings.Contains(r.stdout, "# Hello from the Parley demo") {
		t.Fatalf("-m demo with openai as the default provider: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
}

func TestOneShotNetworkFaults(t *testing.T) {
	tests := []struct{ name, url, stderr string }{
		{"refused", "http://127.0.0.1:1", "parley: cannot connect to 127.0.0.1:1: connection refused (is the server running? check the base URL)\n"},
		{"self-signed", selfSigned(t), "parley: TLS certificate not trusted: x509: certificate signed by unknown authority (for a private CA, set ca_file in the config)\n"},
		{"no such host", "http://no-such-host.invalid", "parley: cannot resolve host no-such-host.invalid (check the base URL and your network)\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := parley(t, "", []string{"OPENAI_API_KEY=sk-test", "PARLEY_CONFIG=/dev/null"}, "-m", "openai:m", "--base-url", tt.url, "-p", "q")
			if r.code != 1 || r.stdout != "" || r.stderr != tt.stderr {
				t.Fatalf("exit %d, stdout %q, stderr %q; want exit 1, stderr %q", r.code, r.stdout, r.stderr, tt.stderr)
			}
		})
	}
}

func TestOneShotRetriesBeforeTheFirstToken(t *testing.T) {
	var calls atomic.Int32
	ok := chatServer(t, []string{"after ", "retry"}, true, nil)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			w.Header().Set("Retry-After", "1")
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusServiceUnavailable)
			io.WriteString(w, `{"error":{"message":"overloaded, try again"}}`)
			return
		}
		ok.Config.Handler.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	r := parley(t, "", []string{"OPENAI_API_KEY=sk-test"}, "-m", "openai:m", "--base-url", srv.URL, "-p", "q")
	if r.code != 0 || r.stdout != "after retry" || calls.Load() != 2 {
		t.Fatalf("exit %d, stdout %q, stderr %q, %d calls", r.code, r.stdout, r.stderr, calls.Load())
	}
}

// TestLoadTwentyAtOnce runs 20 one-shot processes at once against a server
// streaming 1,000 tokens a second to each: every one must print exactly
// the streamed text.
func TestLoadTwentyAtOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("load test")
	}
	const procs, tokens = 20, 1000
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for i := range tokens {
			b, _ := json.Marshal(map[string]any{"choices": []any{map[string]any{"delta": map[string]string{"content": fmt.Sprintf("t%d ", i)}}}})
			fmt.Fprintf(w, "data: %s\n\n", b)
			if i%10 == 9 { // 10 tokens a flush, 100 flushes a second
				w.(http.Flusher).Flush()
				select {
				case <-tick.C:
				case <-r.Context().Done():
					return
				}
			}
		}
		fmt.Fprint(w, "data: {\"choices\":[{\"delta\":{},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n")
	})
	var want strings.Builder
	for i := range tokens {
		fmt.Fprintf(&want, "t%d ", i)
	}
	var wg sync.WaitGroup
	results := make([]result, procs)
	for i := range procs {
		wg.Go(func() {
			results[i] = parleyBinary(t, "", []string{"OPENAI_API_KEY=sk-test"}, "-m", "openai:m", "--base-url", srv.URL, "-p", "q")
		})
	}
	wg.Wait()
	for i, r := range results {
		if r.code != 0 || r.stdout != want.String() {
			t.Errorf("process %d: exit %d, %d bytes of %d, stderr %q", i, r.code, len(r.stdout), want.Len(), r.stderr)
		}
	}
}
