package provider

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
		{"any", "429", &APIError{Status: 429}, true},
		{"any", "500", &APIError{Status: 500}, true},
		{"any", "503", &APIError{Status: 503}, true},
		{"any", "529 overloaded", &APIError{Status: 529, Type: "overloaded_error"}, true},
		{"any", "501", &APIError{Status: 501}, false},
		{"any", "400", &APIError{Status: 400, Type: "invalid_request_error"}, false},
		{"any", "401", &APIError{Status: 401}, false},
		{"any", "404", &APIError{Status: 404}, false},
		// Errors inside the stream, in each wire's words.
		{"openai", "server_error", &APIError{Type: "server_error"}, true},
		{"openai", "rate_limit_exceeded", &APIError{Type: "rate_limit_exceeded"}, true},
		{"openai", "invalid_request_error", &APIError{Type: "invalid_request_error"}, false},
		{"openai", "content_filter", &APIError{Type: "content_filter"}, false},
		{"anthropic", "overloaded_error", &APIError{Type: "overloaded_error"}, true},
		{"anthropic", "rate_limit_error", &APIError{Type: "rate_limit_error"}, true},
		{"anthropic", "api_error", &APIError{Type: "api_error"}, true},
		{"anthropic", "authentication_error", &APIError{Type: "authentication_error"}, false},
		{"gemini", "UNAVAILABLE", &APIError{Type: "UNAVAILABLE"}, true},
		{"gemini", "RESOURCE_EXHAUSTED", &APIError{Type: "RESOURCE_EXHAUSTED"}, true},
		{"gemini", "INTERNAL", &APIError{Type: "INTERNAL"}, true},
		{"gemini", "INVALID_ARGUMENT", &APIError{Type: "INVALID_ARGUMENT"}, false},
		{"gemini", "SAFETY", &APIError{Type: "SAFETY"}, false},
		{"sse", "server_error event", &APIError{Type: "server_error"}, true},
		{"sse", "plain error event", &APIError{Message: "boom"}, false},
		{"ollama", "untyped error line", &APIError{Message: "model not found"}, false},
		// Network faults, the same on every wire, however wrapped.
		{"any", "refused", refused, true},
		{"any", "refused, wrapped", fmt.Errorf("acme: %w", refused), true},
		{"any", "closed before headers", classifyNet(context.Background(), "h:1", io.EOF, true), true},
		{"any", "reset", classifyNet(context.Background(), "h:1", &net.OpError{Op: "read", Err: os.NewSyscallError("read", syscall.ECONNRESET)}, false), true},
		{"any", "no such host", classifyNet(context.Background(), "", &net.DNSError{Name: "x.invalid", IsNotFound: true}, true), false},
		{"any", "dns timeout", classifyNet(context.Background(), "", &net.DNSError{Name: "x", IsTimeout: true}, true), true},
		{"any", "redirect refused", &NetError{Kind: NetRedirect}, false},
		{"any", "tls", &NetError{Kind: NetTLS}, false},
		{"any", "invalid port", dialErr(t, "127.0.0.1:99999"), false},
		{"any", "idle timeout", &TimeoutError{Limit: time.Second, Idle: true}, false},
		{"any", "cancelled", context.Canceled, false},
		{"any", "malformed", errors.New("acme: malformed chunk"), false},
	}
	for _, tt := range tests {
		t.Run(tt.wire+"/"+tt.name, func(t *testing.T) {
			if got := Retryable(tt.err); got != tt.want {
				t.Errorf("Retryable(%v) = %v, want %v", tt.err, got, tt.want)
			}
		})
	}
}

// dialErr is what Open returns for a request to addr that cannot connect.
func dialErr(t *testing.T, addr string) error {
	t.Helper()
	_, err := Options{}.Open(t.Context(), Call{Endpoint: Endpoint{Name: "acme"}, URL: "http://" + addr + "/v1"})
	var ne *NetError
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

func TestRetryAfterHeader(t *testing.T) {
	now := time.Date(2025, 3, 1, 14, 0, 0, 0, time.UTC)
	tests := []struct {
		v    string
		want time.Duration
	}{
		{"", 0},
		{"20", 20 * time.Second},
		{" 3600 ", time.Hour},
		{"-5", 0},
		{"soon", 0},
		{"99999999999999999999", maxRetryAfter},
		{"9223372036854775807", maxRetryAfter},
		{now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second},
		{now.Add(-time.Minute).Format(http.TimeFormat), 0},
	}
	for _, tt := range tests {
		if got := retryAfter(tt.v, now); got != tt.want {
			t.Errorf("retryAfter(%q) = %v, want %v", tt.v, got, tt.want)
		}
	}
	for _, tt := range []struct {
		d    time.Duration
		want string
	}{
		{20 * time.Second, "after 20s"},
		{time.Hour, "in 1h0m, at 15:00"},
		{90 * time.Minute, "in 1h30m, at 15:30"},
		{maxRetryAfter, "in 8784h0m, at Mar 2 2026 14:00"},
		{10 * time.Hour, "in 10h0m, at Mar 2 00:00"},
	} {
		if got := retryWhen(tt.d, now); got != tt.want {
			t.Errorf("retryWhen(%v) = %q, want %q", tt.d, got, tt.want)
		}
	}
}

func TestRetryWait(t *testing.T) {
	now := time.Now()
	limited := func(d time.Duration) error {
		return &APIError{Provider: "acme", Status: 429, Message: "slow down", RetryAfter: d, Advice: "rate limited; retry after " + FormatWait(d)}
	}
	p := RetryPolicy{Max: 2, Base: time.Second, Cap: 20 * time.Second}
	if d, _, ok := p.wait(0, limited(20*time.Second), now); !ok || d != 20*time.Second {
		t.Errorf("no deadline: wait %v, %v", d, ok)
	}
	if _, err, ok := p.wait(0, limited(time.Hour), now); ok || err.Error() != limited(time.Hour).Error() {
		t.Errorf("an hour: ok %v, error %v; want to give up at once in the provider's words", ok, err)
	}
	p.deadline, p.timeout = now.Add(3*time.Second), 3*time.Second
	_, err, ok := p.wait(0, limited(20*time.Second), now)
	var ae *APIError
	if ok || !errors.As(err, &ae) || !strings.Contains(err.Error(), "slow down (rate limited; retry after 20s; --timeout 3s ends before the next try)") {
		t.Errorf("past the deadline: ok %v, error %v", ok, err)
	}
	if d, _, ok := p.wait(0, limited(2*time.Second), now); !ok || d != 2*time.Second {
		t.Errorf("within the deadline: wait %v, %v", d, ok)
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
	o.Retry = &RetryPolicy{Max: 2}
	start := time.Now()
	var last Chunk
	for ch := range o.Start(t.Context(), c.Endpoint, func(ctx context.Context, e *Emitter) (string, error) {
		rc, err := o.Open(ctx, c)
		if err != nil {
			return "", err
		}
		rc.Close()
		return "stop", nil
	}) {
		last = ch
	}
	if took := time.Since(start); took > 500*time.Millisecond || last.Kind != KindError || len(srv.Requests()) != 1 {
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
	ctx := withSecrets(context.Background(), []string{secret})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			from, _ := http.NewRequestWithContext(ctx, "GET", tt.from, nil)
			to, _ := http.NewRequestWithContext(ctx, "GET", tt.to, nil)
			if tt.header != nil {
				from.Header = tt.header
			}
			err := checkRedirect(to, []*http.Request{from})
			var ne *NetError
			if tt.ok != (err == nil) || (err != nil && (!errors.As(err, &ne) || ne.Kind != NetRedirect)) {
				t.Errorf("checkRedirect = %v, want ok %v", err, tt.ok)
			}
			if err != nil && strings.Contains(err.Error(), secret) {
				t.Errorf("the refusal shows the key: %v", err)
			}
		})
	}
}

// TestScrubError checks that the key is gone from every link of a chain,
// including the fields of typed errors that views show on their own.
func TestScrubError(t *testing.T) {
	api := &APIError{Provider: "acme", Message: "bad key Bearer " + secret, Advice: "check " + secret}
	err := &LostError{Deltas: 3, Err: fmt.Errorf("acme: %w", api)}
	s := scrubError(err, []string{secret})
	if strings.Contains(s.Error(), secret) || !strings.Contains(s.Error(), "Bearer [key]") {
		t.Errorf("message %q", s)
	}
	var lost *LostError
	var ae *APIError
	if !errors.As(s, &lost) || lost.Deltas != 3 || !errors.As(s, &ae) || strings.Contains(ae.Message+ae.Advice, secret) {
		t.Errorf("typed errors lost or not scrubbed: %#v", ae)
	}
	if strings.Contains(lost.Err.Error(), secret) {
		t.Errorf("inner message %q", lost.Err)
	}
	if !errors.Is(s, ErrIncomplete) {
		t.Error("the sentinel is lost")
	}
	if api.Message != "bad key Bearer "+secret {
		t.Error("the original error was changed")
	}
	plain := errors.New("nothing secret")
	if scrubError(plain, []string{secret}) != plain {
		t.Error("an error without the key was rewrapped")
	}
}

// TestEmitterScrubs checks that a notice and an error sent through a
// stream started for an endpoint are scrubbed of its key.
func TestEmitterScrubs(t *testing.T) {
	o := Options{Retry: &RetryPolicy{}}
	ep := Endpoint{Name: "acme", APIKey: secret}
	var got []string
	for c := range o.Start(t.Context(), ep, func(ctx context.Context, e *Emitter) (string, error) {
		e.Notice("resuming after " + secret)
		e.Text("answer " + secret) // the answer is the model's: left alone
		return "", &APIError{Provider: "acme", Message: "echo " + secret}
	}) {
		got = append(got, c.Text)
		if c.Err != nil {
			got = append(got, c.Err.Error())
		}
	}
	want := []string{"resuming after [key]", "answer " + secret, "", "acme: echo [key]"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("chunks %q, want %q", got, want)
	}
}
