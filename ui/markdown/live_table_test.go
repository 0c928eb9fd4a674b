package markdown

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// TestLiveTable checks that a frame in which a table's last row grew, a
// new row started, or a cell widened its column (so that every row is
// drawn again) is live and looks as glamour's render does, whatever the
// columns' alignments, in a table at the piece's start or after a blank
// line; and so are the frames of its header line before the delimiter
// row comes, a paragraph until then, and the frame in which the table
// first shows.
func TestLiveTable(t *testing.T) {
	const head = "| name | tokens | remarks |\n| --- | ---: | :---: |\n"
	for _, tc := range []struct{ before, delta string }{
		{head + "| `timeout` | 31 | Benchmark", " status"},
		{head + "| `timeout` | 31 | Benchmark status cache. |\n", "| `code` | 3"},
		{head + "| `timeout` | 31 | Benchmark status cache. |\n| `co", "de` | 3072 | `quickly()` *loopback* split"},
		{head + "| `timeout` | 31 | Benchmark status cache. |\n| `code` | 3072 | x", " and a longer remark, yes"},
		{head + "| `timeout` | 31 | Benchmark status cache. |", "\n"},
		{head + "| `timeout` | 31 | Benchmark status cache. |\n", "\n"},
		{"Some words.\n\n" + head, "| **bold** | 7 |"},
		{"| a | b |\n|:-|-:|\n| 1 | 2 |\n", "| 10 | 200 | extra cells are dropped |"},
		{"| a | b |\n|---|---|\n", "|"},
		// A table's header before its delimiter row is a paragraph.
		{"Some words.\n\n", "| name | tok"},
		{"| name", " | tokens | remarks |"},
		// The frame in which the table first shows, laid out from a probe.
		{"", "| name | tokens |\n| --- | :-: |\n| `x` | 1"},
		{"Some words.\n\n| a | b |\n", "| - | -: |\n| 1"},
		{"Some words.\n\n| a | b |", "\n| - | -: |\n| 1 | 2 |\n| *three*"},
	} {
		for _, style := range raceStyles("dark", "notty", "dracula") {
			checkLiveFrame(t, tc.before, tc.delta, style)
		}
	}
}

// TestLiveRandomTables checks random tables streamed in random pieces
// (cells of words, code spans and emphasis, now and then a link or wide
// characters that live frames leave to glamour, rows of too few or too
// many cells, some too wide to fit), after a paragraph or not, and with
// a block after them: every frame must look as glamour's render does,
// and many are live.
func TestLiveRandomTables(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 5))
	words := strings.Fields("stream token wrap width it; yes! no? 12 3.5 Note: (see) `code()` *em* **strong** _u_ " +
		"`x.y` a b c done. 4000 first, last `a b` `[i]`")
	rare := strings.Fields("[link](https://example.com) 日本語 `a|b` a\\|b <b>x</b> #tag - > www.example.com")
	aligns := []string{"---", ":--", "--:", ":-:", "-"}
	styles := []string{"dark", "notty", "light", "ascii", "pink", "dracula", "tokyo-night"}
	cell := func() string {
		var ws []string
		for range rng.IntN(5) {
			w := words[rng.IntN(len(words))]
			if rng.IntN(25) == 0 {
				w = rare[rng.IntN(len(rare))]
			}
			ws = append(ws, w)
		}
		return strings.Join(ws, " ")
	}
	row := func(b *strings.Builder, n int) {
		for j := range n {
			if j > 0 || rng.IntN(8) != 0 {
				b.WriteString("| ")
			}
			b.WriteString(cell() + " ")
		}
		if rng.IntN(5) != 0 {
			b.WriteString("|")
		}
		b.WriteString("\n")
	}
	lv, all := randomLive(t, rng, "tables", 50, 6, func(doc int) (string, int, string) {
		var b strings.Builder
		if rng.IntN(2) == 0 {
			b.WriteString("Some words before it.\n\n")
		}
		n := 2 + rng.IntN(3)
		for j := range n {
			b.WriteString("| " + words[rng.IntN(len(words))] + " ")
			if j == n-1 {
				b.WriteString("|\n")
			}
		}
		for range n {
			b.WriteString("|" + aligns[rng.IntN(len(aligns))])
		}
		b.WriteString("|\n")
		for range rng.IntN(7) {
			row(&b, n-1+rng.IntN(3))
		}
		b.WriteString([]string{"", "\n", "\nText after.\n", "\n> A quote after.\n", "\n- an item\n"}[rng.IntN(5)])
		return b.String(), 20 + rng.IntN(100), styles[doc%len(styles)]
	})
	if lv < all/4 {
		t.Errorf("%d of %d frames made live, want a quarter or more", lv, all)
	}
}
