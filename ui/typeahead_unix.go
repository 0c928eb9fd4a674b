//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package ui

import (
	"os"

	"golang.org/x/sys/unix"
	"golang.org/x/term"
)

// readTypeAhead puts the terminal f in raw mode and returns what was typed
// before, as the line discipline left it, and the function that restores
// the terminal's mode. Bubble Tea puts the terminal in raw mode again (a
// no-op) and restores that at its end; the caller restores the rest.
// When f is no terminal it does nothing.
func readTypeAhead(f *os.File) (typed []byte, restore func()) {
	fd := int(f.Fd())
	if !term.IsTerminal(fd) {
		return nil, func() {}
	}
	old, err := term.MakeRaw(fd)
	if err != nil {
		return nil, func() {}
	}
	restore = func() { term.Restore(fd, old) }
	// What is in the queue now was typed before raw mode: read it while
	// poll says there is more, never waiting for a key.
	buf := make([]byte, 4096)
	for len(typed) < 1<<16 {
		fds := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
		if n, err := unix.Poll(fds, 0); err != nil || n == 0 || fds[0].Revents&unix.POLLIN == 0 {
			break
		}
		k, err := unix.Read(fd, buf)
		if err != nil || k <= 0 {
			break
		}
		typed = append(typed, buf[:k]...)
	}
	return typed, restore
}
