//go:build linux

package ui

import (
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/parley-chat/parley/internal/chatserver"
)

// BenchmarkScrollbackBurst renders a 10,000-token answer that arrives
// faster than it renders (the e2e harness's "chat" case in the inline
// chat) in steps, as Take does, and at once, alternately in each
// iteration so that both see the same load; it reports the CPU time of
// each, counted on the benchmark's thread (getrusage RUSAGE_THREAD), which
// the machine's load does not inflate as it does the wall time.
func BenchmarkScrollbackBurst(b *testing.B) {
	text := strings.Join(chatserver.Markdown(10000), "")
	for _, c := range []struct {
		name string
		fed  []int
	}{{"one-take", nil}, {"four-takes", burstFed}} {
		b.Run(c.name, func(b *testing.B) {
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			var steps, whole time.Duration
			for b.Loop() {
				runtime.GC()
				t0 := threadCPU()
				burstTakes(NewScrollback(120, "dark"), text, c.fed)
				steps += threadCPU() - t0
				runtime.GC()
				sb := NewScrollback(120, "dark")
				sb.md.SetBudget(0)
				t0 = threadCPU()
				burstTakes(sb, text, c.fed)
				whole += threadCPU() - t0
			}
			b.ReportMetric(float64(steps.Microseconds())/1e3/float64(b.N), "steps-cpu-ms")
			b.ReportMetric(float64(whole.Microseconds())/1e3/float64(b.N), "whole-cpu-ms")
		})
	}
}

// threadCPU is the CPU time the calling thread has used.
func threadCPU() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(1, &ru) // RUSAGE_THREAD
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
