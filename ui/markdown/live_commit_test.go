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
			if name != "harness" && i != k%len(styles) || strings.Contains(text, "]:") {
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
			total += r.liveParas
			if r.liveParas == 0 && name == "harness" {
				t.Errorf("%s/%s: no paragraph was committed from its live frames", name, style)
			}
		}
	}
	t.Logf("%d paragraphs committed from live frames", total)
}
