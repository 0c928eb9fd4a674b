package markdown

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"charm.land/glamour/v2"
	"github.com/parley-chat/parley/internal/chatserver"
)

// benchAnswer returns the tokens of an answer of at least n tokens: the
// corpus answers one after the other (without the one full of escapes and
// the one with a link reference definition, which is rendered whole).
func benchAnswer(tb testing.TB, n int) []string {
	tb.Helper()
	files, _ := filepath.Glob("testdata/answers/*.md")
	sort.Strings(files)
	var toks []string
	for len(toks) < n {
		for _, f := range files {
			if strings.Contains(f, "refdefs") || strings.Contains(f, "open") || strings.Contains(f, "long") || strings.Contains(f, "27-") {
				continue
			}
			b, err := os.ReadFile(f)
			if err != nil {
				tb.Fatal(err)
			}
			toks = append(toks, tokens(strings.TrimRight(string(b), "\n")+"\n\n")...)
		}
	}
	return toks
}

// longFence returns the tokens of one fenced Go block of at least n tokens.
func longFence(tb testing.TB, n int) []string {
	tb.Helper()
	var b strings.Builder
	b.WriteString("```go\n")
	for i := 0; len(tokens(b.String())) < n; i++ {
		fmt.Fprintf(&b, "// step%d advances the state by one.\nfunc step%d(s *state) error {\n\tif s.n > %d {\n\t\treturn fmt.Errorf(\"too far: %%d\", s.n)\n\t}\n\ts.n++\n\treturn nil\n}\n\n", i, i, i)
	}
	return tokens(b.String())
}

// longList returns the tokens of one tight list of at least n tokens.
func longList(tb testing.TB, n int) []string {
	tb.Helper()
	var b strings.Builder
	for i := 0; len(tokens(b.String())) < n; i++ {
		fmt.Fprintf(&b, "- Item %d: keep the rendered blocks and only render the open one again.\n", i)
	}
	return tokens(b.String())
}

// benchFrames measures one frame: append a token to an answer of n tokens,
// then render (Render, or Lines when lines is set).
func benchFrames(b *testing.B, toks []string, n int, lines bool) {
	const batch = 100 // frames per prefilled renderer, so the answer stays near n tokens
	var r *Renderer
	k := batch
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if k == batch {
			b.StopTimer()
			r = New(Options{Width: 80, Style: "dark"})
			r.Append(strings.Join(toks[:n], ""))
			r.Lines()
			k = 0
			b.StartTimer()
		}
		r.Append(toks[n+k])
		k++
		if lines {
			_ = r.Lines()
		} else {
			_ = r.Render()
		}
	}
}

// BenchmarkAppend is one frame: append a token to an answer of 100 or
// 10,000 tokens, then render it. The answer is "mixed" (prose, lists,
// tables, code: the corpus answers in turn), one long fenced Go block
// ("fence") or one long list ("list", not chunked: its frames grow with it);
// the render is Render (the whole output as a string) or Lines
// (what a view that shows a window of the answer uses).
func BenchmarkAppend(b *testing.B) {
	answers := map[string][]string{
		"mixed": benchAnswer(b, 10_000+200),
		"fence": longFence(b, 10_000+200),
		"list":  longList(b, 10_000+200),
	}
	// The mixed answer repeats the corpus: measure at token 100 of a cycle,
	// after none or enough cycles to pass 10,000 tokens, so that both
	// measure frames over the same text and differ only by what precedes.
	cycle := len(benchAnswer(b, 1))
	at := map[string]int{"mixed": 100 + cycle*((10_000+cycle-1)/cycle), "fence": 10_000, "list": 10_000}
	answers["mixed"] = benchAnswer(b, at["mixed"]+200)
	for _, kind := range []string{"mixed", "fence", "list"} {
		for _, how := range []string{"render", "lines"} {
			for _, n := range []int{100, 10_000} {
				if n > 100 {
					n = at[kind]
				}
				b.Run(fmt.Sprintf("%s/%s/tokens=%d", kind, how, n), func(b *testing.B) {
					benchFrames(b, answers[kind], n, how == "lines")
				})
			}
		}
	}
}

// BenchmarkFullRender is the cost of rendering a whole 10,000-token answer
// with glamour, as a renderer without caching does at every frame.
func BenchmarkFullRender(b *testing.B) {
	text := strings.Join(benchAnswer(b, 10_000)[:10_000], "")
	tr, err := glamour.NewTermRenderer(GlamourOptions(Options{Width: 80, Style: "dark"})...)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(len(text)), "bytes")
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := tr.Render(text); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFenceLanguage is glamour's render of a ten-line code block with
// and without a language: without one, chroma tries every lexer's analyser
// on the block to pick one, at every frame while the block is open.
func BenchmarkFenceLanguage(b *testing.B) {
	code := strings.Repeat("total := add(1, 2) // sum them\n", 10)
	tr, err := glamour.NewTermRenderer(GlamourOptions(Options{Width: 80, Style: "dark"})...)
	if err != nil {
		b.Fatal(err)
	}
	for _, lang := range []string{"go", "text", ""} {
		b.Run("lang="+lang, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				if _, err := tr.Render("```" + lang + "\n" + code + "```\n"); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// appendEvery appends toks to r, one by one, and calls frame after every
// every of them, as the chat's frames come.
func appendEvery(r *Renderer, toks []string, every int, frame func()) {
	for i, tok := range toks {
		r.Append(tok)
		if (i+1)%every == 0 {
			frame()
		}
	}
}

// BenchmarkStream is a whole answer of 10,000 tokens as the chat shows it:
// appended token by token, a frame (Lines) after every tokens/frames of them,
// then Finish and the final frame; with a budget, as many more frames as
// the renderer needs to catch up. Its time and allocations are what one
// answer costs, start to end; frames=25 is a loopback server sending as fast
// as it can (about 25 frames in the chat), frames=400 a model at ~100
// tokens a second.
func BenchmarkStream(b *testing.B) {
	toks := benchAnswer(b, 10_000)[:10_000]
	for _, frames := range []int{25, 400} {
		for _, budget := range []int{0, 6 << 10} {
			name := fmt.Sprintf("frames=%d", frames)
			if budget > 0 {
				name += fmt.Sprintf("/budget=%d", budget)
			}
			b.Run(name, func(b *testing.B) {
				every := len(toks) / frames
				b.ReportAllocs()
				for b.Loop() {
					r := New(Options{Width: 120, Style: "dark"})
					r.SetBudget(budget)
					appendEvery(r, toks, every, func() { r.Advance(); r.Lines() })
					r.Finish()
					for r.Advance() || r.Behind() {
						r.Lines()
					}
				}
			})
		}
	}
}

// BenchmarkPaced is 1,000 tokens of the mixed answer as a paced stream
// shows them: a frame (Lines) after every few tokens. every=1 is a model
// at 20 tokens a second or less (a frame per token), every=2 one at ~100
// tokens a second (frames at 60 Hz), every=17 one at 1,000 a second. With
// live, frames inside paragraphs and list items skip glamour (live.go).
// BenchmarkPacedHarness does the same with the end-to-end harness's
// answer (chatserver's, 500 tokens). Both report the frames glamour
// rendered (glamour-frames/op, the final one included) and the process's
// CPU time (cpu-ns/op: steadier than the wall time on a loaded machine).
func BenchmarkPaced(b *testing.B) {
	benchPaced(b, benchAnswer(b, 1000)[:1000])
}

// BenchmarkPacedHarness is BenchmarkPaced on the harness's answer.
func BenchmarkPacedHarness(b *testing.B) {
	benchPaced(b, chatserver.Markdown(500))
}

func benchPaced(b *testing.B, toks []string) {
	for _, every := range []int{1, 2, 17} {
		for _, live := range []bool{false, true} {
			b.Run(fmt.Sprintf("every=%d/live=%v", every, live), func(b *testing.B) {
				b.ReportAllocs()
				glamourFrames, cpu := 0, cpuTime()
				for b.Loop() {
					r := New(Options{Width: 120, Style: "dark", Live: live})
					frames := 0
					appendEvery(r, toks, every, func() { r.Lines(); frames++ })
					r.Finish()
					r.Lines()
					glamourFrames = frames + 1 - r.liveFrames
				}
				b.ReportMetric(float64(glamourFrames), "glamour-frames/op")
				b.ReportMetric(float64(cpuTime()-cpu)/float64(b.N), "cpu-ns/op")
			})
		}
	}
}

// BenchmarkPacedOneShot is the harness's answer as the one-shot printer
// on a terminal shows it (ui.Scrollback): at each frame the lines that
// became stable are taken and sealed. "100" is terminal-100's answer (500
// tokens, a frame every 2), "1000" terminal-1000's (5,000 tokens, a frame
// every 17), at 120 columns.
func BenchmarkPacedOneShot(b *testing.B) {
	for _, c := range []struct {
		name          string
		tokens, every int
	}{{"100", 500, 2}, {"1000", 5000, 17}} {
		toks := chatserver.Markdown(c.tokens)
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			glamourFrames, cpu := 0, cpuTime()
			for b.Loop() {
				r := New(Options{Width: 120, Style: "dark", Live: true})
				frames := 0
				appendEvery(r, toks, c.every, func() { r.Lines(); r.Stable(); r.Seal(); frames++ })
				r.Finish()
				r.Lines()
				glamourFrames = frames + 1 - r.liveFrames
			}
			b.ReportMetric(float64(glamourFrames), "glamour-frames/op")
			b.ReportMetric(float64(cpuTime()-cpu)/float64(b.N), "cpu-ns/op")
		})
	}
}
