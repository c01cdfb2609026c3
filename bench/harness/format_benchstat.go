package harness

import (
	"fmt"
	"io"
	"strings"
)

// WriteBenchstat writes the report as Go benchmark lines, one per sample, so that
// `benchstat old.txt new.txt` compares two runs:
//
//	BenchmarkEVM/main/snailtracer/geth 1 74866700 ns/op 2216.8 Mgas/s
//
// The header becomes configuration lines (goos, goarch, pkg, cpu, clock) and a comment
// line (cores, Go version, commit, date). Only
// timed results appear; a contender that failed or is missing has no lines (WriteFailures
// reports those).
func WriteBenchstat(w io.Writer, rep *Report) error {
	h := rep.Header
	// Configuration lines group results: only what makes two runs incomparable (the
	// machine, the clock) is one. The rest is a comment line, which benchstat skips, so
	// that two runs from different commits or dates still land in one table.
	for _, kv := range [][2]string{{"goos", h.OS}, {"goarch", h.Arch}, {"pkg", "hybridvm/bench/" + rep.Suite},
		{"cpu", h.CPU}, {"clock", h.Clock}} {
		if _, err := fmt.Fprintf(w, "%s: %s\n", kv[0], kv[1]); err != nil {
			return err
		}
	}
	if _, err := fmt.Fprintf(w, "# hybridvm bench %s: %d cores, %s, commit %s, %s, %d runs\n", rep.Suite, h.Cores, h.GoVersion, h.Commit, h.Date, h.Runs); err != nil {
		return err
	}
	for _, c := range rep.Cases {
		work := c.Work()
		for _, r := range c.Results {
			if !r.ok() {
				continue
			}
			name := benchName(rep.Bench, c.Name, r.Contender)
			for _, s := range r.Samples {
				line := fmt.Sprintf("%s\t%d\t%s ns/op", name, max(s.Ops, 1), fmtNs(s.Ns))
				if rep.RateUnit != "" && work > 0 && s.Ns > 0 {
					line += fmt.Sprintf("\t%.1f %s", work/s.Ns*1e3, rep.RateUnit)
				}
				if _, err := fmt.Fprintln(w, line); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// benchName is "Benchmark<Suite>/<case>/<contender>" with no blanks (a benchmark name
// ends at the first blank).
func benchName(bench, cs, contender string) string {
	return strings.Join(strings.Fields("Benchmark"+bench+"/"+cs+"/"+contender), "_")
}

// WriteFailures writes one line per contender that failed or is missing (for formats
// whose output has no place for them: they go to stderr).
func WriteFailures(w io.Writer, rep *Report) {
	for _, c := range rep.Cases {
		for _, r := range c.Results {
			if r.Status != StatusOK {
				fmt.Fprintf(w, "%s/%s: %s\n", c.Name, r.Contender, statusText(r))
			}
		}
	}
}
