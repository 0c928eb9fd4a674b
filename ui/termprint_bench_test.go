package ui

import (
	"fmt"
	"testing"

	"github.com/parley-chat/parley/internal/chatserver"
	"github.com/parley-chat/parley/provider"
)

// countWriter counts what it is given.
type countWriter struct{ bytes, writes int }

func (w *countWriter) Write(p []byte) (int, error) {
	w.bytes += len(p)
	w.writes++
	return len(p), nil
}

// BenchmarkTermPrinterPaced streams the harness's answer (bench/e2e's
// paced cases) through a TermPrinter on a 120×40 terminal, a frame every
// few tokens as at 100 tokens a second (every 2) and at 1,000 (every 17),
// and reports the bytes written a frame.
func BenchmarkTermPrinterPaced(b *testing.B) {
	for _, c := range []struct{ tokens, every int }{{500, 2}, {5000, 17}} {
		toks := chatserver.Markdown(c.tokens)
		b.Run(fmt.Sprintf("tokens=%d/every=%d", c.tokens, c.every), func(b *testing.B) {
			b.ReportAllocs()
			var w countWriter
			frames := 0
			for i := 0; i < b.N; i++ {
				w = countWriter{}
				frames = 0
				p := NewTermPrinter(TermOptions{Out: &w, Size: func() (int, int) { return 120, 40 }, Style: "dark"})
				for j, tok := range toks {
					p.Chunk(provider.Chunk{Kind: provider.KindText, Text: tok})
					if j%c.every == c.every-1 {
						if err := p.Draw(false); err != nil {
							b.Fatal(err)
						}
						frames++
					}
				}
				if err := p.Close(nil); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(w.bytes)/float64(frames), "bytes/frame")
		})
	}
}
