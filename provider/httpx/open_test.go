package httpx

import (
	"context"
	"encoding/pem"
	"errors"
	"io"
	"log"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/parley-chat/parley/provider"
	"github.com/parley-chat/parley/stream"
	"github.com/parley-chat/parley/stream/streamtest"
)

const secret = "sk-secret-0123456789"

func testCall(srv *streamtest.Server) (provider.Options, Call) {
	o := provider.Options{HTTPClient: srv.Client()}
	c := Call{
		Endpoint: provider.Endpoint{Name: "acme", APIKey: secret, APIKeyEnv: "ACME_KEY"},
		Method:   http.MethodPost, URL: srv.URL + "/v1/chat", Body: []byte(`{}`), Model: "m1",
		Header: http.Header{"Authorization": {"Bearer " + secret}},
		Accept: []string{provider.MediaEventStream},
	}
	return o, c
}

func TestOpenErrors(t *testing.T) {
	tests := []struct {
		name string
		resp streamtest.Response
		want []string
	}{
		{"echoed key", streamtest.Status(401, "application/json", `{"error":{"message":"Incorrect API key provided: `+secret+`","type":"invalid_request_error"}}`),
			[]string{"acme: 401 Unauthorized: Incorrect API key provided: [key]", "check the API key in ACME_KEY"}},
		{"html", streamtest.Status(200, "text/html", "<html>\n<h1>Bad gateway</h1>"), []string{"acme: expected text/event-stream, got text/html: <html> <h1>Bad gateway</h1>"}},
		{"no type", streamtest.Response{Header: http.Header{"Content-Type": {""}}, Steps: []streamtest.Step{streamtest.Write("hi")}},
			[]string{"got no content type: hi"}},
		{"404", streamtest.Status(404, "text/plain", "no such route"), []string{"404 Not Found: no such route", `"m1"`}},
		// openai-mock-api 0.4 at a base URL with the wrong path.
		{"404 route", streamtest.Status(404, "application/json; charset=utf-8", `{"error":"Not found"}`),
			[]string{`404 Not Found: Not found (check --base-url: the server has nothing at /`, `; or is the model name "m1" wrong?)`}},
		// express's own page for a route it does not have.
		{"404 express", streamtest.Status(404, "text/html; charset=utf-8", "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>Error</title>\n</head>\n<body>\n<pre>Cannot POST /o/chat/completions</pre>\n</body>\n</html>\n"),
			[]string{"acme: 404 Not Found: Cannot POST /o/chat/completions (check --base-url"}},
		{"502 nginx", streamtest.Status(502, "text/html", "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx/1.25.3</center>\r\n</body>\r\n</html>\r\n<!-- a padding to disable MSIE and Chrome friendly error page -->\r\n"),
			[]string{"acme: 502 Bad Gateway: 502 Bad Gateway nginx/1.25.3 (the provider"}},
		{"500", streamtest.Status(500, "application/json", `{"detail":"boom"}`), []string{"500", "boom", "try again shortly"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := streamtest.NewServer(t, tt.resp)
			o, c := testCall(srv)
			_, err := Open(t.Context(), o, c)
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
			if strings.Contains(err.Error(), secret) {
				t.Errorf("key leaked: %v", err)
			}
		})
	}
}

// A mislabelled stream is taken as soon as its first line is in: a server
// that pauses after its first event has that event read at once, and the
// bytes read to tell what the body is are read again.
func TestOpenMislabelledStreamIsNotHeldBack(t *testing.T) {
	first := "data: {\"n\":1}\n\n"
	srv := streamtest.NewServer(t, streamtest.Response{
		Header: http.Header{"Content-Type": {"text/plain"}},
		Steps:  []streamtest.Step{streamtest.Write(first), streamtest.Flush(), streamtest.Stall()},
	})
	o, c := testCall(srv)
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	rc, err := Open(ctx, o, c)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	got := make([]byte, len(first))
	if _, err := io.ReadFull(rc, got); err != nil || string(got) != first {
		t.Fatalf("read %q, %v; want %q", got, err, first)
	}
}

func TestOpenRequest(t *testing.T) {
	srv := streamtest.NewServer(t, streamtest.Stream(streamtest.Write("data: x\n\n")))
	o, c := testCall(srv)
	rc, err := Open(t.Context(), o, c)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(rc)
	rc.Close()
	if string(b) != "data: x\n\n" {
		t.Errorf("body %q", b)
	}
	r := srv.Requests()[0]
	if r.Header.Get("Content-Type") != "application/json" || r.Header.Get("Authorization") != "Bearer "+secret || string(r.Body) != "{}" {
		t.Errorf("request %+v", r)
	}
	if got := r.Header.Get("Accept"); got != provider.MediaEventStream {
		t.Errorf("Accept = %q, want the call's media type", got)
	}
}

func TestOpenIdle(t *testing.T) {
	t.Run("before headers", func(t *testing.T) {
		srv := streamtest.NewServer(t, streamtest.Stream(streamtest.Stall()))
		o, c := testCall(srv)
		o.IdleTimeout = 200 * time.Millisecond
		_, err := Open(t.Context(), o, c)
		var te *provider.TimeoutError
		if !errors.As(err, &te) || !te.Idle || !errors.Is(err, stream.ErrIdle) {
			t.Fatalf("error %v", err)
		}
		if !strings.Contains(err.Error(), "no data from the server for 200ms (--idle-timeout)") {
			t.Errorf("message %q", err)
		}
	})
	t.Run("mid body", func(t *testing.T) {
		srv := streamtest.NewServer(t, streamtest.Stream(streamtest.Write(": keep-alive\n\n"), streamtest.Stall()))
		o, c := testCall(srv)
		o.IdleTimeout = 200 * time.Millisecond
		rc, err := Open(t.Context(), o, c)
		if err != nil {
			t.Fatal(err)
		}
		defer rc.Close()
		b, err := io.ReadAll(rc)
		var te *provider.TimeoutError
		if string(b) != ": keep-alive\n\n" || !errors.As(err, &te) || !te.Idle {
			t.Fatalf("read %q, %v", b, err)
		}
	})
}

func TestStartTimeout(t *testing.T) {
	srv := streamtest.NewServer(t, streamtest.Stream(streamtest.Write("data: a\n\n"), streamtest.Stall()))
	o, c := testCall(srv)
	o.Timeout = 40 * time.Millisecond
	ch := provider.Start(t.Context(), c.Endpoint, o, func(ctx context.Context, e *provider.Emitter) (string, error) {
		e.Text("a") // as if from an earlier part of the answer
		rc, err := Open(ctx, o, c)
		if err != nil {
			return "", err
		}
		defer rc.Close()
		_, err = io.ReadAll(rc)
		return "", e.Lost(err)
	})
	var last provider.Chunk
	for c := range ch {
		last = c
	}
	var te *provider.TimeoutError
	if last.Kind != provider.KindError || !errors.As(last.Err, &te) || te.Idle || !strings.Contains(last.Err.Error(), "answer incomplete after 1 tokens") || strings.Contains(last.Err.Error(), "connection lost") {
		t.Fatalf("last chunk %v: %v", last.Kind, last.Err)
	}
}

func TestNewClientCAFile(t *testing.T) {
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "ok") }))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the rejected handshake is expected
	srv.StartTLS()
	defer srv.Close()
	plain, err := NewClient("")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := plain.Get(srv.URL); err == nil {
		t.Fatal("a self-signed server was trusted without ca_file")
	}
	plain.CloseIdleConnections()
	ca := filepath.Join(t.TempDir(), "ca.pem")
	pemBytes := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	if err := os.WriteFile(ca, pemBytes, 0o600); err != nil {
		t.Fatal(err)
	}
	client, err := NewClient(ca)
	if err != nil {
		t.Fatal(err)
	}
	defer client.CloseIdleConnections()
	resp, err := client.Get(srv.URL)
	if err != nil {
		t.Fatalf("with ca_file: %v", err)
	}
	resp.Body.Close()
	if _, err := NewClient(filepath.Join(t.TempDir(), "missing.pem")); err == nil {
		t.Error("a missing ca_file was accepted")
	}
}

func TestNewClientProxy(t *testing.T) {
	// ProxyFromEnvironment reads the environment once per process, so the
	// test checks the wiring rather than setting HTTPS_PROXY.
	client, err := NewClient("")
	if err != nil {
		t.Fatal(err)
	}
	if tr, ok := client.Transport.(*http.Transport); !ok || tr.Proxy == nil || client.Timeout != 0 {
		t.Errorf("client %+v does not honour proxies or has a timeout", client)
	}
}

func TestDebugLogHasNoKey(t *testing.T) {
	var buf strings.Builder
	srv := streamtest.NewServer(t,
		streamtest.Status(401, "application/json", `{"error":{"message":"bad key `+secret+`"}}`),
		streamtest.Stream(streamtest.Write("data: x\n\n")),
	)
	o, c := testCall(srv)
	o.Debug = slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	c.URL += "?note=" + secret // a key pasted into a URL is scrubbed too
	if _, err := Open(t.Context(), o, c); err == nil || strings.Contains(err.Error(), secret) {
		t.Fatalf("error %v", err)
	}
	rc, err := Open(t.Context(), o, c)
	if err != nil {
		t.Fatal(err)
	}
	rc.Close()
	if !strings.Contains(buf.String(), "status=401") || strings.Contains(buf.String(), secret) {
		t.Errorf("debug log:\n%s", buf.String())
	}
}

func TestStreamClientHeaderTimeout(t *testing.T) {
	srv := streamtest.NewServer(t, streamtest.Stream(streamtest.Stall()), streamtest.Stream(streamtest.Write("ok")))
	o := provider.Options{HTTPClient: srv.Client(), IdleTimeout: 200 * time.Millisecond}
	hc := StreamClient(o)
	_, err := hc.Get(srv.URL)
	var te *provider.TimeoutError
	if !errors.As(err, &te) || !te.Idle {
		t.Fatalf("error %v", err)
	}
	resp, err := hc.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(b) != "ok" {
		t.Errorf("body %q", b)
	}
}

func TestOpenTLSFailure(t *testing.T) {
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.StartTLS()
	defer srv.Close()
	client, err := NewClient("")
	if err != nil {
		t.Fatal(err)
	}
	defer client.CloseIdleConnections()
	o := provider.Options{HTTPClient: client}
	_, err = Open(t.Context(), o, Call{Endpoint: provider.Endpoint{Name: "acme"}, URL: srv.URL + "/v1/models"})
	if err == nil || !strings.HasPrefix(err.Error(), "acme: ") || !strings.Contains(err.Error(), "certificate") || strings.Contains(err.Error(), "\n") {
		t.Fatalf("error %v", err)
	}
	if provider.Retryable(err) {
		t.Error("a TLS failure would be retried")
	}
}

// A body opened with a gate is not read while the gate is held, and the
// time held is not silence: the idle watchdog does not count it.
func TestOpenGate(t *testing.T) {
	srv := streamtest.NewServer(t, streamtest.Stream(streamtest.Write("data: x\n\n"), streamtest.Flush(), streamtest.Stall()))
	o, c := testCall(srv)
	o.IdleTimeout = 100 * time.Millisecond
	g := provider.NewGate()
	rc, err := Open(provider.WithGate(t.Context(), g), o, c)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	const hold = 250 * time.Millisecond
	start := time.Now()
	g.Hold(start.Add(hold))
	buf := make([]byte, 64)
	n, err := rc.Read(buf)
	if waited := time.Since(start); waited < hold {
		t.Errorf("the body was read %v after the gate was held for %v", waited, hold)
	}
	if err != nil || string(buf[:n]) != "data: x\n\n" {
		t.Fatalf("read %q, %v; want the event", buf[:n], err)
	}
}

// A read held by a gate ends when the request's context does.
func TestGateEndsWithTheContext(t *testing.T) {
	g := provider.NewGate()
	g.Hold(time.Now().Add(time.Hour))
	ctx, cancel := context.WithCancel(t.Context())
	time.AfterFunc(20*time.Millisecond, cancel)
	start := time.Now()
	rc := provider.GateBody(provider.WithGate(ctx, g), io.NopCloser(strings.NewReader("x")))
	n, _ := rc.Read(make([]byte, 1))
	if waited := time.Since(start); n != 1 || waited < 20*time.Millisecond || waited > 10*time.Second {
		t.Errorf("read %d bytes after %v, want 1 once the context is cancelled (20ms)", n, waited)
	}
}
