package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The inline chat turns the terminal's autowrap off while it draws (a
// frame drawn at a width the terminal just left must not wrap): the
// editor it starts and the shell after it find autowrap on, so a line
// longer than the window goes on to the next row instead of being cut.
func TestInlineLeavesAutowrapOn(t *testing.T) {
	long := strings.Repeat("E", 150)
	editor := filepath.Join(t.TempDir(), "editor")
	// As editors do, on the alternate screen.
	script := "#!/bin/sh\nprintf '\\033[?1049h" + long + "'\nsleep 1\nprintf '\\033[?1049l'\nprintf 'written in the editor' >\"$1\"\n"
	if err := os.WriteFile(editor, []byte(script), 0o700); err != nil {
		t.Fatal(err)
	}
	tt := inlineChatEnv(t, inlineServer(t), 100, []string{"EDITOR=" + editor})
	tt.exchange("a question", "Some bold words about a question.")
	tt.keys("C-x")
	tt.wait(long[:100], 10*time.Second)
	if n := strings.Count(tt.screen(), "E"); n < len(long) {
		t.Errorf("the editor's line of %d cells shows %d of them: autowrap is off", len(long), n)
	}
	tt.wait("written in the editor", 10*time.Second)
	tt.keys("C-d") // the draft goes
	tt.quit()
	tt.keys("yes W | head -n 150 | tr -d '\\n'; echo", "Enter")
	waitScreenCount(t, tt.screen, "shell$", 2, 5*time.Second) // the prompt after the line
	if n := strings.Count(tt.screen(), "W") - 1; n != 150 {
		t.Errorf("the shell's line of 150 cells shows %d of them: autowrap is off", n)
	}
}
