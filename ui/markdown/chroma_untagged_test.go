package markdown

import (
	"strings"
	"testing"

	"github.com/alecthomas/chroma/v2/lexers"
)

// TestUntaggedFenceIsPlainText checks that a fence with no language finds
// its lexer by the registered alias, not by chroma's search and guess, and
// renders its code as it is.
func TestUntaggedFenceIsPlainText(t *testing.T) {
	if l := lexers.Get(""); l != untagged {
		t.Fatalf("lexers.Get(\"\") = %v, want the plain-text lexer", l)
	}
	r := New(Options{Width: 60, Style: "notty"})
	r.Append("```\npackage main\nfunc main() {}\n```\n")
	r.Finish()
	if out := r.Render(); !strings.Contains(out, "package main") || !strings.Contains(out, "func main() {}") {
		t.Errorf("render = %q", out)
	}
}
