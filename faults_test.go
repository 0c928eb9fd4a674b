package main

import (
	"crypto/tls"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/parley-chat/parley/stream/streamtest"
)

// The end-to-end fault checks of issue 8, per provider: what the user sees
// on stdout and stderr, and the exit code, when the network, the server or
// the stream misbehaves.

// backend is one provider's wire format, enough to script its answers.
type backend struct {
	name  string // as written before the colon in -m
	key   []string
	ctype string
	head  string                // what comes before the first token
	token func(s string) string // one frame carrying s
	tail  string                // the finish marker and what follows it
	// errBody is an HTTP error body in the provider's own shape.
	errBody func(msg string) string
	// malformed is a frame with broken JSON; empty means a token frame
	// without its first closing brace.
	malformed string
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

var backends = []backend{
	{
		name: "openai", key: []string{"OPENAI_API_KEY=sk-test-faults"}, ctype: "text/event-stream",
		token: func(s string) string {
			return `data: {"choices":[{"index":0,"delta":{"content":` + jsonString(s) + `},"finish_reason":null}]}` + "\n\n"
		},
		tail: "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n",
		errBody: func(m string) string {
			return `{"error":{"message":` + jsonString(m) + `,"type":"invalid_request_error"}}`
		},
	},
	{
		name: "anthropic", key: []string{"ANTHROPIC_API_KEY=sk-ant-test-faults"}, ctype: "text/event-stream",
		head: "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"content\":[],\"usage\":{\"input_tokens\":3,\"output_tokens\":1}}}\n\n" +
			"event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n",
		token: func(s string) string {
			return "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":" + jsonString(s) + "}}\n\n"
		},
		tail: "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n" +
			"event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},\"usage\":{\"output_tokens\":2}}\n\n" +
			"event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n",
		errBody: func(m string) string {
			return `{"type":"error","error":{"type":"invalid_request_error","message":` + jsonString(m) + `}}`
		},
	},
	{
		name: "gemini", key: []string{"GEMINI_API_KEY=gm-test-faults"}, ctype: "text/event-stream",
		token: func(s string) string {
			return `data: {"candidates":[{"content":{"parts":[{"text":` + jsonString(s) + `}],"role":"model"},"index":0}]}` + "\n\n"
		},
		tail: `data: {"candidates":[{"content":{"parts":[{"text":""}],"role":"model"},"finishReason":"STOP","index":0}],"usageMetadata":{"promptTokenCount":3,"candidatesTokenCount":2}}` + "\n\n",
		errBody: func(m string) string {
			return `{"error":{"code":400,"message":` + jsonString(m) + `,"status":"INVALID_ARGUMENT"}}`
		},
	},
	{
		name: "ollama", ctype: "application/x-ndjson",
		token: func(s string) string {
			return `{"model":"m","message":{"role":"assistant","content":` + jsonString(s) + `},"done":false}` + "\n"
		},
		tail:    `{"model":"m","message":{"role":"assistant","content":""},"done":true,"done_reason":"stop","prompt_eval_count":3,"eval_count":2}` + "\n",
		errBody: func(m string) string { return `{"error":` + jsonString(m) + `}` },
	},
	{
		name: "sse", ctype: "text/event-stream",
		token:   func(s string) string { return "data: " + s + "\n\n" },
		tail:    "event: done\ndata:\n\n",
		errBody: func(m string) string { return `{"error":{"message":` + jsonString(m) + `}}` },
		// Text events are plain text; progress events are JSON.
		malformed: "event: progress\ndata: {\"percent\": 50, \"label\": \"half\"\n\n",
	},
}

// body is b's whole answer made of tokens.
func (b backend) body(tokens ...string) string {
	var s strings.Builder
	s.WriteString(b.head)
	for _, t := range tokens {
		s.WriteString(b.token(t))
	}
	s.WriteString(b.tail)
	return s.String()
}

// stream is a 200 response of b's media type made of steps.
func (b backend) stream(steps ...streamtest.Step) streamtest.Response {
	return streamtest.Response{Header: http.Header{"Content-Type": {b.ctype}}, Steps: steps}
}

// partial is the start of an answer made of tokens, with no finish.
func (b backend) partial(tokens ...string) string {
	full := b.body(tokens...)
	return full[:len(full)-len(b.tail)]
}

// noRetry is a config file that turns retries off, so that a 5xx or a
// refused connection fails at once.
func noRetry(t *testing.T) string {
	t.Helper()
	return "PARLEY_CONFIG=" + writeConfig(t, "retries = 0\n")
}

// run runs a one-shot question to b at url with extra flags.
func (b backend) run(t *testing.T, url string, flags ...string) result {
	t.Helper()
	args := append([]string{"-m", b.name + ":m", "--base-url", url, "-p", "q"}, flags...)
	return parley(t, "", append([]string{noRetry(t)}, b.key...), args...)
}

// saysOnce fails the test unless stderr is one line holding every one of
// want.
func saysOnce(t *testing.T, r result, want ...string) {
	t.Helper()
	if strings.Count(r.stderr, "\n") != 1 || !strings.HasSuffix(r.stderr, "\n") {
		t.Errorf("stderr is not one line: %q", r.stderr)
	}
	for _, w := range want {
		if !strings.Contains(r.stderr, w) {
			t.Errorf("stderr %q does not say %q", r.stderr, w)
		}
	}
}

// TestFaultsNetwork checks that an endpoint that cannot be reached, or an
// address that cannot be dialled (a port over 65535) or resolved (a name
// under .invalid, which fails without asking the network), is one clear
// line and exit 1, not a crash.
func TestFaultsNetwork(t *testing.T) {
	faults := []struct{ name, url, stderr string }{
		{"refused", "http://127.0.0.1:1", "parley: cannot connect to 127.0.0.1:1: connection refused (is the server running? check the base URL)\n"},
		{"self-signed", selfSigned(t), "parley: TLS certificate not trusted: x509: certificate signed by unknown authority (for a private CA, set ca_file in the config)\n"},
		{"no such host", "http://no-such-host.invalid", "parley: cannot resolve host no-such-host.invalid (check the base URL and your network)\n"},
		{"no such host with port", "http://parley-test.invalid:8080", "parley: cannot resolve host parley-test.invalid (check the base URL and your network)\n"},
		{"invalid port", "http://127.0.0.1:99999", "parley: cannot connect to 127.0.0.1:99999: invalid port (check the base URL)\n"},
	}
	for _, b := range backends {
		for _, f := range faults {
			t.Run(b.name+"/"+f.name, func(t *testing.T) {
				t.Parallel()
				r := b.run(t, f.url)
				want := f.stderr
				if b.name == "ollama" && f.name == "refused" { // the usual cause, and its cure
					want = strings.Replace(want, "is the server running? check the base URL", "is Ollama running? start it with: ollama serve, or set OLLAMA_HOST", 1)
				}
				if r.code != 1 || r.stdout != "" || r.stderr != want {
					t.Errorf("exit %d, stdout %q, stderr %q; want exit 1, stderr %q", r.code, r.stdout, r.stderr, want)
				}
			})
		}
	}
}

func TestFaultsHTTPStatus(t *testing.T) {
	for _, b := range backends {
		for _, status := range []int{400, 401, 403, 404, 413, 429, 500, 503} {
			t.Run(b.name+"/"+strconv.Itoa(status), func(t *testing.T) {
				t.Parallel()
				msg := "the server says no to this (" + strconv.Itoa(status) + ")"
				srv := streamtest.NewServer(t, streamtest.Status(status, "application/json", b.errBody(msg)))
				r := b.run(t, srv.URL)
				if r.code != 1 || r.stdout != "" {
					t.Fatalf("exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
				}
				want := []string{strconv.Itoa(status), msg}
				if status != 400 {
					want = append(want, " (")
				}
				saysOnce(t, r, want...)
				if strings.Contains(r.stderr, "test-faults") {
					t.Errorf("stderr shows the key: %q", r.stderr)
				}
			})
		}
	}
}

func TestFaultsHTML200(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			srv := streamtest.NewServer(t, streamtest.Status(200, "text/html", "<html><body><h1>502 Bad Gateway</h1></body></html>"))
			r := b.run(t, srv.URL)
			if r.code != 1 || r.stdout != "" {
				t.Fatalf("exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
			}
			saysOnce(t, r, "expected "+b.ctype+", got text/html", "<html><body><h1>502 Bad Gateway")
		})
	}
}

func TestFaultsDropped(t *testing.T) {
	for _, b := range backends {
		for _, end := range []streamtest.Step{streamtest.Drop(), streamtest.Write("")} {
			t.Run(b.name+"/"+end.String(), func(t *testing.T) {
				t.Parallel()
				srv := streamtest.NewServer(t, b.stream(streamtest.Write(b.partial("Hello", ", wor")), end))
				r := b.run(t, srv.URL)
				if r.code != 1 || r.stdout != "Hello, wor" || !strings.HasPrefix(r.stderr, "parley: connection lost after 2 tokens") {
					t.Fatalf("exit %d, stdout %q, stderr %q; want exit 1, the partial answer, connection lost after 2 tokens", r.code, r.stdout, r.stderr)
				}
				saysOnce(t, r)
			})
		}
	}
}

// errFrames are errors that each provider reports inside its stream, all
// saying the model is overloaded.
var errFrames = map[string]string{
	"openai":    `data: {"error":{"message":"The server is overloaded","type":"server_error"}}` + "\n\n",
	"anthropic": "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}\n\n",
	"gemini":    `data: {"error": {"code": 503,"message": "The model is overloaded. Please try again later.","status": "UNAVAILABLE"}}` + "\n\n",
	"ollama":    `{"error":"the runner is overloaded"}` + "\n",
	"sse":       "event: error\ndata: upstream overloaded\n\n",
}

// TestFaultsErrorInStream checks an error that the provider reports after
// tokens: the tokens are shown, then the provider's message, exit 1; and
// with --json, the last object is the error.
func TestFaultsErrorInStream(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			resp := b.stream(streamtest.Write(b.partial("Hello") + errFrames[b.name]))
			srv := streamtest.NewServer(t, resp, resp)
			r := b.run(t, srv.URL)
			if r.code != 1 || r.stdout != "Hello" {
				t.Fatalf("exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
			}
			saysOnce(t, r, "verloaded")
			r = b.run(t, srv.URL, "--json")
			lines := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
			var last struct{ Type string }
			if err := json.Unmarshal([]byte(lines[len(lines)-1]), &last); r.code != 1 || err != nil || last.Type != "error" || lines[0] != `{"type":"text","text":"Hello"}` {
				t.Errorf("--json: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
			}
		})
	}
}

// TestFaultsHTTP2Reset serves each provider over HTTPS with HTTP/2, as
// the model APIs do, trusted through ca_file, and resets the stream
// mid-answer.
func TestFaultsHTTP2Reset(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			srv := streamtest.NewTLSServer(t, b.stream(streamtest.Write(b.partial("Hello", ", wor")), streamtest.Drop()))
			r := parley(t, "", append([]string{trusting(t, srv)}, b.key...), "-m", b.name+":m", "--base-url", srv.URL, "-p", "q")
			if r.code != 1 || r.stdout != "Hello, wor" || !strings.HasPrefix(r.stderr, "parley: connection lost after 2 tokens") {
				t.Fatalf("exit %d, stdout %q, stderr %q; want exit 1, the partial answer, connection lost after 2 tokens", r.code, r.stdout, r.stderr)
			}
			saysOnce(t, r)
			t.Log(r.stderr)
		})
	}
}

// trusting returns a PARLEY_CONFIG setting for a config file that trusts
// srv's certificate through ca_file and turns retries off.
func trusting(t *testing.T, srv *streamtest.Server) string {
	t.Helper()
	ca := writeFile(t, "ca.pem", pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srvCertificate(t, srv)}))
	return "PARLEY_CONFIG=" + writeConfig(t, "retries = 0\nca_file = "+strconv.Quote(ca)+"\n")
}

// srvCertificate returns the DER certificate that srv presents.
func srvCertificate(t *testing.T, srv *streamtest.Server) []byte {
	t.Helper()
	conn, err := tls.Dial("tcp", strings.TrimPrefix(srv.URL, "https://"), &tls.Config{InsecureSkipVerify: true}) // to read the certificate, not to trust it
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	return conn.ConnectionState().PeerCertificates[0].Raw
}

// TestFaultsDroppedIsSaved checks that the part of an answer that arrived
// before the connection dropped is kept in the store, marked as failed.
func TestFaultsDroppedIsSaved(t *testing.T) {
	b := backends[0]
	srv := streamtest.NewServer(t, b.stream(streamtest.Write(b.partial("Hello", ", wor")), streamtest.Drop()))
	dir := t.TempDir()
	env := append([]string{noRetry(t), "PARLEY_DATA_DIR=" + dir}, b.key...)
	if r := parley(t, "", env, "-m", "openai:m", "--base-url", srv.URL, "-p", "q"); r.code != 1 {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
	list := parley(t, "", env, "--list")
	id, _, _ := strings.Cut(list.stdout, "\t")
	if list.code != 0 || id == "" {
		t.Fatalf("--list: exit %d, stdout %q, stderr %q", list.code, list.stdout, list.stderr)
	}
	show := parley(t, "", env, "--show", id)
	if show.code != 0 || !strings.Contains(show.stdout, "Hello, wor") || !strings.Contains(show.stdout, "connection lost after 2 tokens") {
		t.Errorf("--show: exit %d, stdout %q, stderr %q", show.code, show.stdout, show.stderr)
	}
}

func TestFaultsSilence(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name+"/before headers", func(t *testing.T) {
			t.Parallel()
			srv := streamtest.NewServer(t, b.stream(streamtest.Stall()))
			r := b.run(t, srv.URL, "--idle-timeout", "500ms")
			if r.code != 1 || r.stdout != "" {
				t.Fatalf("exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
			}
			saysOnce(t, r, "no data from the server for 500ms (--idle-timeout)")
		})
		t.Run(b.name+"/mid-answer", func(t *testing.T) {
			t.Parallel()
			srv := streamtest.NewServer(t, b.stream(streamtest.Write(b.partial("Hello")), streamtest.Stall()))
			r := b.run(t, srv.URL, "--idle-timeout", "500ms")
			if r.code != 1 || r.stdout != "Hello" {
				t.Fatalf("exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
			}
			saysOnce(t, r, "answer incomplete after 1 tokens", "--idle-timeout")
		})
		t.Run(b.name+"/timeout", func(t *testing.T) {
			t.Parallel()
			srv := streamtest.NewServer(t, b.stream(streamtest.Write(b.partial("Hello")), streamtest.Trickle(strings.Repeat(" ", 1000), 50*time.Millisecond)))
			r := b.run(t, srv.URL, "--timeout", "1s", "--idle-timeout", "2s")
			if r.code != 1 || r.stdout != "Hello" {
				t.Fatalf("exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
			}
			saysOnce(t, r, "answer incomplete after 1 tokens", "--timeout")
		})
		if b.ctype != "text/event-stream" {
			continue
		}
		t.Run(b.name+"/keep-alive", func(t *testing.T) {
			t.Parallel()
			steps := []streamtest.Step{streamtest.Write(b.head + b.token("Hello"))}
			for range 25 { // 2.5 s of pings every 100 ms
				steps = append(steps, streamtest.Sleep(100*time.Millisecond), streamtest.Write(": ping\n\n"))
			}
			steps = append(steps, streamtest.Write(b.token(", world")+b.tail))
			srv := streamtest.NewServer(t, b.stream(steps...))
			r := b.run(t, srv.URL, "--idle-timeout", "1s")
			if r.code != 0 || r.stdout != "Hello, world" || r.stderr != "" {
				t.Errorf("exit %d, stdout %q, stderr %q: keep-alives must count as activity", r.code, r.stdout, r.stderr)
			}
		})
	}
}

func TestFaultsStreamContent(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name+"/trickle", func(t *testing.T) {
			t.Parallel()
			srv := streamtest.NewServer(t, b.stream(streamtest.Trickle(b.body("Hello", ", world"), 500*time.Microsecond)))
			r := b.run(t, srv.URL, "--idle-timeout", "2s")
			if r.code != 0 || r.stdout != "Hello, world" || r.stderr != "" {
				t.Errorf("exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
			}
		})
		t.Run(b.name+"/invalid utf-8", func(t *testing.T) {
			t.Parallel()
			body := strings.Replace(b.body("caf\u00e9", " ok"), "\u00e9", "\xe9", 1)
			srv := streamtest.NewServer(t, b.stream(streamtest.Chunks(body, 3)))
			r := b.run(t, srv.URL)
			if r.code != 0 || r.stdout != "caf\uFFFD ok" || r.stderr != "" {
				t.Errorf("exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
			}
		})
		t.Run(b.name+"/malformed", func(t *testing.T) {
			t.Parallel()
			bad := b.malformed
			if bad == "" {
				bad = strings.Replace(b.token("oops"), "}", "", 1)
			}
			srv := streamtest.NewServer(t, b.stream(streamtest.Write(b.partial("Hello")+bad+b.tail)))
			r := b.run(t, srv.URL)
			if r.code != 1 || r.stdout != "Hello" {
				t.Fatalf("exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
			}
			saysOnce(t, r, "malformed")
		})
		t.Run(b.name+"/huge line", func(t *testing.T) {
			t.Parallel()
			srv := streamtest.NewServer(t, b.stream(streamtest.Write(b.partial("Hello")), streamtest.Repeat("x", 50<<20), streamtest.Write("\n\n")))
			// The binary: the test is about the process's peak memory.
			r := measured(t, append([]string{noRetry(t)}, b.key...), "-m", b.name+":m", "--base-url", srv.URL, "-p", "q")
			rss := r.peakRSS
			if r.code != 1 || r.stdout != "Hello" {
				t.Fatalf("exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
			}
			saysOnce(t, r, "exceeds")
			t.Logf("peak RSS %d MiB", rss>>20)
			if rss > 150<<20 {
				t.Errorf("peak RSS %d MiB reading a 50 MiB line", rss>>20)
			}
		})
	}
	t.Run("unknown events", func(t *testing.T) {
		t.Parallel()
		b := backends[1] // anthropic names its events
		body := strings.Replace(b.body("Hello", ", world"), b.token(", world"),
			"event: content_block_future\ndata: {\"type\":\"content_block_future\"}\n\n"+b.token(", world"), 1)
		srv := streamtest.NewServer(t, b.stream(streamtest.Write(body)))
		r := b.run(t, srv.URL)
		if r.code != 0 || r.stdout != "Hello, world" {
			t.Errorf("exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
		}
	})
}
