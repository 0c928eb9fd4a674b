//go:build !unix

package store

import (
	"syscall"
	"time"
)

// cpuTime is not measured where there is no getrusage.
func cpuTime() time.Duration { return 0 }

// nobody has no meaning where there are no Unix users.
func nobody() *syscall.SysProcAttr { return nil }
