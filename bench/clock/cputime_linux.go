package clock

import (
	"runtime"
	"time"

	"golang.org/x/sys/unix"
)

// ThreadCPU is the calling thread's CPU time (CLOCK_THREAD_CPUTIME_ID): user and
// system time of this thread only.
type ThreadCPU struct{}

func (ThreadCPU) Lock()        { runtime.LockOSThread() }
func (ThreadCPU) Unlock()      { runtime.UnlockOSThread() }
func (ThreadCPU) Name() string { return "thread CPU time" }

func (ThreadCPU) Now() time.Duration {
	var ts unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_THREAD_CPUTIME_ID, &ts); err != nil {
		panic("BUG: CLOCK_THREAD_CPUTIME_ID unavailable: " + err.Error())
	}
	return time.Duration(ts.Nano())
}

func threadCPU() (Clock, bool) {
	var ts unix.Timespec
	if unix.ClockGettime(unix.CLOCK_THREAD_CPUTIME_ID, &ts) != nil {
		return nil, false
	}
	return ThreadCPU{}, true
}

// ProcessCPU is the CPU time every thread of this process has used so far
// (CLOCK_PROCESS_CPUTIME_ID), and whether it could be read.
func ProcessCPU() (time.Duration, bool) {
	var ts unix.Timespec
	if unix.ClockGettime(unix.CLOCK_PROCESS_CPUTIME_ID, &ts) != nil {
		return 0, false
	}
	return time.Duration(ts.Nano()), true
}
