// Package clock is how the benchmark harnesses time code that runs in their own process:
// the CPU time of the calling thread (on Linux; the goroutine is locked to its thread
// while timing), or wall time. On a loaded machine, time spent descheduled would
// otherwise dominate the comparison of two engines; thread CPU time leaves it out.
package clock

import "time"

// Clock measures elapsed time. Lock before reading it and Unlock when done: a
// thread's CPU clock is only meaningful while the goroutine stays on that thread.
type Clock interface {
	Lock()
	Unlock()
	Now() time.Duration
	// Name says what the clock measures ("thread CPU time", "wall time").
	Name() string
}

// Wall is the monotonic wall clock.
type Wall struct{}

var epoch = time.Now()

func (Wall) Lock()              {}
func (Wall) Unlock()            {}
func (Wall) Now() time.Duration { return time.Since(epoch) }
func (Wall) Name() string       { return "wall time" }

// Default is ThreadCPU where the system has a per-thread CPU clock, else Wall.
func Default() Clock {
	if c, ok := threadCPU(); ok {
		return c
	}
	return Wall{}
}
