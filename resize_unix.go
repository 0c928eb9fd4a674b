//go:build !windows && !plan9 && !js && !wasip1

package main

import (
	"os"
	"os/signal"
	"syscall"
)

// resizes returns a channel that receives when the terminal on stdout is
// resized (SIGWINCH), for a printer that holds its frames while a window
// is being dragged, and the function that stops it; nil when stdout is
// not a terminal.
func (env *environment) resizes() (<-chan os.Signal, func()) {
	if !env.stdoutTTY {
		return nil, func() {}
	}
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, syscall.SIGWINCH)
	return ch, func() { signal.Stop(ch) }
}
