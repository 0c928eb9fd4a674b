package ui

import (
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m,
		// teatest waits for SIGINT in a goroutine that outlives the test.
		goleak.IgnoreTopFunction("github.com/charmbracelet/x/exp/teatest/v2.NewTestModel.func2"),
		// glamour's highlighter (chroma, regexp2) keeps a clock goroutine.
		goleak.IgnoreAnyFunction("github.com/dlclark/regexp2.runClock"),
	)
}
