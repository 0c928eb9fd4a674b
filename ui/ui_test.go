package ui

import (
	"testing"
	"time"

	"github.com/dlclark/regexp2"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	// chroma gives each of its regular expressions 250 ms by regexp2's
	// clock, which a goroutine moves on every 100 ms. On a loaded machine
	// (CI under -race) that goroutine can tick a few hundred ms late, or
	// the one matching stand still as long: the clock then passes the
	// limit of a match that had barely begun, the match gives up, and
	// chroma colours that code by another rule, so that two renders of one
	// answer differ in a token's colour
	// (under -race on a busy machine, a match timed out in 7 runs of 16 of
	// TestBurstEndsAsAFullRender, and its answer differed so in 1 run of
	// 7). The tests compare renders byte for byte: an hour between ticks,
	// which regexp2 adds to every limit, keeps the clock still while they
	// run.
	regexp2.SetTimeoutCheckPeriod(time.Hour)
	goleak.VerifyTestMain(m,
		// teatest waits for SIGINT in a goroutine that outlives the test.
		goleak.IgnoreTopFunction("github.com/charmbracelet/x/exp/teatest/v2.NewTestModel.func2"),
		// glamour's highlighter (chroma, regexp2) keeps a clock goroutine.
		goleak.IgnoreAnyFunction("github.com/dlclark/regexp2.runClock"),
	)
}
