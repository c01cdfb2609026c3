package harness

import (
	"bufio"
	"bytes"
	"os"
	"strconv"
)

// selfPeakRSS is this process's peak resident set size in bytes: VmHWM of
// /proc/self/status (0 if unreadable). It is the high-water mark of the process's own
// address space. The rusage a parent gets from wait4 (ru_maxrss) is not used: Linux
// counts in it the address space the child had before exec, which with Go's
// vfork-style spawn is the parent's, so every child would report at least the
// parent's peak.
func selfPeakRSS() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		f := bytes.Fields(sc.Bytes())
		if len(f) == 3 && string(f[0]) == "VmHWM:" && string(f[2]) == "kB" {
			kb, err := strconv.ParseInt(string(f[1]), 10, 64)
			if err != nil {
				return 0
			}
			return kb * 1024
		}
	}
	return 0
}
