package ui

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"sync"
	"time"
)

var crash struct {
	sync.Mutex
	path      string
	stateHome string // Options.StateHome of the chat running
}

// logPanic logs a panic to a file and panics again, so that Bubble Tea
// restores the terminal; Run then reports the log's path. It is deferred
// at the top of Update and in the goroutines of commands.
func logPanic() {
	if r := recover(); r != nil {
		writeCrashLog(r, debug.Stack())
		panic(r)
	}
}

// writeCrashLog writes the panic and its stack to parley-crash-*.log in the
// user's state directory (or the temporary directory).
func writeCrashLog(r any, stack []byte) {
	crash.Lock()
	defer crash.Unlock()
	if crash.path != "" {
		return
	}
	dir := stateDir(crash.stateHome)
	name := "parley-crash-" + time.Now().Format("20060102-150405") + ".log"
	path := filepath.Join(dir, name)
	body := fmt.Sprintf("parley panicked at %s: %v\n\n%s", time.Now().Format(time.RFC3339), r, stack)
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		return
	}
	crash.path = path
}

// resetCrashLog forgets an earlier crash, at the start of a Run, and
// takes the state directory of the chat that starts.
func resetCrashLog(stateHome string) {
	crash.Lock()
	defer crash.Unlock()
	crash.path, crash.stateHome = "", stateHome
}

// crashLog returns the path of the crash log written since the last
// resetCrashLog, if any.
func crashLog() string {
	crash.Lock()
	defer crash.Unlock()
	return crash.path
}

// stateDir is the parley folder of stateHome ($XDG_STATE_HOME, else
// ~/.local/state), made if needed, or the temporary directory.
func stateDir(stateHome string) string {
	dir := stateHome
	if dir == "" {
		if home, err := os.UserHomeDir(); err == nil {
			dir = filepath.Join(home, ".local", "state")
		}
	}
	if dir != "" {
		dir = filepath.Join(dir, "parley")
		if os.MkdirAll(dir, 0o700) == nil {
			return dir
		}
	}
	return os.TempDir()
}
