package chromaclock

import (
	"fmt"
	"slices"
	"strings"
	"sync"
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
// so that two renders of the same code differed, and a piece committed
// after a pause kept a wrong colour. It is one of the two ways in which
// TestBurstEndsAsAFullRender ended with all its lines but one coloured
// differently (the other, a tick that comes late on a busy machine, is
// kept out of the tests of ui and ui/markdown by Main). Here the pause is the clock
// stopped and 270 ms of rest; then a comment long enough that the first
// tick often finds it being matched is lexed until that tick is past. A
// busy machine can make a match time out in one round too: a pause shows
// in two rounds or more (with v1.11.0, 2 to 4 of 6 on a busy machine,
// with or without -race).
func TestCodeLexesTheSameAfterAPause(t *testing.T) {
	n := 3000
	if raceEnabled {
		n = 1000 // a match still well under the limit, ten times slower
	}
	code := "package p\n\n// " + strings.Repeat("a", n) + "\nvar x = 1\n"
	l := lexers.Get("go")
	want := lexTokens(l, code)
	differ := 0
	for round := range 6 {
		regexp2.StopTimeoutClock()
		time.Sleep(270 * time.Millisecond)
		// Two lexers at once, on a machine of two cores or more: the tick
		// finds one of them inside a match more often than one alone.
		var mu sync.Mutex
		seen := ""
		var wg sync.WaitGroup
		start := time.Now()
		for range 2 {
			wg.Go(func() {
				for time.Since(start) < 230*time.Millisecond {
					if got := lexTokens(l, code); !slices.Equal(got, want) {
						i := 0
						for i < min(len(got), len(want)) && got[i] == want[i] {
							i++
						}
						mu.Lock()
						seen = fmt.Sprintf("at token %d:\n got %.60v\nwant %.60v", i, got[i:], want[i:])
						mu.Unlock()
						return
					}
				}
			})
		}
		wg.Wait()
		if seen != "" {
			t.Logf("round %d: the code lexed after a pause differs %s", round, seen)
			differ++
		}
	}
	if differ > 1 {
		t.Errorf("the code lexed after a pause differs in %d rounds of 6", differ)
	}
}

// lexTokens returns the tokens of code, or nil if l fails.
func lexTokens(l chroma.Lexer, code string) []chroma.Token {
	it, err := l.Tokenise(nil, code)
	if err != nil {
		return nil
	}
	return it.Tokens()
}
