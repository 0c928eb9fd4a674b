package markdown

import (
	"math/rand/v2"
	"strings"
	"testing"

	uv "github.com/charmbracelet/ultraviolet"
)

// TestLiveLooksTheSame feeds every answer of the corpus token by token to a
// live renderer and to an exact one, takes a frame of both after every
// token, and checks that they look the same: the same lines, drawn into the
// same cells (a cell may only be empty in one where the other shows
// nothing). After Finish, the live renderer's output is glamour's, byte
// for byte.
func TestLiveLooksTheSame(t *testing.T) {
	styles := []string{"dark", "notty", "light", "ascii", "pink", "dracula", "tokyo-night"}
	live := 0
	for name, text := range corpus(t) {
		for i, width := range []int{40, 80, 120} {
			style := styles[(i+len(name))%len(styles)]
			if raceEnabled && (i+len(name))%3 != 0 {
				continue
			}
			live += checkLive(t, name+"/"+style+"/"+itoa(width), tokens(text), width, style)
		}
	}
	if live == 0 {
		t.Fatal("no frame was made live")
	}
	t.Logf("%d frames made live", live)
}

// TestLiveRandomParagraphs does the same for random paragraphs, list items,
// quotes and headings of words, punctuation, emphasis and code spans,
// streamed in random pieces.
func TestLiveRandomParagraphs(t *testing.T) {
	rng := rand.New(rand.NewPCG(17, 1))
	plain := strings.Repeat("stream token wrap width is it; yes! no? \"quoted\" it's a an the x y z 12 3.5 www. www example.com ", 4)
	words := strings.Fields(plain + "a an the stream token www.example.com example.com wrap width is it; yes! no? \"quoted\" it's " +
		"**bold** *em* `code()` _under_ snake_case supercalifragilisticexpialidocious-long-word " +
		"x y z 12 3.5 [link] (paren) 👍 日本語 a\\ b\\ " +
		"**two words** `a b` *x y z* __strong__ Note: (`code`) *end*. **Note:** a,b x;y 3.5, _a_b *a*b `x-y` + | " +
		"`a` `*` *`x`* **a*b** ***c*** (*p*) word's \"*q*\" `tail` x.* _y_, 1) a-b")
	randomLive(t, rng, "random", 60, 10, func(doc int) (string, int, string) {
		var b strings.Builder
		for p := range 1 + rng.IntN(3) {
			if p > 0 {
				b.WriteString([]string{"\n\n", "\n"}[rng.IntN(2)])
			}
			b.WriteString([]string{"", "", "- ", "1. ", "12. ", "* ", "> ", "  - ", "# "}[rng.IntN(9)])
			for w := range 5 + rng.IntN(60) {
				if w > 0 {
					b.WriteString([]string{" ", " ", " ", " ", " ", " ", " ", " ", "  ", "\n"}[rng.IntN(10)])
				}
				b.WriteString(words[rng.IntN(len(words))])
			}
		}
		return b.String(), 20 + rng.IntN(80), []string{"dark", "notty", "light"}[doc%3]
	})
}

// TestLiveRandomMarks does the same for random paragraphs and list items
// made mostly of what live frames lay out (plain words, code spans and
// emphasis, punctuation glamour's wrap breaks lists at), in every style,
// so that most of their frames are live.
func TestLiveRandomMarks(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 3))
	words := append(strings.Fields("stream token wrap width is it; yes! no? \"quoted\" it's a an the x y z 12 3.5 Note: (see) "+
		"**bold** *em* `code()` _under_ __strong__ snake_case `x.y()` (`p`) *end*. **Note:** a,b x;y 3.5, done. last, "+
		"first; `a` `*` _y_, word's \"*q*\" `[i]` `m{}` `a+b` `a|b` `www.x` supercalifragilistic x. y, z; "+
		"a b c d e f g h i j k l m n o p q r s t u v w"),
		"**two words**", "`a b`", "*x y z*", "`go test ./...`", "_one two_", "**a, b.**")
	styles := []string{"dark", "notty", "light", "ascii", "pink", "dracula", "tokyo-night"}
	lv, all := randomLive(t, rng, "marks", 70, 10, func(doc int) (string, int, string) {
		var b strings.Builder
		for p := range 1 + rng.IntN(3) {
			if p > 0 {
				b.WriteString([]string{"\n\n", "\n"}[rng.IntN(2)])
			}
			lead := []string{"", "", "- ", "1. ", "12. ", "* "}[rng.IntN(6)]
			b.WriteString(lead)
			for w := range 5 + rng.IntN(50) {
				if w > 0 {
					if lead == "" && rng.IntN(20) == 0 {
						b.WriteString("\n")
					} else {
						b.WriteString(" ")
					}
				}
				b.WriteString(words[rng.IntN(len(words))])
			}
		}
		return b.String(), 20 + rng.IntN(80), styles[doc%len(styles)]
	})
	if lv < all/3 {
		t.Errorf("%d of %d frames made live, want a third or more", lv, all)
	}
}

// randomLive checks n random documents (nRace under the race detector,
// which makes them slow) that doc writes, each with the width and style
// it gives, streamed in random pieces: every frame must look the same
// as glamour's (checkLive). It returns how many frames were live, of all.
func randomLive(t *testing.T, rng *rand.Rand, name string, n, nRace int, doc func(i int) (text string, width int, style string)) (live, all int) {
	t.Helper()
	if raceEnabled {
		n = nRace
	}
	defer func() { t.Logf("%d of %d frames made live", live, all) }()
	for i := range n {
		text, width, style := doc(i)
		toks := randomPieces(rng, text)
		live += checkLive(t, name+" "+itoa(i), toks, width, style)
		all += len(toks)
	}
	return live, all
}

// randomPieces cuts text into pieces of 1 to 7 bytes, as a stream may
// deliver it.
func randomPieces(rng *rand.Rand, text string) []string {
	var toks []string
	for len(text) > 0 {
		k := min(len(text), 1+rng.IntN(7))
		toks, text = append(toks, text[:k]), text[k:]
	}
	return toks
}

// checkLive streams toks to a live and an exact renderer, compares every
// frame, and returns how many frames were live.
func checkLive(t *testing.T, name string, toks []string, width int, style string) int {
	t.Helper()
	lr := New(Options{Width: width, Style: style, Live: true})
	er := New(Options{Width: width, Style: style})
	for k, tok := range toks {
		lr.Append(tok)
		er.Append(tok)
		got, want := lr.Lines(), er.Lines()
		if len(got) != len(want) {
			t.Fatalf("%s, after token %d %q: %d lines, want %d\ngot:\n%s\nwant:\n%s", name, k, tok, len(got), len(want),
				strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		for n := range got {
			if got[n] == want[n] {
				continue
			}
			g, w := cellsOf(got[n]), cellsOf(want[n])
			for x := range g {
				if !g[x].Equal(&w[x]) && !(showsNothing(&g[x]) && showsNothing(&w[x])) {
					t.Fatalf("%s, after token %d %q, line %d, column %d: %+v, want %+v\ngot:  %q\nwant: %q",
						name, k, tok, n+1, x+1, g[x], w[x], got[n], want[n])
				}
			}
		}
	}
	lr.Finish()
	if got, want := lr.Render(), fullRender(t, lr.Text(), width, style); got != want {
		t.Fatalf("%s: after Finish, the render differs from a full render\n%s", name, firstDiff(want, got))
	}
	return lr.liveFrames
}

// showsNothing reports whether a cell is empty or a space that shows
// nothing.
func showsNothing(c *uv.Cell) bool {
	return c.Equal(&uv.EmptyCell) || blank(c)
}

// TestLiveMarks checks that a frame in which a paragraph or a list item
// grew by a code span or emphasis not yet closed is live (the marks show
// as themselves until the closer comes), that the closing frame is live
// too (also when it starts the next item of a list of bullets), and that
// both look as glamour's render does.
func TestLiveMarks(t *testing.T) {
	for _, tc := range []struct{ base, open, close string }{
		{"Of this", " `clear", "ly()` with"},
		{"- Of this", " *mod", "el* with"},
		{"Of this", " **che", "ck** more"},
		{"Two `a` and", " `b", "` code"},
		{"1. Say", " **No", "te:** this"},
		{"A", " _wide", " words_ here, `x.y` and"},
		{"- One item", " **is", "** done.\n- Next `x` item"},
	} {
		r := New(Options{Width: 80, Style: "dark", Live: true})
		r.Append(tc.base + " words")
		r.Lines()
		first := r.liveFrames // the first frame is live too, from a probe (see liveState.fresh)
		for n, delta := range []string{tc.open, tc.close} {
			r.Append(delta)
			want := fullRender(t, r.Text(), 80, "dark")
			if got := r.Render(); r.liveFrames-first != n+1 || got != want && !sameCells(got, want) {
				t.Errorf("%q: %d live frames, want %d; frame %q, want %q", r.Text(), r.liveFrames-first, n+1, got, want)
			}
		}
	}
}

// sameCells reports whether two renders show the same cells.
func sameCells(a, b string) bool {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	if len(al) != len(bl) {
		return false
	}
	for n := range al {
		g, w := cellsOf(al[n]), cellsOf(bl[n])
		for x := range g {
			if !g[x].Equal(&w[x]) && !(showsNothing(&g[x]) && showsNothing(&w[x])) {
				return false
			}
		}
	}
	return true
}

// TestLiveFirstFrame checks that the first frame of a paragraph, an item
// of a list or a heading that starts a piece, or follows a paragraph after
// a blank line, is live (laid out from a probe rendered in its place), in
// the document's first block and after other blocks, and looks as
// glamour's render does.
func TestLiveFirstFrame(t *testing.T) {
	for _, tc := range []struct{ before, first string }{
		{"", "Kestrel here: a"},
		{"", "- An item with `code`"},
		{"# Title\n\n", "First words of it"},
		{"Some text.\n\n```go\nx := 1\n```\n\n", "After the *code* block"},
		{"| a | b |\n| - | - |\n| 1 | 2 |\n\n", "After a table"},
		{"> quoted\n\n", "3. numbered from three"},
		{"A paragraph.\n\n", "- item **one** of"},
		{"", "## A heading"},
		{"Some text.\n\n", "## Section 1: Simply"},
		{"- a list\n- of two\n\n", "# The end, (really)"},
		{"", "> A quote with **bold** and `code`"},
		{"| a | b |\n| - | - |\n| 1 | 2 |\n\n", "> Quoted after a table"},
		{"Some text and", " more.\n\n## Section two"},         // the paragraph grew in the same frame
		{"## Section 2: Profile", " usage\n\n**Note:** then"}, // the heading grew in the same frame
		{"- item one\n- item", " two\n\n> A quote"},
		{"", "# Spaces after  "}, // goldmark drops them all (h1 has a background in dark)
	} {
		for _, style := range raceStyles("dark", "notty", "dracula") {
			checkLiveFrame(t, tc.before, tc.first, style)
		}
	}
}

// checkLiveFrame renders before, then the frame after delta, which must be
// live and look as glamour's render does.
func checkLiveFrame(t *testing.T, before, delta, style string) {
	t.Helper()
	r := New(Options{Width: 60, Style: style, Live: true})
	r.Append(before)
	r.Lines()
	n := r.liveFrames
	r.Append(delta)
	want := fullRender(t, r.Text(), 60, style)
	if got := r.Render(); r.liveFrames != n+1 || got != want && !sameCells(got, want) {
		t.Errorf("%s, %q: %d live frames, want 1; frame %q, want %q", style, r.Text(), r.liveFrames-n, got, want)
	}
}

// TestLiveRandomHeadings checks random documents of headings and quotes
// (of plain words, some long enough to wrap, some with what live frames
// leave to glamour), paragraphs and lists, streamed in random pieces:
// every frame must look as glamour's render does, and many are live.
func TestLiveRandomHeadings(t *testing.T) {
	rng := rand.New(rand.NewPCG(14, 2))
	words := strings.Fields("stream token wrap width is it; yes! no? \"quoted\" it's a an the x y z 12 3.5 Note: (see) " +
		"Section 1: Simply Deadline quickly www.example.com `code` *em* **strong** # #tag a-b > >x")
	styles := []string{"dark", "notty", "light", "ascii", "pink", "dracula", "tokyo-night"}
	lv, all := randomLive(t, rng, "headings", 60, 8, func(doc int) (string, int, string) {
		var b strings.Builder
		for p := range 1 + rng.IntN(4) {
			if p > 0 {
				b.WriteString([]string{"\n\n", "\n\n", "\n\n", "\n"}[rng.IntN(4)])
			}
			lead := []string{"# ", "## ", "### ", "###### ", "", "- ", "> ", "> "}[rng.IntN(8)]
			b.WriteString(lead)
			n := 1 + rng.IntN(8)
			if rng.IntN(5) == 0 {
				n += 20 // wraps at most widths
			}
			for w := range n {
				if w > 0 {
					b.WriteString(" ")
				}
				word := words[rng.IntN(len(words))]
				if lead != "" && strings.Contains("#>", lead[:1]) && rng.IntN(4) != 0 {
					word = words[rng.IntN(20)] // mostly what live frames show
				}
				b.WriteString(word)
			}
			if rng.IntN(6) == 0 {
				b.WriteString(" ")
			}
		}
		return b.String(), 20 + rng.IntN(80), styles[doc%len(styles)]
	})
	if lv < all/4 {
		t.Errorf("%d of %d frames made live, want a quarter or more", lv, all)
	}
}

// TestLiveNumberedItems checks that the frame that starts the next item
// of a tight numbered list is live, numbered as glamour numbers it (from
// the first item's number, whatever the next items' markers say), and
// looks as glamour's render does, as does the frame before it, whose line
// of digits continues the item before; and that every frame of such lists
// does, with numbers of more digits than the first's left to glamour.
func TestLiveNumberedItems(t *testing.T) {
	for _, tc := range []struct{ base, next string }{
		{"Steps:\n\n1. Pipe run event *slowly*.", "\n2. Start `from()`"},
		{"3. first item here\n4. second `x` item", "\n5. third one"},
		{"1. one\n1. two words", "\n1. three more"},
		{"12. twelve", "\n13. thirteen and"},
		{"1. Pipe run event *slowly*.", "\n2"},
		{"- one\n- two words", "\n3"},
		{"1. one\n2. two words", "\n3"},
	} {
		for _, style := range raceStyles("dark", "notty", "pink") {
			checkLiveFrame(t, tc.base, tc.next, style)
		}
	}
	for _, text := range []string{
		"Steps:\n\n1. Pipe run event *slowly*.\n2. Start `from()` **the** test.\n3. Last join trace table.\n",
		"1. one\n1. two words\n1. three more words here\n",
		"8. eight\n9. nine is here\n10. ten has more digits\n11. eleven\n",
		"- one\n2\n- two\n33\n\n1. a\n2\n3. b\n4\n",
	} {
		for _, style := range raceStyles("dark", "notty", "pink") {
			checkLive(t, style+" "+text, tokens(text), 40, style)
		}
	}
}

// raceStyles returns styles, or only the first under the race detector,
// which makes glamour ten times slower.
func raceStyles(styles ...string) []string {
	if raceEnabled {
		return styles[:1]
	}
	return styles
}

// TestLiveWide checks that live frames are made, and look as glamour's
// render does, at widths where a probe of a fixed number of words would
// not wrap into the lines the probes need (a chat on a wide terminal).
func TestLiveWide(t *testing.T) {
	answers := corpus(t)
	for _, name := range []string{"22-long-paragraphs.md", "02-tight-list.md", "01-headings.md"} {
		if raceEnabled && name != "02-tight-list.md" {
			continue
		}
		toks := tokens(answers[name])
		if live := checkLive(t, name, toks, 250, "dark"); live < len(toks)/3 {
			t.Errorf("%s at 250 columns: %d of %d frames live, want a third or more", name, live, len(toks))
		}
	}
}
