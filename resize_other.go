//go:build windows || plan9 || js || wasip1

package main

import "os"

// resizes returns nil: there is no resize signal here, and printers see a
// resize by the size they read at each frame only.
func (env *environment) resizes() (<-chan os.Signal, func()) { return nil, func() {} }
