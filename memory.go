package main

import (
	"runtime/debug"
	"runtime/metrics"
)

// Memory between answers
//
// The soft memory limit is the process's, so it is set here, in main: once
// when the chat starts and, through ui.Options.AnswerDone, after each
// answer. The chat works in bursts: while an answer streams, glamour allocates
// about 6 KB for each token it renders (60 MB for 10,000 tokens), for a live
// heap of a few MB. Go's collector lets the heap grow to twice what is live
// before it collects, and hands the pages it freed back to the system only
// slowly, so the process would sit near the peak of its last burst. A soft
// memory limit bounds what it keeps: at the start and after each answer
// the chat sets it to twice the live heap plus room for the runtime's own
// structures and the next answer's garbage (limitRoom), and never below
// limitFloor. Set that way, the limit leaves the collector its usual pace
// and mostly makes it return freed pages sooner; should one answer grow the
// live heap by several MB, the collector runs more often until the answer
// ends and the limit is raised. A GOMEMLIMIT in the environment is left
// alone.

const (
	limitFloor = 20 << 20
	limitRoom  = 12 << 20
)

// memoryLimit is the limit for a live heap of live bytes.
func memoryLimit(live uint64) int64 {
	return max(limitFloor, 2*int64(live)+limitRoom)
}

// fitMemory sets the soft memory limit for the live heap as of the last
// collection, unless GOMEMLIMIT is set in the environment getenv reads.
func fitMemory(getenv func(string) string) {
	if getenv("GOMEMLIMIT") != "" {
		return
	}
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return
	}
	debug.SetMemoryLimit(memoryLimit(s[0].Value.Uint64()))
}
