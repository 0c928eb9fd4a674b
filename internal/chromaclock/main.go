package chromaclock

import (
	"testing"
	"time"

	"github.com/dlclark/regexp2"
	"go.uber.org/goleak"
)

// Main runs the tests of a package that compares renders of code with
// regexp2's match clock held still, then fails them if a goroutine outlived
// them: the clock's own, which sleeps on after the tests, and those that
// ignore names are let be. Call it from TestMain.
//
// chroma gives each of its regular expressions 250 ms by regexp2's clock,
// which a goroutine moves on every 100 ms. On a loaded machine (CI under
// -race) that goroutine can tick a few hundred ms late, or the one matching
// stand still as long: the clock then passes the limit of a match that had
// barely begun, the match gives up, and chroma colours that code by another
// rule, so that two renders of one answer differ in a token's colour (under
// -race on a busy machine, a match timed out in 7 runs of 16 of ui's
// TestBurstEndsAsAFullRender, and its answer differed so in 1 run of 7;
// ui/markdown's TestLiveCode and TestLiveLooksTheSame failed so once each).
// An hour between ticks, which regexp2 adds to every limit, keeps the clock
// still while the tests run.
func Main(m *testing.M, ignore ...goleak.Option) {
	regexp2.SetTimeoutCheckPeriod(time.Hour)
	goleak.VerifyTestMain(m, append(ignore, goleak.IgnoreAnyFunction("github.com/dlclark/regexp2.runClock"))...)
}
