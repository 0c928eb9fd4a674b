package provider

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"
)

// TestWords checks the words each error of this package carries: the
// headline and explanation that the chat shows, and the one line that the
// command line prints.
func TestWords(t *testing.T) {
	net := &NetError{Kind: NetRefused, Host: "127.0.0.1:1", Words: "cannot connect to 127.0.0.1:1: connection refused", Advice: "is the server running? check the base URL"}
	tests := []struct {
		name                 string
		err                  Explained
		title, explain, line string
	}{
		{"api 401", &APIError{Provider: "openai", Status: 401, Message: "Incorrect API key provided.", Advice: "check the API key in OPENAI_API_KEY"},
			"openai refused the key (401)", "Incorrect API key provided. check the API key in OPENAI_API_KEY", ""},
		{"api 429 no advice", &APIError{Provider: "acme", Status: 429, Message: "slow down"},
			"acme is rate limiting requests (429)", "slow down", ""},
		{"api 503", &APIError{Provider: "acme", Status: 503, Type: "overloaded_error"},
			"acme had a server error (503)", "overloaded_error", ""},
		{"api 400", &APIError{Status: 400, Message: "bad"}, "The provider rejected the request (400)", "bad", ""},
		{"api in stream", &APIError{Provider: "acme", Message: "boom"}, "acme reported an error", "boom", ""},
		{"net refused", net, "Cannot connect to the server",
			"cannot connect to 127.0.0.1:1: connection refused. Is the server running? check the base URL",
			"cannot connect to 127.0.0.1:1: connection refused (is the server running? check the base URL)"},
		{"net dns", &NetError{Kind: NetDNS, Host: "x.invalid", Words: "cannot resolve host x.invalid"},
			"Cannot find the server x.invalid", "cannot resolve host x.invalid", "cannot resolve host x.invalid"},
		{"net tls", &NetError{Kind: NetTLS, Words: "w"}, "The server's certificate is not trusted", "w", "w"},
		{"net reset", &NetError{Kind: NetReset, Words: "w"}, "The server dropped the connection", "w", "w"},
		{"net redirect", &NetError{Kind: NetRedirect, Words: "w"}, "Redirect to another server refused", "w", "w"},
		{"lost to a network fault", &LostError{Deltas: 12, Err: fmt.Errorf("openai: %w", net)},
			"Connection lost after 12 tokens", "Cause: openai: " + net.Error(),
			"connection lost after 12 tokens: " + net.Error()},
		{"lost to a time limit", &LostError{Deltas: 3, Err: &TimeoutError{Limit: time.Second}},
			"Answer incomplete after 3 tokens", "Cause: request took longer than 1s (--timeout)",
			"answer incomplete after 3 tokens: request took longer than 1s (--timeout)"},
		{"lost with no cause", &LostError{Deltas: 1}, "Connection lost after 1 tokens", "", "connection lost after 1 tokens"},
		{"lost to a cancel", &LostError{Deltas: 2, Err: context.Canceled}, "Connection lost after 2 tokens", "", "connection lost after 2 tokens: context canceled"},
		{"timeout", &TimeoutError{Limit: 5 * time.Second, Idle: true},
			"The request timed out", "no data from the server for 5s (--idle-timeout). Try again, or raise --timeout / --idle-timeout.", ""},
		{"no key", &KeyError{Provider: "groq", Set: "GROQ_API_KEY"},
			"No API key", "provider: no API key for groq: set GROQ_API_KEY. Set the provider's key in the environment or api_key_cmd in the config.", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.err.Title(); got != tt.title {
				t.Errorf("Title() = %q; want %q", got, tt.title)
			}
			if got := tt.err.Explain(); got != tt.explain {
				t.Errorf("Explain() = %q; want %q", got, tt.explain)
			}
			l, ok := tt.err.(interface{ Line() string })
			if ok != (tt.line != "") {
				t.Fatalf("Line method: %v; want %v", ok, tt.line != "")
			}
			if ok && l.Line() != tt.line {
				t.Errorf("Line() = %q; want %q", l.Line(), tt.line)
			}
		})
	}
}

// TestKeyErrorIsErrNoKey checks that the missing key, in whichever words,
// is still ErrNoKey for those who test for it.
func TestKeyErrorIsErrNoKey(t *testing.T) {
	err := fmt.Errorf("setup: %w", Endpoint{Name: "groq", APIKeyEnv: "GROQ_API_KEY"}.RequireKey())
	var words Explained
	if !errors.Is(err, ErrNoKey) || !errors.As(err, &words) || words.Title() != NoKeyTitle {
		t.Errorf("RequireKey() = %v; want a KeyError that is ErrNoKey", err)
	}
}

func TestSentences(t *testing.T) {
	tests := []struct{ a, b, want string }{
		{"one", "Two.", "one. Two."},
		{"one!", "Two.", "one! Two."},
		{"  ", "Two.", "Two."},
		{"one", "", "one"},
	}
	for _, tt := range tests {
		if got := Sentences(tt.a, tt.b); got != tt.want {
			t.Errorf("Sentences(%q, %q) = %q; want %q", tt.a, tt.b, got, tt.want)
		}
	}
}
