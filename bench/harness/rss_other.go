//go:build !linux

package harness

import "os"

// maxRSS is 0 (not measured) off Linux: ru_maxrss's unit differs between systems.
func maxRSS(*os.ProcessState) int64 { return 0 }
