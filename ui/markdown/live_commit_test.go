package markdown

import (
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/parley-chat/parley/internal/chatserver"
	"github.com/parley-chat/parley/termsafe"
)

// TestLiveParagraphCommitted checks that a closed paragraph whose frames
// were live is committed without a glamour render, and that what is
// committed is glamour's own lines, byte for byte: prose answers of the
// corpus and the harness's are streamed into a live renderer sealed as
// the one-shot printer seals it, in several styles and widths, and the
// sealed lines and the last frame must be the full render.
func TestLiveParagraphCommitted(t *testing.T) {
	answers := corpus(t)
	answers["harness"] = strings.Join(chatserver.Markdown(1500), "")
	answers["lists"] = "Intro words here.\n\n- one *a* item\n- two `b` items, here; and more words than fit on one line of the width\n- three (c)!\n\n" +
		"Middle words, *wrapped* at a `line`: of prose (that goes on) for long enough to wrap, with **strong** ones too!\n\n" +
		"1. first thing\n2. second **thing**\n3. third\n\nSome more.\n\n7. seven\n8. eight and a longer text that wraps onto the next line at sixty\n9. nine\n\nEnd of it.\n"
	names := slices.Sorted(maps.Keys(answers))
	styles := []string{"dark", "light", "dracula", "notty", "tokyo-night"}
	every := 3
	if raceEnabled {
		names, every = []string{"harness"}, 6
		answers["harness"] = strings.Join(chatserver.Markdown(500), "")
	}
	total := 0
	for k, name := range names {
		text := answers[name]
		for i, style := range styles {
			if name != "harness" && name != "lists" && i != k%len(styles) || strings.Contains(text, "]:") {
				continue // one style an answer of the corpus, all for the harness's; see TestSealedLinesAndTheRestAreTheFullRender
			}
			width := []int{100, 60, 80}[(i+k)%3]
			r := New(Options{Width: width, Style: style, Live: true})
			got := strings.Join(sealAll(r, text, every, nil), "\n") + "\n"
			if want := fullRender(t, termsafe.Sanitize(text), width, style); got != want {
				if want = fullRender(t, termsafe.Sanitize(text), width, style); got != want { // see checkFrame
					t.Fatalf("%s/%s: sealed lines and the last frame differ from a full render\n%s", name, style, firstDiff(want, got))
				}
			}
			total += r.liveParas + r.liveLists
			if r.liveParas == 0 && name == "harness" || r.liveLists < 2 && name == "lists" {
				t.Errorf("%s/%s: %d paragraphs and %d lists committed from their live frames", name, style, r.liveParas, r.liveLists)
			}
		}
	}
	t.Logf("%d paragraphs and lists committed from live frames", total)
}
