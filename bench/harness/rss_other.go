//go:build !linux

package harness

// selfPeakRSS is 0 (not measured) off Linux, which alone has /proc/self/status.
func selfPeakRSS() int64 { return 0 }
