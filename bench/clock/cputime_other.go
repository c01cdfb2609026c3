//go:build !linux

package clock

// threadCPU reports that no per-thread CPU clock is available here.
func threadCPU() (Clock, bool) { return nil, false }
