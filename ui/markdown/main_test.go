package markdown

import (
	"testing"
	"time"

	"github.com/dlclark/regexp2"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	// chroma gives each of its regular expressions 250 ms by regexp2's
	// clock, which a goroutine moves on every 100 ms; on a busy machine
	// (CI under -race) a late tick makes a match that had barely begun
	// give up, and chroma colours that code by another rule, so that two
	// renders the tests compare differ in a token's colour (seen in
	// TestLiveCode and TestLiveLooksTheSame). An hour between ticks, which
	// regexp2 adds to every limit, keeps the clock still while they run,
	// as in ui's tests; internal/chromaclock tests the clock itself.
	regexp2.SetTimeoutCheckPeriod(time.Hour)
	// The clock goroutine then sleeps on after the tests.
	goleak.VerifyTestMain(m, goleak.IgnoreAnyFunction("github.com/dlclark/regexp2.runClock"))
}
