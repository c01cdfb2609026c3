//go:build unix

package translate_test

import (
	"syscall"
	"time"
)

// processCPU is the CPU time the process has used (user and system, all threads:
// the garbage collector's work included), for benchmarks on a shared machine where
// wall time counts time spent descheduled. ok is false where it cannot be read.
func processCPU() (d time.Duration, ok bool) {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0, false
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), true
}
