package markdown

import (
	"strings"
	"unicode"

	"github.com/charmbracelet/x/ansi"

	"github.com/parley-chat/parley/termsafe"
	"testing"
)

// sealAll streams text into r a token at a time, taking and sealing the
// stable lines after every every-th token, and calling resize (if not nil)
// before token k; it returns the sealed lines followed by the last frame.
func sealAll(r *Renderer, text string, every int, resize func(k int)) []string {
	var out []string
	for k, tok := range tokens(text) {
		if resize != nil {
			resize(k)
		}
		r.Append(tok)
		if k%every == 0 {
			out = append(out, r.Lines()[:r.Stable()]...)
			r.Seal()
		}
	}
	r.Finish()
	return append(out, r.Lines()...)
}

// Sealed lines and the last frame together are the full render: sealing
// only gives lines away.
func TestSealedLinesAndTheRestAreTheFullRender(t *testing.T) {
	n := 0
	for name, text := range corpus(t) {
		if n++; raceEnabled && n%4 != 0 || strings.Contains(text, "]:") {
			continue // a reference defined after the seal cannot change what was sealed
		}
		for _, every := range []int{1, 5} {
			r := New(Options{Width: 80, Style: "dark"})
			got := strings.Join(sealAll(r, text, every, nil), "\n") + "\n"
			if want := fullRender(t, termsafe.Sanitize(text), 80, "dark"); got != want {
				if want = fullRender(t, termsafe.Sanitize(text), 80, "dark"); got != want { // see checkFrame
					t.Fatalf("%s, sealed every %d tokens:\n%s", name, every, firstDiff(want, got))
				}
			}
		}
	}
}

// After a change of width, only what follows the sealed lines is
// rendered again: the letters of the answer are shown in order, each
// once, as in a full render, whether the width grows or shrinks.
func TestSealThenResizeShowsEveryWordOnce(t *testing.T) {
	n := 0
	for name, text := range corpus(t) {
		if n++; raceEnabled && n%4 != 0 || strings.Contains(text, "]:") {
			continue // see above
		}
		for _, widths := range [][2]int{{100, 60}, {60, 100}, {120, 80}} {
			r := New(Options{Width: widths[0], Style: "notty"})
			half := len(tokens(text)) / 2
			lines := sealAll(r, text, 3, func(k int) {
				if k == half {
					r.SetWidth(widths[1])
				}
			})
			got := letters(strings.Join(lines, "\n"))
			want := letters(fullRender(t, termsafe.Sanitize(text), widths[1], "notty"))
			if got != want {
				t.Fatalf("%s, width %d then %d: the letters differ from a full render's\n%s", name, widths[0], widths[1], firstDiff(want, got))
			}
		}
	}
}

// letters is the letters and digits of a render, in order.
func letters(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return r
		}
		return -1
	}, ansi.Strip(s))
}
