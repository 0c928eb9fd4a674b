package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/parley-chat/parley/stream/streamtest"
)

// The fault checks of issue 12 for keys, retries and network faults, per
// wire: keys never go to another origin and never show in what a user or
// the store sees; Retry-After and --timeout are kept; a bad address is an
// error, never a crash; what is temporary is retried on every wire alike.

// secretOf is the key that b's requests carry in these tests, the
// environment and config lines that give it, and the header it travels in.
func secretOf(b backend) (key string, env []string, config, header string) {
	switch b.name {
	case "openai", "anthropic", "gemini":
		name, key, _ := strings.Cut(b.key[0], "=")
		header := map[string]string{"OPENAI_API_KEY": "Authorization", "ANTHROPIC_API_KEY": "X-Api-Key", "GEMINI_API_KEY": "X-Goog-Api-Key"}[name]
		return key, b.key, "", header
	case "ollama": // a proxy in front of Ollama may want one
		return "ol-test-faults-key", nil, "[providers.ollama]\napi_key = \"ol-test-faults-key\"\n", "Authorization"
	}
	return "sse-test-faults-key", []string{"PARLEY_SSE_API_KEY=sse-test-faults-key"}, "", "Authorization"
}

// keyed runs parley against b at url with b's key, a config made of top
// (top-level keys) and the key's config, and extra environment.
func keyed(t *testing.T, b backend, top string, extraEnv []string, args ...string) result {
	t.Helper()
	_, env, cfg, _ := secretOf(b)
	env = append(append([]string{"PARLEY_CONFIG=" + writeConfig(t, top+cfg)}, env...), extraEnv...)
	return parley(t, "", env, args...)
}

// recorder is a server that records the headers of each request it gets,
// and answers with a finished answer of b (or a model list).
type recorder struct {
	srv  *httptest.Server
	mu   sync.Mutex
	seen []http.Header
}

func newRecorder(t *testing.T, b backend) *recorder {
	rec := &recorder{}
	rec.srv = serve(t, func(w http.ResponseWriter, r *http.Request) {
		rec.mu.Lock()
		rec.seen = append(rec.seen, r.Header.Clone())
		rec.mu.Unlock()
		if r.Method == http.MethodGet {
			w.Header().Set("Content-Type", "application/json")
			io.WriteString(w, `{"data":[{"id":"stolen"}],"models":[{"name":"models/stolen","supportedGenerationMethods":["generateContent"]},{"name":"stolen"}]}`)
			return
		}
		w.Header().Set("Content-Type", b.ctype)
		io.WriteString(w, b.body("stolen"))
	})
	return rec
}

func (rec *recorder) requests() []http.Header {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return rec.seen
}

// redirector answers every request with a redirect of status code to the
// same path and query at to.
func redirector(t *testing.T, code int, to string) *httptest.Server {
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, to+r.URL.RequestURI(), code)
	})
	return srv
}

// noKeySeen fails the test if any request that rec got carried key, in
// any header, or if it got any request at all.
func noKeySeen(t *testing.T, rec *recorder, key string) {
	t.Helper()
	for _, h := range rec.requests() {
		for name, vs := range h {
			for _, v := range vs {
				if strings.Contains(v, key) {
					t.Errorf("the other host got the key in %s: %q", name, v)
				}
			}
		}
	}
	if n := len(rec.requests()); n != 0 {
		t.Errorf("the other host got %d requests; a redirect that would drop the key is refused", n)
	}
}

// TestFaultsRedirectKeepsKey checks that a --base-url that redirects to
// another host (localhost instead of 127.0.0.1) never hands it the key,
// on every wire and for --list-models: the request fails at once with one
// line that says where it was sent and why not.
func TestFaultsRedirectKeepsKey(t *testing.T) {
	for _, b := range backends {
		key, _, _, _ := secretOf(b)
		modes := []string{"stream"}
		if b.name != "sse" { // the sse wire lists no models
			modes = append(modes, "list-models")
		}
		for _, mode := range modes {
			for _, code := range []int{301, 302, 307, 308} {
				t.Run(fmt.Sprintf("%s/%s/%d", b.name, mode, code), func(t *testing.T) {
					t.Parallel()
					rec := newRecorder(t, b)
					other := strings.Replace(rec.srv.URL, "127.0.0.1", "localhost", 1)
					srv := redirector(t, code, other)
					args := []string{"-m", b.name + ":m", "--base-url", srv.URL, "-p", "q"}
					if mode == "list-models" {
						args = []string{"-m", b.name + ":m", "--base-url", srv.URL, "--list-models"}
					}
					r := keyed(t, b, "retries = 0\n", nil, args...)
					noKeySeen(t, rec, key)
					if r.code != 1 || r.stdout != "" {
						t.Fatalf("exit %d, stdout %q, stderr %q; want exit 1", r.code, r.stdout, r.stderr)
					}
					saysOnce(t, r, "redirected to "+other+", another host", "the API key is only sent to "+srv.URL)
				})
			}
		}
	}
	t.Run("same origin is followed", func(t *testing.T) {
		t.Parallel()
		b := backends[0]
		rec := newRecorder(t, b)
		mux := http.NewServeMux()
		mux.HandleFunc("/old/", func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "/new/"+strings.TrimPrefix(r.URL.Path, "/old/"), http.StatusTemporaryRedirect)
		})
		mux.HandleFunc("/new/", func(w http.ResponseWriter, r *http.Request) { rec.srv.Config.Handler.ServeHTTP(w, r) })
		srv := httptest.NewServer(mux)
		t.Cleanup(srv.Close)
		r := keyed(t, b, "retries = 0\n", nil, "-m", "openai:m", "--base-url", srv.URL+"/old", "-p", "q")
		if r.code != 0 || r.stdout != "stolen" || len(rec.requests()) != 1 || rec.requests()[0].Get("Authorization") != "Bearer sk-test-faults" {
			t.Errorf("exit %d, stdout %q, stderr %q, %d requests", r.code, r.stdout, r.stderr, len(rec.requests()))
		}
	})
}

// TestFaultsRedirectDowngrade checks that an https base URL that
// redirects to http on the same host name never sends the key in the
// clear.
func TestFaultsRedirectDowngrade(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			key, _, _, _ := secretOf(b)
			rec := newRecorder(t, b)
			redirect := streamtest.Response{Status: http.StatusTemporaryRedirect,
				Header: http.Header{"Location": {rec.srv.URL + "/v1/elsewhere"}, "Content-Type": {"text/plain"}}}
			srv := streamtest.NewTLSServer(t, redirect, redirect)
			top := "retries = 0\nca_file = " + strconv.Quote(caFile(t, srv)) + "\n"
			r := keyed(t, b, top, nil, "-m", b.name+":m", "--base-url", srv.URL, "-p", "q")
			noKeySeen(t, rec, key)
			if r.code != 1 || r.stdout != "" {
				t.Fatalf("exit %d, stdout %q, stderr %q; want exit 1", r.code, r.stdout, r.stderr)
			}
			saysOnce(t, r, "redirected to "+rec.srv.URL+", without TLS", "the API key is only sent to "+srv.URL)
		})
	}
}

// caFile writes the certificate of srv to a PEM file and returns its path.
func caFile(t *testing.T, srv *streamtest.Server) string {
	t.Helper()
	cfg := strings.TrimPrefix(trusting(t, srv), "PARLEY_CONFIG=")
	b, err := os.ReadFile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	_, ca, _ := strings.Cut(string(b), "ca_file = ")
	path, err := strconv.Unquote(strings.TrimSpace(ca))
	if err != nil {
		t.Fatal(err)
	}
	return path
}

// echoFrames are errors inside the stream that quote the request's key
// back, as a server that echoes the header it rejected does.
func echoFrame(b backend, key string) string {
	msg := "invalid credentials: Bearer " + key
	switch b.name {
	case "openai":
		return `data: {"error":{"message":` + jsonString(msg) + `,"type":"invalid_request_error"}}` + "\n\n"
	case "anthropic":
		return "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"authentication_error\",\"message\":" + jsonString(msg) + "}}\n\n"
	case "gemini":
		return `data: {"error":{"code":400,"message":` + jsonString(msg) + `,"status":"INVALID_ARGUMENT"}}` + "\n\n"
	case "ollama":
		return `{"error":` + jsonString(msg) + "}\n"
	}
	return "event: error\ndata: " + msg + "\n\n"
}

// TestFaultsKeyEchoInStream checks that a key quoted back by the server
// inside the stream, before or after tokens, shows neither on stderr, nor
// in --json, nor in the store.
func TestFaultsKeyEchoInStream(t *testing.T) {
	for _, b := range backends {
		for _, tokens := range [][]string{{"Hello"}, nil} {
			t.Run(fmt.Sprintf("%s/%d tokens", b.name, len(tokens)), func(t *testing.T) {
				t.Parallel()
				key, _, _, _ := secretOf(b)
				resp := b.stream(streamtest.Write(b.partial(tokens...) + echoFrame(b, key)))
				srv := streamtest.NewServer(t, resp, resp)
				data := "PARLEY_DATA_DIR=" + t.TempDir()
				r := keyed(t, b, "retries = 0\n", []string{data}, "-m", b.name+":m", "--base-url", srv.URL, "-p", "q")
				if r.code != 1 || !strings.Contains(r.stderr, "invalid credentials: Bearer [key]") {
					t.Errorf("exit %d, stdout %q, stderr %q; want exit 1 and the message with [key]", r.code, r.stdout, r.stderr)
				}
				j := keyed(t, b, "retries = 0\n", []string{data}, "-m", b.name+":m", "--base-url", srv.URL, "-p", "q", "--json")
				if j.code != 1 || !strings.Contains(j.stdout, `"type":"error"`) {
					t.Errorf("--json: exit %d, stdout %q, stderr %q", j.code, j.stdout, j.stderr)
				}
				list := keyed(t, b, "", []string{data}, "--list")
				var stored []string
				for line := range strings.Lines(list.stdout) {
					id, _, _ := strings.Cut(line, "\t")
					show := keyed(t, b, "", []string{data}, "--show", id, "--json")
					stored = append(stored, show.stdout, show.stderr)
					if !strings.Contains(show.stdout, "[key]") {
						t.Errorf("--show %s --json does not hold the scrubbed error: %s", id, show.stdout)
					}
				}
				if len(stored) != 4 {
					t.Errorf("--list: %q, stderr %q; want two conversations", list.stdout, list.stderr)
				}
				for _, s := range append([]string{r.stdout, r.stderr, j.stdout, j.stderr, list.stdout}, stored...) {
					if strings.Contains(s, key) {
						t.Errorf("the key shows: %q", s)
					}
				}
				dir := strings.TrimPrefix(data, "PARLEY_DATA_DIR=")
				filepath.Walk(dir, func(path string, info os.FileInfo, err error) error {
					if err == nil && !info.IsDir() {
						if raw, _ := os.ReadFile(path); bytes.Contains(raw, []byte(key)) {
							t.Errorf("the key is stored in %s", path)
						}
					}
					return nil
				})
			})
		}
	}
}

// rateLimited is a server that answers every request with a 429 in b's
// words and the given Retry-After, and counts the requests.
func rateLimited(t *testing.T, b backend, retryAfter string, calls *atomic.Int32) *httptest.Server {
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.Header().Set("Retry-After", retryAfter)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusTooManyRequests)
		io.WriteString(w, b.errBody("slow down, please"))
	})
	return srv
}

// TestFaultsRetryAfterBeyondTimeout checks that a wait the server asks
// for which would end after --timeout is not begun: the request ends at
// once, in the provider's words, saying why it was not retried.
func TestFaultsRetryAfterBeyondTimeout(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			var calls atomic.Int32
			srv := rateLimited(t, b, "20", &calls)
			start := time.Now()
			r := keyed(t, b, "retries = 2\n", nil, "-m", b.name+":m", "--base-url", srv.URL, "-p", "q", "--timeout", "3s")
			took := time.Since(start)
			if r.code != 1 || r.stdout != "" || took > 3500*time.Millisecond {
				t.Fatalf("exit %d after %s, stdout %q, stderr %q; want exit 1 within 3.5s", r.code, took, r.stdout, r.stderr)
			}
			saysOnce(t, r, "429", "slow down, please", "retry after 20s", "--timeout 3s ends before the next try")
			if calls.Load() != 1 {
				t.Errorf("%d requests; want 1", calls.Load())
			}
		})
	}
}

// TestFaultsRetryAfterLong checks that a Retry-After longer than the
// longest wait (an hour; a number too big for any clock) is not waited
// for: the request ends at once with the provider's words and when to
// retry.
func TestFaultsRetryAfterLong(t *testing.T) {
	for _, b := range backends {
		for _, ra := range []struct{ header, says string }{
			{"3600", "retry in 1h0m, at "},
			{"99999999999999999999", "retry in 8784h0m, at "},
		} {
			t.Run(b.name+"/"+ra.header, func(t *testing.T) {
				t.Parallel()
				var calls atomic.Int32
				srv := rateLimited(t, b, ra.header, &calls)
				start := time.Now()
				r := keyed(t, b, "retries = 2\n", nil, "-m", b.name+":m", "--base-url", srv.URL, "-p", "q")
				took := time.Since(start)
				if r.code != 1 || r.stdout != "" || took > 5*time.Second {
					t.Fatalf("exit %d after %s, stdout %q, stderr %q; want exit 1 at once", r.code, took, r.stdout, r.stderr)
				}
				saysOnce(t, r, "429", "slow down, please", ra.says)
				if calls.Load() != 1 {
					t.Errorf("%d requests; want 1", calls.Load())
				}
			})
		}
	}
}

// TestFaultsRetryWaitIsShown checks that a wait before a retry is one
// line on a piped stderr, and a notice object with the wait in --json.
func TestFaultsRetryWaitIsShown(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			limited := streamtest.Response{Status: 429, Header: http.Header{"Retry-After": {"1"}, "Content-Type": {"application/json"}},
				Steps: []streamtest.Step{streamtest.Write(b.errBody("slow down, please"))}}
			ok := b.stream(streamtest.Write(b.body("Hello")))
			srv := streamtest.NewServer(t, limited, ok, limited, ok)
			r := keyed(t, b, "retries = 2\n", nil, "-m", b.name+":m", "--base-url", srv.URL, "-p", "q")
			if r.code != 0 || r.stdout != "Hello" {
				t.Fatalf("exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
			}
			saysOnce(t, r, "slow down, please", "(retry 1 of 2); retrying in 1s")
			j := keyed(t, b, "retries = 2\n", nil, "-m", b.name+":m", "--base-url", srv.URL, "-p", "q", "--json")
			var notice struct {
				Type string
				Text string
				Wait float64 `json:"wait_seconds"`
			}
			first, _, _ := strings.Cut(j.stdout, "\n")
			if err := json.Unmarshal([]byte(first), &notice); j.code != 0 || err != nil || notice.Type != "notice" || notice.Wait != 1 || !strings.Contains(notice.Text, "slow down, please") || j.stderr != "" {
				t.Errorf("--json: exit %d, stdout %q, stderr %q; want a notice with wait_seconds 1 first", j.code, j.stdout, j.stderr)
			}
		})
	}
}

// temporaryFaults are, per wire, faults before the first token that may
// go away by themselves, in the wire's own form: each must be retried.
func temporaryFaults(b backend) map[string]func(w http.ResponseWriter) {
	inStream := func(frame string) func(w http.ResponseWriter) {
		return func(w http.ResponseWriter) {
			w.Header().Set("Content-Type", b.ctype)
			io.WriteString(w, b.head+frame)
		}
	}
	status := func(code int, body string) func(w http.ResponseWriter) {
		return func(w http.ResponseWriter) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(code)
			io.WriteString(w, body)
		}
	}
	f := map[string]func(w http.ResponseWriter){
		"close before headers": func(http.ResponseWriter) { panic(http.ErrAbortHandler) },
		"503":                  status(503, b.errBody("overloaded")),
	}
	switch b.name {
	case "openai":
		f["in-stream server_error"] = inStream(errFrames["openai"])
	case "anthropic":
		f["in-stream overloaded_error"] = inStream(errFrames["anthropic"])
		f["in-stream api_error"] = inStream("event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"api_error\",\"message\":\"Internal server error\"}}\n\n")
	case "gemini":
		f["in-stream UNAVAILABLE"] = inStream(errFrames["gemini"])
		f["in-stream RESOURCE_EXHAUSTED"] = inStream(`data: {"error": {"code": 429,"message": "Resource has been exhausted.","status": "RESOURCE_EXHAUSTED"}}` + "\n\n")
		f["429 RESOURCE_EXHAUSTED"] = status(429, `{"error": {"code": 429,"message": "Resource has been exhausted.","status": "RESOURCE_EXHAUSTED"}}`)
	case "sse":
		f["in-stream server_error"] = inStream("event: error\ndata: {\"error\":{\"type\":\"server_error\",\"message\":\"upstream overloaded\"}}\n\n")
	}
	return f
}

// TestFaultsRetryRule checks that every wire retries the same faults
// before the first token, and then gives the answer.
func TestFaultsRetryRule(t *testing.T) {
	for _, b := range backends {
		for name, fault := range temporaryFaults(b) {
			t.Run(b.name+"/"+name, func(t *testing.T) {
				t.Parallel()
				var calls atomic.Int32
				srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
					if calls.Add(1) == 1 {
						fault(w)
						return
					}
					w.Header().Set("Content-Type", b.ctype)
					io.WriteString(w, b.body("Hello", ", world"))
				})
				r := keyed(t, b, "retries = 1\n", nil, "-m", b.name+":m", "--base-url", srv.URL, "-p", "q")
				if r.code != 0 || r.stdout != "Hello, world" || calls.Load() != 2 {
					t.Errorf("exit %d, stdout %q, stderr %q, %d requests; want the answer on the second", r.code, r.stdout, r.stderr, calls.Load())
				}
			})
		}
	}
}

// TestKeyNeverShown checks that the API key appears nowhere: not in the
// error line, not in --json output, not in the debug log, not in the store.
func TestKeyNeverShown(t *testing.T) {
	const key = "sk-SECRET-0123456789"
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		// A hostile or careless server quotes the key back.
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprintf(w, `{"error":{"message":"Incorrect API key provided: %s","type":"invalid_request_error"}}`, r.Header.Get("Authorization"))
	})
	dir := t.TempDir()
	logPath := filepath.Join(dir, "debug.log")
	for _, args := range [][]string{
		{"-m", "openai:m", "--base-url", srv.URL, "-p", "q", "--debug", logPath},
		{"-m", "openai:m", "--base-url", srv.URL, "-p", "q", "--json", "--debug", logPath},
	} {
		r := parley(t, "", []string{"OPENAI_API_KEY=" + key, "PARLEY_DATA_DIR=" + dir}, args...)
		if r.code != 1 {
			t.Fatalf("%v: exit %d, stderr %q", args, r.code, r.stderr)
		}
		if strings.Contains(r.stdout+r.stderr, "SECRET") {
			t.Errorf("%v: the key is shown: stdout %q, stderr %q", args, r.stdout, r.stderr)
		}
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(data), "SECRET") {
			t.Errorf("the key is in %s", e.Name())
		}
	}
}
