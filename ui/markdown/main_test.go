package markdown

import (
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	// chroma highlights with regexp2, whose match timeouts run a shared
	// clock goroutine that stops by itself a while after the last match.
	goleak.VerifyTestMain(m, goleak.IgnoreAnyFunction("github.com/dlclark/regexp2.runClock"))
}
