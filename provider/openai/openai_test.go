package openai

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"go.uber.org/goleak"

	"github.com/parley-chat/parley/provider"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// collect drains a stream into the text it carried and its last chunk.
func collect(t *testing.T, ch <-chan provider.Chunk) (text string, usage provider.Usage, last provider.Chunk) {
	t.Helper()
	var b strings.Builder
	for c := range ch {
		switch c.Kind {
		case provider.KindText:
			b.WriteString(c.Text)
		case provider.KindUsage:
			usage = c.Usage
		}
		last = c
	}
	return b.String(), usage, last
}

func serve(t *testing.T, status int, ctype, body string) *Client {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/v1/chat/completions" {
			t.Errorf("path = %q", r.URL.Path)
		}
		if got := r.Header.Get("Authorization"); got != "Bearer sk-test" {
			t.Errorf("Authorization = %q", got)
		}
		w.Header().Set("Content-Type", ctype)
		w.WriteHeader(status)
		io.WriteString(w, body)
	}))
	t.Cleanup(srv.Close)
	return New(Config{BaseURL: srv.URL + "/v1", APIKey: "sk-test", KeyEnv: "OPENAI_API_KEY"})
}

func TestStream(t *testing.T) {
	basic, err := os.ReadFile("testdata/basic.sse")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		status   int
		ctype    string
		body     string
		text     string
		reason   string
		errIs    error
		errHas   string
		noSecret bool
	}{
		{name: "transcript", status: 200, ctype: "text/event-stream", body: string(basic), text: "Hello, world", reason: "stop"},
		{name: "crlf and no done", status: 200, ctype: "text/event-stream; charset=utf-8",
			body: "data: {\"choices\":[{\"delta\":{\"content\":\"a\"}}]}\r\n\r\ndata: {\"choices\":[{\"delta\":{},\"finish_reason\":\"length\"}]}\r\n\r\n",
			text: "a", reason: "length"},
		{name: "truncated", status: 200, ctype: "text/event-stream",
			body: "data: {\"choices\":[{\"delta\":{\"content\":\"a\"}}]}\n\n", text: "a", errIs: provider.ErrIncomplete, errHas: "connection lost after 1 tokens"},
		{name: "error in stream", status: 200, ctype: "text/event-stream",
			body: "data: {\"error\":{\"message\":\"The server had an error\",\"type\":\"server_error\"}}\n\n", errHas: "The server had an error"},
		{name: "401", status: 401, ctype: "application/json",
			body:   `{"error":{"message":"Incorrect API key provided: sk-te***","type":"invalid_request_error","code":"invalid_api_key"}}`,
			errHas: "401 Unauthorized: Incorrect API key provided: sk-te*** (check the API key in OPENAI_API_KEY)", noSecret: true},
		{name: "html", status: 200, ctype: "text/html", body: "<html><body>Bad gateway</body></html>",
			errHas: "expected text/event-stream, got text/html: <html><body>Bad gateway</body></html>"},
		{name: "malformed", status: 200, ctype: "text/event-stream", body: "data: {nope\n\n", errHas: "malformed chunk"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := serve(t, tt.status, tt.ctype, tt.body)
			ch, err := c.Stream(context.Background(), provider.Request{Model: "gpt-4o-mini", Messages: []provider.Message{{Role: provider.RoleUser, Content: "hi"}}})
			if err != nil {
				t.Fatal(err)
			}
			text, _, last := collect(t, ch)
			if text != tt.text {
				t.Errorf("text = %q, want %q", text, tt.text)
			}
			if tt.errHas == "" {
				if last.Kind != provider.KindFinish || last.Reason != tt.reason {
					t.Fatalf("last = %+v, want finish %q", last, tt.reason)
				}
				return
			}
			if last.Kind != provider.KindError {
				t.Fatalf("last = %+v, want an error", last)
			}
			if !strings.Contains(last.Err.Error(), tt.errHas) {
				t.Errorf("error = %q, want it to contain %q", last.Err, tt.errHas)
			}
			if tt.errIs != nil && !errors.Is(last.Err, tt.errIs) {
				t.Errorf("error = %v, want errors.Is %v", last.Err, tt.errIs)
			}
			if strings.Contains(last.Err.Error(), "sk-test") {
				t.Errorf("error leaks the key: %v", last.Err)
			}
		})
	}
}
