package ui

import (
	"strings"
	"testing"

	"github.com/parley-chat/parley/internal/chatserver"
	"github.com/parley-chat/parley/ui/markdown"
)

// TestScrollbackKeepsOnlyTheTail: what Take gives for good is not kept
// (markdown.Renderer.Seal), so the memory of the one-shot printer and of
// the inline chat does not grow with the answer: however long it is, the
// renderer holds the lines of the open tail only.
func TestScrollbackKeepsOnlyTheTail(t *testing.T) {
	toks := chatserver.Markdown(4000)
	whole := markdown.New(markdown.Options{Width: 120, Style: "dark"})
	whole.Append(strings.Join(toks, ""))
	whole.Finish()
	total := len(whole.Lines())

	sb := NewScrollback(120, "dark")
	held := 0
	for i, tok := range toks {
		sb.Append(tok)
		if i%8 == 0 {
			sb.Take(false)
			held = max(held, len(sb.md.Lines()))
		}
	}
	if held > total/10 {
		t.Fatalf("the renderer held up to %d lines of an answer of %d: want at most a tenth", held, total)
	}
}

// burstTakes gives sb the answer text in the pieces that end at fed (then
// the rest), takes after each and finishes, and returns every line given
// for good, in order. fed is what a fast server's burst gives the inline
// chat between its renders.
func burstTakes(sb *Scrollback, text string, fed []int) []string {
	var printed []string
	prev := 0
	for _, f := range fed {
		sb.Append(text[prev:f])
		prev = f
		stable, _ := sb.Take(false)
		printed = append(printed, stable...)
	}
	sb.Append(text[prev:])
	sb.Finish()
	stable, _ := sb.Take(true)
	return append(printed, stable...)
}

// burstFed is where the takes of a 10,000-token burst fell in a run of the
// inline chat (bench/e2e -only chat): the third take got 45 KB at once.
var burstFed = []int{3455, 16479, 61716, 62189}

// TestScrollbackRendersABurstInSteps: a burst taken at once is rendered
// renderStep at a time (see Take), and what is printed is the same as if
// it were rendered at once.
func TestScrollbackRendersABurstInSteps(t *testing.T) {
	text := strings.Join(chatserver.Markdown(4000), "") // 27 KB: two steps and the rest
	whole := NewScrollback(120, "dark")
	whole.md.SetBudget(0) // no steps
	want := burstTakes(whole, text, nil)
	got := burstTakes(NewScrollback(120, "dark"), text, nil)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("the render in steps printed %d lines, at once %d; they differ", len(got), len(want))
	}
}
