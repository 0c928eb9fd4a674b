package main

import (
	"runtime/debug"
	"testing"
)

func TestMemoryLimitLeavesTheCollectorItsRoom(t *testing.T) {
	for _, tt := range []struct {
		live uint64
		want int64
	}{
		{0, limitFloor},
		{3 << 20, limitFloor},
		{4 << 20, limitFloor},
		{10 << 20, 32 << 20},
		{100 << 20, 212 << 20},
	} {
		if got := memoryLimit(tt.live); got != tt.want {
			t.Errorf("memoryLimit(%d MiB) = %d MiB, want %d MiB", tt.live>>20, got>>20, tt.want>>20)
		}
	}
}

func TestFitMemory(t *testing.T) {
	old := debug.SetMemoryLimit(-1)
	t.Cleanup(func() { debug.SetMemoryLimit(old) })

	debug.SetMemoryLimit(1 << 40)
	fitMemory(func(string) string { return "" })
	if got := debug.SetMemoryLimit(-1); got < limitFloor || got >= 1<<40 {
		t.Errorf("limit after fitMemory = %d, want at least %d", got, limitFloor)
	}

	userSet := func(k string) string { // the user's choice stands
		if k == "GOMEMLIMIT" {
			return "1GiB"
		}
		return ""
	}
	debug.SetMemoryLimit(1 << 30)
	fitMemory(userSet)
	if got := debug.SetMemoryLimit(-1); got != 1<<30 {
		t.Errorf("fitMemory changed a GOMEMLIMIT set by the user: %d", got)
	}
}
