package ui

import (
	"testing"

	"go.uber.org/goleak"

	"github.com/parley-chat/parley/internal/chromaclock"
)

func TestMain(m *testing.M) {
	// teatest waits for SIGINT in a goroutine that outlives the test.
	chromaclock.Main(m, goleak.IgnoreTopFunction("github.com/charmbracelet/x/exp/teatest/v2.NewTestModel.func2"))
}
