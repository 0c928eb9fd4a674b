package markdown

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"charm.land/glamour/v2"
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
			if strings.Contains(f, "refdefs") || strings.Contains(f, "open") {
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
	for _, kind := range []string{"mixed", "fence", "list"} {
		for _, how := range []string{"render", "lines"} {
			for _, n := range []int{100, 10_000} {
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
