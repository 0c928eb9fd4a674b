package chatserver

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/parley-chat/parley/ui/markdown"
)

// TestLandmarks checks what Landmarks promises, on the product's own
// rendering: any 30 consecutive lines of an answer show a landmark,
// FirstWord or LastWord.
func TestLandmarks(t *testing.T) {
	const window = 30
	marks := append([]string{FirstWord, LastWord}, Landmarks...)
	for _, width := range []int{80, 120} {
		r := markdown.New(markdown.Options{Width: width, Style: "notty"})
		for _, tok := range Markdown(3000) {
			r.Append(tok)
		}
		lines := strings.Split(ansi.Strip(r.Render()), "\n")
		last := -1 // the line of the last mark seen
		for i, l := range lines {
			for _, m := range marks {
				if strings.Contains(l, m) {
					last = i
				}
			}
			if i-last >= window {
				t.Fatalf("width %d: lines %d to %d show no landmark:\n%s", width, last+1, i,
					strings.Join(lines[last+1:i+1], "\n"))
			}
		}
	}
}
