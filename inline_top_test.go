package main

import (
	"strings"
	"testing"
	"time"
)

// The inline chat started on the screen's first row, as in a new tmux
// window, keeps its bottom region out of the scrollback when it redraws
// it whole before anything was printed (the help opened and closed):
// tmux keeps the screen in its history when an erase starts at its first
// row, so the region moves down a row first.
func TestInlineRegionOffTheFirstRow(t *testing.T) {
	tt := inlineChat(t, inlineServer(t), 100)
	var s string
	pollUntil(t, 5*time.Second, func() bool {
		s = tt.screen()
		rows := strings.Split(s, "\n")
		return len(rows) > 3 && strings.Contains(rows[3], "Ask anything")
	}, func() string { return "the region did not move off the first row:\n" + s })
	tt.keys("F1")
	tt.wait("Keys", 5*time.Second)
	tt.keys("Escape")
	waitGone(t, tt, "Keys")
	tt.exchange("first", "words about first.")
	sb := tt.quit()
	inOrder(t, sb, "▌ first", "Answer 1 to first", "shell$")
	if strings.Contains(sb, "Ask anything") || strings.Contains(sb, "Keys") || strings.Contains(sb, "? help") {
		t.Errorf("the bottom region was left in the scrollback:\n%s", sb)
	}
}
