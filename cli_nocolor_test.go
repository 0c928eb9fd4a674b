package main

import (
	"regexp"
	"strings"
	"testing"
)

// TestNoColorOnTerminal checks that with NO_COLOR a one-shot on a terminal
// is still rendered as markdown (no literal ** or ```), without a colour,
// and without padding at the ends of its lines.
func TestNoColorOnTerminal(t *testing.T) {
	srv := chatServer(t, []string{"# Title\n\n", "Some **bold** text.\n\n", "```go\nfmt.Println(1)\n```\n"}, true, nil)
	out, code := runOnTerminal(t, []string{"OPENAI_API_KEY=sk-test", "NO_COLOR=1"}, "-m", "openai:m", "--base-url", srv.URL, "-p", "q")
	if code != 0 {
		t.Fatalf("exit %d: %q", code, out)
	}
	if strings.Contains(out, "**") || strings.Contains(out, "```") {
		t.Errorf("raw markdown on the terminal: %q", out)
	}
	if !strings.Contains(out, "bold") || !strings.Contains(out, "Println") {
		t.Errorf("the answer is missing: %q", out)
	}
	if m := regexp.MustCompile(`\x1b\[[0-9;]*3[0-9;]*m|\x1b\[[0-9;]*[34]8;[25];[0-9;]*m`).FindString(out); m != "" {
		t.Errorf("a colour (%q) with NO_COLOR: %q", m, out)
	}
	plain := regexp.MustCompile(`\x1b\[[0-9;?]*[A-Za-z]`).ReplaceAllString(out, "")
	for line := range strings.SplitSeq(strings.ReplaceAll(plain, "\r\n", "\n"), "\n") {
		if strings.TrimRight(line, " ") != line {
			t.Errorf("trailing padding in %q", line)
		}
	}
}
