package harness

import (
	"os"
	"syscall"
)

// maxRSS is a finished child's peak resident set size in bytes: ru_maxrss of the
// rusage wait4 returned, which Linux counts in KiB.
func maxRSS(ps *os.ProcessState) int64 {
	if ru, ok := ps.SysUsage().(*syscall.Rusage); ok {
		return ru.Maxrss * 1024
	}
	return 0
}
