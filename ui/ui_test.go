package ui

import (
	"fmt"
	"testing"

	tea "charm.land/bubbletea/v2"
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

func TestSmoke(t *testing.T) {
	f := &fakeProvider{script: words("Hello **world**, here is code:\n\n```go\nfmt.Println(1)\n```\n")}
	h := start(t, Options{Provider: f}, 80, 24)
	h.waitText("Ask anything")
	h.typeText("hi there")
	h.press(tea.KeyEnter, 0)
	s := h.waitText("done")
	fmt.Println(s)
	h.quit()
}
