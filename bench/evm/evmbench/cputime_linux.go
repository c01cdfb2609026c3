package evmbench

import (
	"runtime"
	"time"

	"golang.org/x/sys/unix"
)

// clock measures the CPU time of the calling thread (the goroutine is locked to it while
// timing): on a loaded machine, time spent descheduled would otherwise dominate the
// comparison of two engines.
type clock struct{}

const clockName = "thread CPU time"

func (clock) lock()   { runtime.LockOSThread() }
func (clock) unlock() { runtime.UnlockOSThread() }

func (clock) now() time.Duration {
	var ts unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_THREAD_CPUTIME_ID, &ts); err != nil {
		panic("BUG: CLOCK_THREAD_CPUTIME_ID unavailable: " + err.Error())
	}
	return time.Duration(ts.Nano())
}
