package markdown

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/parley-chat/parley/internal/chatserver"
	"github.com/parley-chat/parley/termsafe"
)

// TestLiveCode streams code-heavy answers of the corpus (Go, Python,
// strings and comments over lines, an answer cut off inside a block) and
// checks that most frames inside their code blocks are live and that
// every frame looks the same as glamour's render (checkLive).
func TestLiveCode(t *testing.T) {
	answers := corpus(t)
	for _, name := range []string{"29-code-go.md", "30-code-python.md", "31-code-spans-lines.md", "32-code-open-end.md"} {
		for _, style := range []string{"dark", "light", "dracula"} {
			toks := tokens(answers[name])
			inCode := 0
			text := ""
			for _, tok := range toks {
				text += tok
				if strings.Count(text, "```")%2 == 1 {
					inCode++
				}
			}
			// Before live code blocks, no frame in a block was live.
			if live := checkLive(t, name+"/"+style, toks, 100, style); live < inCode*3/4 {
				t.Errorf("%s/%s: %d frames live, %d of %d in code: want three quarters of those or more", name, style, live, inCode, len(toks))
			}
		}
	}
}

// TestLiveRandomCode does the same for random fenced blocks of random
// lines of code, comments and strings that open and close over lines,
// and blank lines (so that the code cache cuts them too), streamed in
// random pieces: every frame must look the same as glamour's.
func TestLiveRandomCode(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 8))
	lines := []string{
		"func f(x int) (int, error) {", "\treturn x + 1, nil", "}", "", "", "x := \"a string\" // and a comment",
		"/* a comment", "   over lines */", "s := `raw", "string`", "\"\"\"doc", "string\"\"\"", "def g(a, b=2):",
		"    return a * b  # times", "let t = `tmpl ${x}", "done`;", "# heading-like comment", "    deeply(nested(call()))",
		"if (a && b || !c) { y = 'q'; }", "'''", "SELECT 1; -- sql", "<!-- html", "-->", "@decorator", "x = [1, 2.5, 0x1f, 1e9]",
		"日本語 = \"wide\"", "a_very_long_identifier_name = another_very_long_function_name(with_many, arguments, and_more, still_more)",
	}
	langs := []string{"go", "python", "js", "c", "sql", "html", "rust", ""}
	styles := []string{"dark", "light", "dracula", "tokyo-night", "pink"}
	randomLive(t, rng, "code", 40, 8, func(doc int) (string, int, string) {
		var b strings.Builder
		b.WriteString("Code:\n\n```" + langs[doc%len(langs)] + "\n")
		for range 3 + rng.IntN(25) {
			b.WriteString(lines[rng.IntN(len(lines))] + "\n")
		}
		if rng.IntN(2) == 0 {
			b.WriteString("```\n\nAfter.\n")
		}
		return b.String(), 40 + rng.IntN(80), styles[doc%len(styles)]
	})
}

// TestLiveCodeEnds checks that the first frame of a fenced code block
// that starts a piece (laid out from a probe) and the frame in which its
// closing fence arrives, with a newline or without, in a short block and
// in a long one that the code cache renders in chunks, are live and look
// as glamour's render does. The text before the frame is streamed a line
// a frame.
func TestLiveCodeEnds(t *testing.T) {
	var long strings.Builder
	long.WriteString("```go\n")
	for i := range 24 {
		long.WriteString("x := f(" + itoa(i) + ") // step\n")
		if i%4 == 3 {
			long.WriteString("\n")
		}
	}
	for _, tc := range []struct{ before, delta string }{
		{"", "```go\nfunc main() {"},
		{"Some text.\n\n", "```go\nx := 1"},
		{"| a | b |\n| - | - |\n| 1 | 2 |\n\n", "```python\ndef f():\n    return 1"},
		{"```go\nx := 1\n", "```"},
		{"```go\nx := 1\n", "```\n\n"},
		{"Text.\n\n```python\ndef f():\n    return 1\n", "```\n"},
		{long.String(), "```"},
		{long.String(), "y := 2\n```\n"},
	} {
		for _, style := range raceStyles("dark", "light", "dracula") {
			r := New(Options{Width: 60, Style: style, Live: true})
			for _, line := range strings.SplitAfter(tc.before, "\n") {
				r.Append(line)
				r.Lines()
			}
			n := r.liveFrames
			r.Append(tc.delta)
			want := fullRender(t, r.Text(), 60, style)
			if got := r.Render(); r.liveFrames != n+1 || got != want && !sameCells(got, want) {
				t.Errorf("%s, %q: %d live frames, want 1; frame %q, want %q", style, r.Text(), r.liveFrames-n, got, want)
			}
		}
	}
}

// TestLiveCodeCommitted checks that a closed code block whose frames were
// live is committed as they lay it out, without a glamour render, and that
// what is committed is glamour's own lines, byte for byte: code-heavy
// answers and the harness's are streamed into a live renderer whose
// stable lines are sealed as the one-shot printer seals them (no check at
// Finish then), and the sealed lines and the last frame must be the full
// render. Pieces committed since the last seal are checked at Finish: a
// renderer sealed once, at its first frame, must find nothing to render
// again then. A renderer that never seals (the chat's) commits them as
// glamour renders them, as the check at Finish would render them anyway.
func TestLiveCodeCommitted(t *testing.T) {
	answers := corpus(t)
	answers["harness"] = strings.Join(chatserver.Markdown(1500), "")
	every := 3 // tokens a frame
	names := []string{"14-code-many.md", "25-long-code.md", "29-code-go.md", "30-code-python.md", "31-code-spans-lines.md", "harness"}
	styles := []string{"dark", "light", "dracula"}
	if raceEnabled {
		names, styles, every = []string{"harness"}, styles[:1], 6
		answers["harness"] = strings.Join(chatserver.Markdown(500), "")
	}
	for _, name := range names {
		for _, style := range styles {
			text := answers[name]
			r := New(Options{Width: 100, Style: style, Live: true})
			got := strings.Join(sealAll(r, text, every, nil), "\n") + "\n"
			if want := fullRender(t, termsafe.Sanitize(text), 100, style); got != want {
				if want = fullRender(t, termsafe.Sanitize(text), 100, style); got != want { // see checkFrame
					t.Fatalf("%s/%s: sealed lines and the last frame differ from a full render\n%s", name, style, firstDiff(want, got))
				}
			}
			short := !strings.Contains(name, "-go") && !strings.Contains(name, "long") // long blocks are committed from the code cache's chunks
			if r.liveCommit == 0 && short {
				t.Errorf("%s/%s: no code block was committed from its live frames", name, style)
			}
			r = New(Options{Width: 100, Style: style, Live: true})
			sealed := false
			appendEvery(r, tokens(text), every, func() {
				if r.Lines(); !sealed {
					r.Seal()
					sealed = true
				}
			})
			committed := r.liveCommit
			r.Finish()
			checkFrame(t, r, 100, style, name+"/"+style+" at the end")
			if r.full || committed == 0 && name == "harness" {
				t.Errorf("%s/%s: %d code blocks committed from live frames since the seal; Finish rendered the whole text again: %v", name, style, committed, r.full)
			}
			r = New(Options{Width: 100, Style: style, Live: true})
			appendEvery(r, tokens(text), every, func() { r.Lines() })
			if r.liveCommit != 0 {
				t.Errorf("%s/%s: a renderer that does not seal committed %d code blocks from live frames", name, style, r.liveCommit)
			}
		}
	}
}
