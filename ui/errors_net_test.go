package ui

import (
	"fmt"
	"testing"

	"github.com/parley-chat/parley/provider"
)

// TestDescribeNetError checks that the chat renders a network fault in the
// words the provider classified it with, and never looks into the raw
// error (which, for an invalid port, has no address to show).
func TestDescribeNetError(t *testing.T) {
	tests := []struct {
		err           error
		title, detail string
	}{
		{&provider.NetError{Kind: provider.NetAddress, Host: "127.0.0.1:99999", Words: "cannot connect to 127.0.0.1:99999: invalid port", Advice: "check the base URL"},
			"Cannot connect to the server", "cannot connect to 127.0.0.1:99999: invalid port. Check the base URL"},
		{fmt.Errorf("openai: %w", &provider.NetError{Kind: provider.NetDNS, Host: "x.invalid", Words: "cannot resolve host x.invalid"}),
			"Cannot find the server x.invalid", "cannot resolve host x.invalid"},
		{&provider.NetError{Kind: provider.NetRedirect, Words: "the server redirected to http://localhost:1, another host", Advice: "the API key is only sent to http://127.0.0.1:2"},
			"Redirect to another server refused", "the server redirected to http://localhost:1, another host. The API key is only sent to http://127.0.0.1:2"},
	}
	for _, tt := range tests {
		title, detail := describe(tt.err)
		if title != tt.title || detail != tt.detail {
			t.Errorf("describe(%v) = %q, %q; want %q, %q", tt.err, title, detail, tt.title, tt.detail)
		}
	}
}
