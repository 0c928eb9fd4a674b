package markdown

import (
	"strings"
	"testing"
)

// TestLiveCode streams code-heavy answers of the corpus (Go, Python,
// strings and comments over lines, an answer cut off inside a block) and
// checks that most frames inside their code blocks are live and that
// every frame looks the same as glamour's render (checkLive).
func TestLiveCode(t *testing.T) {
	answers := corpus(t)
	for _, name := range []string{"29-code-go.md", "30-code-python.md", "31-code-spans-lines.md", "32-code-open-end.md"} {
		for _, style := range []string{"dark", "light", "dracula"} {
			toks := tokens(answers[name])
			inCode := 0
			text := ""
			for _, tok := range toks {
				text += tok
				if strings.Count(text, "```")%2 == 1 {
					inCode++
				}
			}
			// Before live code blocks, no frame in a block was live.
			if live := checkLive(t, name+"/"+style, toks, 100, style); live < inCode*3/4 {
				t.Errorf("%s/%s: %d frames live, %d of %d in code: want three quarters of those or more", name, style, live, inCode, len(toks))
			}
		}
	}
}
