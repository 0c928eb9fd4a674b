package markdown

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/alecthomas/chroma/v2"
	"github.com/alecthomas/chroma/v2/lexers"
	"github.com/dlclark/regexp2"
)

// TestCodeLexesTheSameAfterAPause: chroma's rules are regexp2 expressions
// that give up after 250 ms, timed by a clock goroutine that ticks every
// 100 ms and stops a second after the last match. regexp2 before v1.12.0
// started it again from the time it had stopped: matches begun before its
// first tick took the pause for their own time, timed out, and chroma lexed
// their text by another rule (a keyword as a name, a comment as operators),
// so that two renders of the same code differed. A render of a long answer
// under -race pauses that long between two code blocks: it showed as
// TestBurstEndsAsAFullRender failing once in CI with all its lines there,
// one of them coloured differently. Here the pause is the clock stopped and
// 300 ms of rest; then a comment long enough that the first tick most
// likely finds it being matched is lexed until that tick is past.
func TestCodeLexesTheSameAfterAPause(t *testing.T) {
	n := 3000
	if raceEnabled {
		n = 1000 // a match still well under the limit, ten times slower
	}
	code := "package p\n\n// " + strings.Repeat("a", n) + "\nvar x = 1\n"
	l := lexers.Get("go")
	want := lexTokens(t, l, code)
	for round := range 4 { // each finds the tick inside a match nine times in ten
		regexp2.StopTimeoutClock()
		time.Sleep(300 * time.Millisecond)
		for start := time.Now(); time.Since(start) < 150*time.Millisecond; {
			if got := lexTokens(t, l, code); !slices.Equal(got, want) {
				i := 0
				for i < min(len(got), len(want)) && got[i] == want[i] {
					i++
				}
				t.Fatalf("round %d: the code lexed after a pause differs at token %d:\n got %.60v\nwant %.60v", round, i, got[i:], want[i:])
			}
		}
	}
}

func lexTokens(t *testing.T, l chroma.Lexer, code string) []chroma.Token {
	t.Helper()
	it, err := l.Tokenise(nil, code)
	if err != nil {
		t.Fatal(err)
	}
	return it.Tokens()
}
