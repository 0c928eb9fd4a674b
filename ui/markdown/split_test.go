package markdown

import (
	"strings"
	"testing"
)

// cutsOf runs the scanner over the complete lines of text and returns the
// first words of the lines it would cut before.
func cutsOf(text string) (cuts []string, s scanner) {
	for _, l := range strings.SplitAfter(text, "\n") {
		if !strings.HasSuffix(l, "\n") {
			break
		}
		l = strings.TrimSuffix(l, "\n")
		if s.line(l) {
			cuts = append(cuts, strings.Fields(l)[0])
		}
	}
	return cuts, s
}

func TestScannerCuts(t *testing.T) {
	tests := []struct {
		name, text string
		want       []string
	}{
		{"paragraphs", "a\n\nb\n\nc\n", []string{"b", "c"}},
		{"no blank line", "a\n# b\nc\n", nil},
		{"heading and list", "# T\n\n- a\n- b\n\nend\n", []string{"-", "end"}},
		{"loose list stays whole", "- a\n\n- b\n\n  more\n\nend\n", []string{"end"}},
		{"ordered loose list", "1. a\n\n2. b\n\nend\n", []string{"end"}},
		{"indented line continues", "a\n\n    code\n\n    more\n\nb\n", []string{"b"}},
		{"fence with blank lines", "```\na\n\nb\n```\n\nc\n", []string{"c"}},
		{"tilde fence", "~~~\n\n```\n\n~~~\n\nc\n", []string{"c"}},
		{"longer closing fence", "````\n```\n\nx\n````\n\nc\n", []string{"c"}},
		{"open fence", "```\na\n\nb\n", nil},
		{"fence in list item", "1. x\n   ```\n   a\n\n   b\n   ```\n\nc\n", []string{"c"}},
		{"fence on the item line", "- ```\n  a\n\n  b\n  ```\n\nc\n", []string{"c"}},
		{"fence in quote ends with it", "> ```\n> a\n\nb\n", []string{"b"}},
		{"less indented line in list fence", "- a\n  ```\nx\n  ```\n\nc\n", nil},
		{"html comment", "<!--\n\nx\n-->\n\nc\n", []string{"c"}},
		{"html one line", "<!-- x -->\n\nc\n", []string{"c"}},
		{"raw html block", "<pre>\n\nx\n</style>\n\nc\n", []string{"c"}},
		{"maybe html then fence", "<span>\n```\n\nx\n```\n\nc\n", nil},
		{"div ends at blank", "<div>\nx\n</div>\n\nc\n", []string{"c"}},
		{"definition", "Term\n\n: def\n\nc\n", nil},
		{"definition then heading", "Term\n: def\n\n# H\n", []string{"#"}},
		{"quote", "> a\n\n> b\n\nc\n", []string{">", "c"}},
		{"table", "| a |\n|---|\n| 1 |\n\nc\n", []string{"c"}},
		{"hr", "a\n\n---\n\nb\n", []string{"---", "b"}},
		{"setext", "a\n===\n\nb\n", []string{"b"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, _ := cutsOf(tt.text)
			if strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("cuts before %q, want %q", got, tt.want)
			}
		})
	}
}

func TestScannerRefDefs(t *testing.T) {
	if _, s := cutsOf("a [x][y]\n\n[y]: http://e\n"); !s.refDefs {
		t.Error("a link reference definition was not noticed")
	}
	if _, s := cutsOf("```\nd[k]: v\n```\n"); s.refDefs {
		t.Error("]: inside a fence was taken for a reference definition")
	}
}

func TestScannerCutBefore(t *testing.T) {
	var s scanner
	s.line("para")
	s.line("")
	for l, want := range map[string]bool{"W": true, "-": false, "1": true, "12": true, " x": false, ":": false, "`": false, "<": false} {
		if got := s.cutBefore(l); got != want {
			t.Errorf("cutBefore(%q) = %v, want %v", l, got, want)
		}
	}
	// After an item of a list, a digit may start the list's next item.
	var l scanner
	l.line("1. item")
	l.line("")
	if l.cutBefore("2") {
		t.Error("cutBefore(\"2\") after a list item = true, want false")
	}
}

// TestListAfterCode checks that a numbered list right after a code block
// is a piece of its own from its first byte (it was rendered with the
// code block until its first line was complete), and that its frames are
// live and look the same as glamour's.
func TestListAfterCode(t *testing.T) {
	code := "```go\nfunc start(r io.Reader) (int, error) {\n\t// Receive *receive* goroutine.\n\treturn 0, nil\n}\n```\n\n"
	item := "1. Pipe run event each rarely interface with backoff build writer."
	toks := strings.SplitAfter(code, "\n")
	toks = append(toks, strings.SplitAfter(item, " ")...)
	r := New(Options{Width: 120, Style: "dark", Live: true})
	for _, tok := range toks {
		r.Append(tok)
		r.Lines()
	}
	if len(r.cuts) == 0 || r.cuts[len(r.cuts)-1] != len(code) {
		t.Errorf("cuts %v, want the last at %d, before the list", r.cuts, len(code))
	}
	if live := checkLive(t, "list after code", toks, 120, "dark"); live < 5 {
		t.Errorf("%d frames of the list's first line made live, want 5 or more", live)
	}
}
