//go:build !linux

package clock

import "time"

// threadCPU reports that no per-thread CPU clock is available here.
func threadCPU() (Clock, bool) { return nil, false }

// ProcessCPU reports that the process's CPU time is not read here.
func ProcessCPU() (time.Duration, bool) { return 0, false }
