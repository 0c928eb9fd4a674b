package httpx

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/parley-chat/parley/provider"
	"github.com/parley-chat/parley/stream/streamtest"
)

// TestRetryableRule is the table of what each wire's errors before the
// first token are: temporary (retried) or not, by one rule.
func TestRetryableRule(t *testing.T) {
	refused := dialErr(t, "127.0.0.1:1")
	tests := []struct {
		wire string
		name string
		err  error
		want bool
	}{
		// HTTP statuses, the same on every wire.
		{"any", "429", &provider.APIError{Status: 429}, true},
		{"any", "500", &provider.APIError{Status: 500}, true},
		{"any", "503", &provider.APIError{Status: 503}, true},
		{"any", "529 overloaded", &provider.APIError{Status: 529, Type: "overloaded_error"}, true},
		{"any", "501", &provider.APIError{Status: 501}, false},
		{"any", "400", &provider.APIError{Status: 400, Type: "invalid_request_error"}, false},
		{"any", "401", &provider.APIError{Status: 401}, false},
		{"any", "404", &provider.APIError{Status: 404}, false},
		// Errors inside the stream, in each wire's words.
		{"openai", "server_error", &provider.APIError{Type: "server_error"}, true},
		{"openai", "rate_limit_exceeded", &provider.APIError{Type: "rate_limit_exceeded"}, true},
		{"openai", "invalid_request_error", &provider.APIError{Type: "invalid_request_error"}, false},
		{"openai", "content_filter", &provider.APIError{Type: "content_filter"}, false},
		{"anthropic", "overloaded_error", &provider.APIError{Type: "overloaded_error"}, true},
		{"anthropic", "rate_limit_error", &provider.APIError{Type: "rate_limit_error"}, true},
		{"anthropic", "api_error", &provider.APIError{Type: "api_error"}, true},
		{"anthropic", "authentication_error", &provider.APIError{Type: "authentication_error"}, false},
		{"gemini", "UNAVAILABLE", &provider.APIError{Type: "UNAVAILABLE"}, true},
		{"gemini", "RESOURCE_EXHAUSTED", &provider.APIError{Type: "RESOURCE_EXHAUSTED"}, true},
		{"gemini", "INTERNAL", &provider.APIError{Type: "INTERNAL"}, true},
		{"gemini", "INVALID_ARGUMENT", &provider.APIError{Type: "INVALID_ARGUMENT"}, false},
		{"gemini", "SAFETY", &provider.APIError{Type: "SAFETY"}, false},
		{"sse", "server_error event", &provider.APIError{Type: "server_error"}, true},
		{"sse", "plain error event", &provider.APIError{Message: "boom"}, false},
		{"ollama", "untyped error line", &provider.APIError{Message: "model not found"}, false},
		// Network faults, the same on every wire, however wrapped.
		{"any", "refused", refused, true},
		{"any", "refused, wrapped", fmt.Errorf("acme: %w", refused), true},
		{"any", "closed before headers", classifyNet(context.Background(), "h:1", io.EOF, true), true},
		{"any", "reset", classifyNet(context.Background(), "h:1", &net.OpError{Op: "read", Err: os.NewSyscallError("read", syscall.ECONNRESET)}, false), true},
		{"any", "no such host", classifyNet(context.Background(), "", &net.DNSError{Name: "x.invalid", IsNotFound: true}, true), false},
		{"any", "dns timeout", classifyNet(context.Background(), "", &net.DNSError{Name: "x", IsTimeout: true}, true), true},
		{"any", "redirect refused", &provider.NetError{Kind: provider.NetRedirect}, false},
		{"any", "tls", &provider.NetError{Kind: provider.NetTLS}, false},
		{"any", "invalid port", dialErr(t, "127.0.0.1:99999"), false},
		{"any", "idle timeout", &provider.TimeoutError{Limit: time.Second, Idle: true}, false},
		{"any", "cancelled", context.Canceled, false},
		{"any", "malformed", errors.New("acme: malformed chunk"), false},
	}
	for _, tt := range tests {
		t.Run(tt.wire+"/"+tt.name, func(t *testing.T) {
			if got := provider.Retryable(tt.err); got != tt.want {
				t.Errorf("Retryable(%v) = %v, want %v", tt.err, got, tt.want)
			}
		})
	}
}

// dialErr is what Open returns for a request to addr that cannot connect.
func dialErr(t *testing.T, addr string) error {
	t.Helper()
	_, err := Open(t.Context(), provider.Options{}, Call{Endpoint: provider.Endpoint{Name: "acme"}, URL: "http://" + addr + "/v1"})
	var ne *provider.NetError
	if !errors.As(err, &ne) {
		t.Fatalf("Open(%s) = %v, not a *NetError", addr, err)
	}
	return err
}

func TestNetErrorWords(t *testing.T) {
	tests := []struct{ addr, want string }{
		{"127.0.0.1:1", "acme: cannot connect to 127.0.0.1:1: connection refused (is the server running? check the base URL)"},
		{"127.0.0.1:99999", "acme: cannot connect to 127.0.0.1:99999: invalid port (check the base URL)"},
		{"parley-test.invalid:80", "acme: cannot resolve host parley-test.invalid (check the base URL and your network)"},
	}
	for _, tt := range tests {
		if got := dialErr(t, tt.addr).Error(); got != tt.want {
			t.Errorf("%s: %q, want %q", tt.addr, got, tt.want)
		}
	}
}

// TestRunGivesUpPastDeadline checks the whole request: a 429 asking for
// 20 s under a 1 s timeout ends at once with one request.
func TestRunGivesUpPastDeadline(t *testing.T) {
	limited := streamtest.Response{Status: 429, Header: http.Header{"Retry-After": {"20"}, "Content-Type": {"application/json"}},
		Steps: []streamtest.Step{streamtest.Write(`{"error":{"message":"slow down"}}`)}}
	srv := streamtest.NewServer(t, limited, limited)
	o, c := testCall(srv)
	o.Timeout = time.Second
	o.Retry = &provider.RetryPolicy{Max: 2}
	start := time.Now()
	var last provider.Chunk
	for ch := range provider.Start(t.Context(), c.Endpoint, o, func(ctx context.Context, e *provider.Emitter) (string, error) {
		rc, err := Open(ctx, o, c)
		if err != nil {
			return "", err
		}
		rc.Close()
		return "stop", nil
	}) {
		last = ch
	}
	if took := time.Since(start); took > 500*time.Millisecond || last.Kind != provider.KindError || len(srv.Requests()) != 1 {
		t.Fatalf("after %s, %d requests: %v %v", took, len(srv.Requests()), last.Kind, last.Err)
	}
}

// TestRedirectPolicy checks the redirect rule on its own: which redirects
// a request may follow, by the origin it goes to and what it carries.
func TestRedirectPolicy(t *testing.T) {
	tests := []struct {
		name, from, to string
		header         http.Header
		ok             bool
	}{
		{"same origin", "http://127.0.0.1:8080/v1", "http://127.0.0.1:8080/v2", http.Header{"X-Custom-Auth": {secret}}, true},
		{"another host", "http://localhost:8080/v1", "http://127.0.0.1:8080/v1", http.Header{"X-Custom-Auth": {secret}}, false},
		{"another port", "http://127.0.0.1:8080/v1", "http://127.0.0.1:9090/v1", http.Header{"Authorization": {"Bearer " + secret}}, false},
		{"a known key header", "https://api.example.com/v1", "https://cdn.example.net/v1", http.Header{"X-Goog-Api-Key": {"short"}}, false},
		{"a key in the query", "http://localhost:8080/v1?key=" + secret, "http://127.0.0.1:8080/v1?key=" + secret, nil, false},
		{"another host, no key", "http://localhost:8080/v1", "http://127.0.0.1:8080/v1", http.Header{"Accept": {"*/*"}}, true},
		{"upgrade to https", "http://example.com/v1", "https://example.com/v1", http.Header{"X-Api-Key": {secret}}, true},
		{"downgrade to http", "https://example.com/v1", "http://example.com/v1", http.Header{"X-Api-Key": {secret}}, false},
		{"upgrade to another port", "http://example.com:8080/v1", "https://example.com/v1", http.Header{"X-Api-Key": {secret}}, false},
	}
	ctx := provider.WithSecrets(context.Background(), provider.Endpoint{APIKey: secret})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			from, _ := http.NewRequestWithContext(ctx, "GET", tt.from, nil)
			to, _ := http.NewRequestWithContext(ctx, "GET", tt.to, nil)
			if tt.header != nil {
				from.Header = tt.header
			}
			err := checkRedirect(to, []*http.Request{from})
			var ne *provider.NetError
			if tt.ok != (err == nil) || (err != nil && (!errors.As(err, &ne) || ne.Kind != provider.NetRedirect)) {
				t.Errorf("checkRedirect = %v, want ok %v", err, tt.ok)
			}
			if err != nil && strings.Contains(err.Error(), secret) {
				t.Errorf("the refusal shows the key: %v", err)
			}
		})
	}
}
