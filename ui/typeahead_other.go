//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package ui

import "os"

// readTypeAhead does nothing where the terminal's input queue cannot be
// read ahead of Bubble Tea.
func readTypeAhead(*os.File) (typed []byte, restore func()) { return nil, func() {} }
