package harness

import (
	"bufio"
	"os"
	"runtime"
	"runtime/debug"
	"strings"
	"time"
)

// Header records where and when a run was made.
type Header struct {
	Suite     string `json:"suite"`
	CPU       string `json:"cpu"`
	Cores     int    `json:"cores"`
	GoVersion string `json:"go"`
	OS        string `json:"goos"`
	Arch      string `json:"goarch"`
	Commit    string `json:"commit"`
	Date      string `json:"date"`
	Clock     string `json:"clock"`
	Runs      int    `json:"runs"`
}

// NewHeader describes this machine and build now; clockName says what is timed.
func NewHeader(suite, clockName string, runs int) Header {
	bi, _ := debug.ReadBuildInfo()
	return Header{
		Suite: suite, CPU: cpuModel(), Cores: runtime.NumCPU(), GoVersion: runtime.Version(),
		OS: runtime.GOOS, Arch: runtime.GOARCH, Commit: commit(bi),
		Date: time.Now().UTC().Format(time.RFC3339), Clock: clockName, Runs: runs,
	}
}

// commit is the VCS revision the binary was built from ("unknown" when the build
// recorded none, as with go run or -buildvcs=false), marked when the tree was modified.
func commit(bi *debug.BuildInfo) string {
	rev, modified := "unknown", false
	if bi != nil {
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.modified":
				modified = s.Value == "true"
			}
		}
	}
	if modified && rev != "unknown" {
		rev += " (modified)"
	}
	return rev
}

// cpuModel is the CPU's model name from /proc/cpuinfo, "unknown" where there is none.
func cpuModel() string {
	f, err := os.Open("/proc/cpuinfo")
	if err != nil {
		return "unknown"
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "unknown"
}
