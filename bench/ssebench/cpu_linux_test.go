package ssebench

import "syscall"

// threadCPU returns the CPU time, in nanoseconds, that the calling OS
// thread has used; time that other processes took from it is not counted,
// which steadies figures on a busy machine.
func threadCPU() int64 {
	const rusageThread = 1 // RUSAGE_THREAD
	var ru syscall.Rusage
	if syscall.Getrusage(rusageThread, &ru) != nil {
		return 0
	}
	return syscall.TimevalToNsec(ru.Utime) + syscall.TimevalToNsec(ru.Stime)
}
