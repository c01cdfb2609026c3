//go:build !linux

package evmbench

import "time"

// clock measures wall time where no per-thread CPU clock is available.
type clock struct{}

const clockName = "wall time"

var epoch = time.Now()

func (clock) lock()              {}
func (clock) unlock()            {}
func (clock) now() time.Duration { return time.Since(epoch) }
