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
