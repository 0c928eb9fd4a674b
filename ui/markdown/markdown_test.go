package markdown

import (
	"github.com/parley-chat/parley/termsafe"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"

	"charm.land/glamour/v2"
)

// fullRender is the reference: glamour's render of the whole text, less its
// invisible padding.
func fullRender(t testing.TB, text string, width int, style string) string {
	t.Helper()
	tr, err := glamour.NewTermRenderer(GlamourOptions(Options{Width: width, Style: style})...)
	if err != nil {
		t.Fatal(err)
	}
	out, err := tr.Render(text)
	if err != nil {
		t.Fatal(err)
	}
	return TrimPadding(out)
}

// tokens splits s the way a model streams it: words and the spaces before
// them, long words in pieces of at most four bytes (UTF-8 characters may be
// cut), newlines on their own.
func tokens(s string) []string {
	var out []string
	for len(s) > 0 {
		i := 0
		for i < len(s) && s[i] == ' ' {
			i++
		}
		if i < len(s) && s[i] == '\n' {
			if i > 0 {
				out = append(out, s[:i])
			}
			out = append(out, "\n")
			s = s[i+1:]
			continue
		}
		for i < len(s) && s[i] != ' ' && s[i] != '\n' {
			i++
		}
		tok := s[:i]
		for len(tok) > 6 {
			out = append(out, tok[:4])
			tok = tok[4:]
		}
		out = append(out, tok)
		s = s[i:]
	}
	return out
}

func corpus(t testing.TB) map[string]string {
	t.Helper()
	files, err := filepath.Glob("testdata/answers/*.md")
	if err != nil || len(files) < 20 {
		t.Fatalf("corpus: %d files, %v", len(files), err)
	}
	m := map[string]string{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		m[filepath.Base(f)] = string(b)
	}
	return m
}

// checkFrame compares the renderer with a full render of its text.
func checkFrame(t *testing.T, r *Renderer, width int, style, where string) {
	t.Helper()
	want := fullRender(t, r.Text(), width, style)
	got := r.Render()
	if got != want {
		// chroma gives up on a regular expression after 250 ms of wall
		// time and marks the character as an error: under the race
		// detector on a loaded machine the reference render itself can
		// hit that. Render it once more before calling it a difference.
		want = fullRender(t, r.Text(), width, style)
	}
	if got != want {
		t.Fatalf("%s: render differs from a full render\n%s", where, firstDiff(want, got))
	}
	if joined := strings.Join(r.Lines(), "\n") + "\n"; joined != got {
		t.Fatalf("%s: Lines do not join into Render\n%s", where, firstDiff(got, joined))
	}
}

func firstDiff(want, got string) string {
	i := 0
	for i < len(want) && i < len(got) && want[i] == got[i] {
		i++
	}
	lo := max(0, i-80)
	return "at byte " + itoa(i) + "\nwant …" + quote(want[lo:min(len(want), i+80)]) + "\ngot  …" + quote(got[lo:min(len(got), i+80)])
}

func quote(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r == 0x1b {
			b.WriteString(`\e`)
		} else if r == '\n' {
			b.WriteString(`\n`)
		} else if unicode.IsPrint(r) || r == ' ' {
			b.WriteRune(r)
		} else {
			b.WriteString("?")
		}
	}
	return b.String()
}

func itoa(i int) string {
	return strings.TrimSpace(strings.Repeat(" ", 0) + func() string {
		s := ""
		if i == 0 {
			return "0"
		}
		for ; i > 0; i /= 10 {
			s = string(rune('0'+i%10)) + s
		}
		return s
	}())
}

// TestIncrementalEqualsFull feeds every answer of the corpus token by token
// and checks, at a sample of intermediate points and at the end, that the
// render equals a full glamour render of the text so far.
func TestIncrementalEqualsFull(t *testing.T) {
	styles := []string{"dark", "notty", "light"}
	for name, text := range corpus(t) {
		for i, width := range []int{40, 80, 120} {
			style := styles[(i+len(name))%len(styles)]
			if raceEnabled && (i+len(name))%3 != 0 {
				continue // one width per answer under the race detector
			}
			t.Run(name+"/"+style+"/"+itoa(width), func(t *testing.T) {
				t.Parallel()
				toks := tokens(text)
				r := New(Options{Width: width, Style: style})
				// A frame every few tokens (every token for short answers),
				// checked against a full render at about six of them.
				frames, checks := 80, 6
				if raceEnabled {
					frames, checks = 20, 2
				}
				frame := max(1, len(toks)/frames)
				check := frame * max(1, len(toks)/frame/checks)
				for k, tok := range toks {
					r.Append(tok)
					switch {
					case (k+1)%check == 0:
						checkFrame(t, r, width, style, "after token "+itoa(k)+" "+quote(tok))
					case (k+1)%frame == 0:
						r.Lines()
					}
				}
				r.Finish()
				checkFrame(t, r, width, style, "at the end")
				if r.Text() != termsafe.Sanitize(text) {
					t.Fatalf("Text() is not the sanitized answer")
				}
			})
		}
	}
}

// TestLongCodeIsChunked checks, frame by frame, that a long fenced code block
// is rendered in chunks while it streams, and that every frame still equals
// a full render. It also checks where code is cut (checkCodeCuts).
func TestLongCodeIsChunked(t *testing.T) {
	for _, name := range []string{"25-long-code.md", "26-long-open-code.md", "27-fence-after-paragraph.md", "28-long-lists.md"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			text := corpus(t)[name]
			r := New(Options{Width: 80, Style: "dark"})
			// A frame per line (every third line under the race detector)
			// keeps the test quick; every tenth (fortieth) frame is checked.
			every, check := 1, 10
			if raceEnabled {
				every, check = 3, 40
			}
			chunked, lines := 0, 0
			for k, tok := range tokens(text) {
				r.Append(tok)
				if tok != "\n" {
					continue
				}
				switch lines++; {
				case lines%check == 0:
					checkFrame(t, r, 80, "dark", "after token "+itoa(k))
				case lines%every == 0:
					r.Lines()
				default:
					continue
				}
				if len(r.code.cuts) > 0 || len(r.list.cuts) > 0 {
					chunked++
				}
				checkCodeCuts(t, r)
			}
			if chunked == 0 {
				t.Fatal("the long block was never chunked")
			}
			committed := len(r.chunked)
			r.Finish()
			checkFrame(t, r, 80, "dark", "at the end")
			if r.full {
				t.Error("Finish rendered the whole text again: a chunked piece rendered differently whole")
			}
			t.Logf("%d frames used chunks; %d pieces committed from chunks", chunked, committed)
		})
	}
}

// checkCodeCuts checks where the code cache cut the open piece: after a
// blank line, or, in code without one, codeRun lines or more after the
// last cut, so that a block of a dozen lines without blank ones is never
// cut (each cut tried costs four glamour renders).
func checkCodeCuts(t *testing.T, r *Renderer) {
	t.Helper()
	c, src := &r.code, r.Text()[r.doneEnd:]
	for k, b := range c.cuts {
		from := c.body
		if k > 0 {
			from = c.cuts[k-1]
		}
		if n := strings.Count(src[from:b], "\n"); !blankBefore(src, b) && n < codeRun {
			t.Fatalf("cut after %q, %d lines after the last cut and not after a blank line", lineAt(src, strings.LastIndexByte(src[:b-1], '\n')+1), n)
		}
	}
}

// TestChunkedPieceThatDiffersIsRenderedWhole checks the safety net: when a
// piece committed from chunks does not match its render whole at Finish,
// the final frame is a full render all the same.
func TestChunkedPieceThatDiffersIsRenderedWhole(t *testing.T) {
	text := corpus(t)["25-long-code.md"]
	r := New(Options{Width: 80, Style: "dark"})
	every := 1 // a frame per line; every eighth under the race detector
	if raceEnabled {
		every = 8
	}
	lines := 0
	for _, tok := range tokens(text) {
		r.Append(tok)
		if tok == "\n" {
			if lines++; lines%every == 0 {
				r.Lines()
			}
		}
	}
	if len(r.chunked) == 0 {
		t.Fatal("no piece was committed from chunks")
	}
	r.chunked[0].sum++ // as if its chunks had been put together wrong
	r.Finish()
	checkFrame(t, r, 80, "dark", "at the end")
	if !r.full {
		t.Error("the mismatch went unnoticed: Finish did not render the whole text")
	}
}

func TestResizeRestyleReset(t *testing.T) {
	text := corpus(t)["17-mixed-long.md"]
	r := New(Options{})
	for _, tok := range tokens(text) {
		r.Append(tok)
		r.Lines()
	}
	checkFrame(t, r, 80, "dark", "default options")
	r.SetWidth(50)
	checkFrame(t, r, 50, "dark", "after SetWidth")
	r.SetStyle("light")
	checkFrame(t, r, 50, "light", "after SetStyle")
	r.Reset()
	if r.Text() != "" || r.Render() != fullRender(t, "", 50, "light") {
		t.Fatal("Reset left text behind")
	}
	r.Append("# again\n\nok")
	checkFrame(t, r, 50, "light", "after Reset")
}

func TestEscapesNeverReachTheOutput(t *testing.T) {
	r := New(Options{Width: 60})
	for _, d := range []string{"title \x1b]0;pw", "ned\x07 and \x1b[2", "J clear \x9b31m", "\r\nend"} {
		r.Append(d)
	}
	r.Finish()
	out := r.Render()
	for _, bad := range []string{"pwned", "\x1b]0", "\x1b[2J", "\r", "\u009b"} {
		if strings.Contains(out, bad) {
			t.Errorf("render holds %q", bad)
		}
	}
}

// FuzzRenderer feeds arbitrary markdown in arbitrary deltas, with a frame
// after each, and checks every frame against a full render.
func FuzzRenderer(f *testing.F) {
	for _, s := range []string{
		"# h\n\npara\n\n- a\n\n- b\n\n```go\nx\n\ny\n```\n\nend",
		"<div>\n```\n\n```\n</div>\n\n```\nz\n\nq",
		"> a\n\n> ```\n> b\n\nc\n\n1. x\n   ```\n\n   ```\n\n| a |\n|--|\n| b |\n\nT\n: d\n\nP\n: e",
		"a\n\n    b\n\n```py\n'''\n\n'''\n```\n\n[x]\n\n[x]: /u",
	} {
		f.Add(s, uint8(7))
	}
	f.Fuzz(func(t *testing.T, text string, step uint8) {
		if len(text) > 600 {
			return
		}
		feed(t, text, int(step%23)+1, 40, false)
	})
}

// feed appends text in deltas of n bytes with a frame after each, and checks
// about five of the frames, and the last, against full renders. With live
// frames, the frames before the last must look as the full renders do (the
// same cells: the bytes may group the styles otherwise).
func feed(t *testing.T, text string, n, width int, live bool) {
	t.Helper()
	r := New(Options{Width: width, Live: live})
	every := max(n, len(text)/5)
	for i := 0; i < len(text); i += n {
		r.Append(text[i:min(i+n, len(text))])
		where := "after " + itoa(i+n) + " bytes of " + quote(text)
		if (i+n)%every < n && live {
			if got, want := r.Render(), fullRender(t, r.Text(), width, "dark"); got != want && !sameCells(got, want) {
				t.Fatalf("%s: %s", where, firstDiff(want, got))
			}
		} else if (i+n)%every < n {
			checkFrame(t, r, width, "dark", where)
		} else {
			r.Lines()
		}
	}
	r.Finish()
	checkFrame(t, r, width, "dark", "at the end of "+quote(text))
}

// TestRandomDocuments builds documents from lines that open, continue and
// close the constructs the scanner must follow, and checks the frames.
func TestRandomDocuments(t *testing.T) {
	lines := []string{
		"", "", "", "text", "more text here", "# Heading", "Setext", "===", "---", "***",
		"- item", "* item", "1. one", "2) two", "  - nested", "   continued", "    indented",
		"```", "```go", "~~~", "````", "  ```", "   ```sh", "- ```", "> quote", "> ```", ">",
		"<div>", "</div>", "<!--", "-->", "<pre>", "</pre>", "<span>x</span>", "<?php", "?>",
		"| a | b |", "|---|---|", ": definition", "Term", "[ref]", "[ref]: /url", "\t\ttab",
		"func f() {", "}", "x := `raw", "end`", "/* c", "*/",
	}
	feedRandom(t, rand.NewPCG(1, 2), 30, 8, func(rng *rand.Rand) (string, int) {
		var b strings.Builder
		for range 8 + rng.IntN(25) {
			b.WriteString(lines[rng.IntN(len(lines))])
			b.WriteByte('\n')
		}
		return strings.ReplaceAll(b.String(), "\\t", "\t"), 1 + rng.IntN(9)
	})
}

// feedRandom feeds docs documents (raceDocs under the race detector, which
// is slow) at a width of 40, each in a subtest of its own: gen makes each
// from the one generator seeded with src, with the size of its pieces.
func feedRandom(t *testing.T, src rand.Source, docs, raceDocs int, gen func(rng *rand.Rand) (text string, step int)) {
	rng := rand.New(src)
	if raceEnabled {
		docs = raceDocs
	}
	for doc := range docs {
		text, step := gen(rng)
		t.Run(itoa(doc), func(t *testing.T) {
			t.Parallel()
			feed(t, text, step, 40, false)
		})
	}
}

// TestCodeColoursFollowTheStyle checks that code is coloured by the
// renderer's own style whatever style rendered code first in the process
// (glamour shares one chroma theme between styles), and that the dark
// comment grey, equally near two palette entries, always gets the first.
func TestCodeColoursFollowTheStyle(t *testing.T) {
	code := "```go\n// note\nx := 1\n```\n"
	comment := func(style string) string {
		r := New(Options{Width: 40, Style: style})
		r.Append(code)
		out := r.Render()
		i := strings.Index(out, "// note")
		if i < 0 {
			t.Fatalf("%s: no comment in %q", style, out)
		}
		return out[strings.LastIndex(out[:i], "\x1b["):i]
	}
	light := comment("light")
	for range 5 {
		if got := comment("dark"); got != "\x1b[38;5;241m" {
			t.Fatalf("dark comment colour %q, want 241", got)
		}
	}
	if comment("light") != light || light == "\x1b[38;5;241m" {
		t.Fatalf("light comment colour %q", light)
	}
}

// TestRandomCodeBlocks streams fences of several languages made of lines
// that open and close multi-line comments and strings around blank lines,
// where chunks of code are cut, and checks the frames.
func TestRandomCodeBlocks(t *testing.T) {
	lines := []string{
		"", "", "x := 1", "s := `raw", "end`", "/* c", "*/", "// line", `"""`, "'''",
		"def f():", "    return 1", "func f() {", "}", "  ```", "~~~", "<!--", "-->",
		`s = "a\`, `b"`, "#include <x>", "```",
	}
	langs := []string{"go", "python", "c", "js", "rust", "bash", "yaml", "json", "html"}
	feedRandom(t, rand.NewPCG(3, 4), 12, 3, func(rng *rand.Rand) (string, int) {
		var b strings.Builder
		b.WriteString("Intro\n\n```" + langs[rng.IntN(len(langs))] + "\n")
		for range 30 + rng.IntN(50) {
			b.WriteString(lines[rng.IntN(len(lines))])
			b.WriteByte('\n')
		}
		if rng.IntN(2) == 0 {
			b.WriteString("```\n\nAfter.\n")
		}
		return b.String(), 1 + rng.IntN(12)
	})
}
