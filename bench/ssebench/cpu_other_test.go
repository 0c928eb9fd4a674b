//go:build !linux

package ssebench

// threadCPU is not measured outside Linux.
func threadCPU() int64 { return 0 }
