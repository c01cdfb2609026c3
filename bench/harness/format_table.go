package harness

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// WriteTable writes the report for a reader: the header, every case's times per
// contender (min, median, spread, rate), the ratios per case and their geometric
// means, then the suite's notes.
func WriteTable(w io.Writer, rep *Report) error {
	h := rep.Header
	fmt.Fprintf(w, "hybridvm bench %s\n", rep.Suite)
	fmt.Fprintf(w, "cpu: %s, %d cores; %s %s/%s; commit %s; %s\n", h.CPU, h.Cores, h.GoVersion, h.OS, h.Arch, h.Commit, h.Date)
	fmt.Fprintf(w, "time: %s per operation; %d runs per case and contender, taken in turns\n\n", h.Clock, h.Runs)

	// Right-aligned columns; the first is padded to one width, which keeps it left-aligned.
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	width := 4
	for _, c := range rep.Cases {
		width = max(width, len([]rune(caseLabel(c))))
	}
	head := pad("case", width) + "\tcontender\tmin\tmedian\tspread\t"
	if rep.RateUnit != "" {
		head += rep.RateUnit + "\t"
	}
	rss := rep.HasRSS()
	if rss {
		head += "peak RSS\t"
	}
	rerun := rep.HasRerun()
	if rerun {
		head += "ran again\t"
	}
	exec := rep.HasExec() && rep.RateUnit != ""
	if exec {
		head += "execution " + rep.RateUnit + "\t"
	}
	cores := rep.HasCores()
	if cores {
		head += "cores busy\t"
	}
	fmt.Fprintln(tw, head)
	for _, c := range rep.Cases {
		work := c.Work()
		for i, r := range c.Results {
			name := pad("", width)
			if i == 0 {
				name = pad(caseLabel(c), width)
			}
			if r.Status != StatusOK {
				fmt.Fprintf(tw, "%s\t%s\t%s\t\n", name, r.Contender, statusText(r))
				continue
			}
			line := fmt.Sprintf("%s\t%s\t%s\t%s\t±%.1f%%\t", name, r.Contender, fmtDur(r.Min()), fmtDur(r.Median()), 50*r.Spread())
			if rep.RateUnit != "" {
				if rate := r.Rate(work); rate > 0 {
					line += fmt.Sprintf("%.1f\t", rate)
				} else {
					line += "–\t"
				}
			}
			if rss {
				if m := r.PeakRSS(); m > 0 {
					line += fmt.Sprintf("%.0f MiB\t", float64(m)/(1<<20))
				} else {
					line += "–\t"
				}
			}
			if rerun {
				if v := r.Rerun(); v >= 0 {
					line += fmt.Sprintf("%.1f%%\t", 100*v)
				} else {
					line += "–\t"
				}
			}
			if exec {
				if e := r.ExecMedian(); e > 0 && work > 0 {
					line += fmt.Sprintf("%.1f\t", work/e*1e3)
				} else {
					line += "–\t"
				}
			}
			if cores {
				if c := r.Cores(); c > 0 {
					line += fmt.Sprintf("%.2f\t", c)
				} else {
					line += "–\t"
				}
			}
			fmt.Fprintln(tw, line)
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(rep.Ratios) > 0 {
		fmt.Fprintln(w)
		tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
		gs := rep.GeoMeans()
		label, realLabel := geoLabels(rep)
		width = max(width, len([]rune(label)), len([]rune(realLabel)))
		head := pad("case", width) + "\t"
		for _, r := range rep.Ratios {
			head += r.Name() + "\t"
		}
		fmt.Fprintln(tw, head)
		for _, c := range rep.Cases {
			line := pad(caseLabel(c), width) + "\t"
			for _, r := range rep.Ratios {
				if v, ok := rep.Ratio(c, r); ok {
					line += fmt.Sprintf("%.2f×\t", v)
				} else {
					line += "–\t"
				}
			}
			fmt.Fprintln(tw, line)
		}
		line, real := pad(label, width)+"\t", pad(realLabel, width)+"\t"
		for _, g := range gs {
			line += geoCell(g.All, g.NAll)
			real += geoCell(g.Real, g.NReal)
		}
		fmt.Fprintln(tw, line)
		if realLabel != "" {
			fmt.Fprintln(tw, real)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
		if realLabel != "" {
			fmt.Fprintf(w, "\nmicro-cases (%s): %s\n", "*", rep.MicroNote)
		}
		fmt.Fprintln(w, "\nratios are of the median times: \"a / b\" is a's time over b's; (n): cases in the mean.")
	}
	fmt.Fprintln(w, "spread: ±half the range of the samples (max − min) around the median, over the median.")
	for _, n := range rep.Notes {
		fmt.Fprintln(w, n)
	}
	return nil
}

// geoLabels labels the geometric-mean rows; the second is empty when no micro-case
// was measured (both rows would be the same).
func geoLabels(rep *Report) (all, real string) {
	micro := 0
	for _, c := range rep.Cases {
		if c.Micro {
			micro++
		}
	}
	if micro == 0 {
		return "geometric mean", ""
	}
	return fmt.Sprintf("geometric mean, with %d micro-case(s) *", micro), "geometric mean, without micro-cases"
}

// caseLabel is a case's name, marked with * for a micro-case.
func caseLabel(c *CaseReport) string {
	if c.Micro {
		return c.Name + " *"
	}
	return c.Name
}

// pad left-justifies s in width runes.
func pad(s string, width int) string {
	if n := len([]rune(s)); n < width {
		return s + strings.Repeat(" ", width-n)
	}
	return s
}

func geoCell(v float64, n int) string {
	if n == 0 {
		return "–\t"
	}
	return fmt.Sprintf("%.2f× (%d)\t", v, n)
}

func statusText(r *Result) string {
	if r.Status == StatusMissing || r.Status == StatusNA {
		return r.Error
	}
	return "FAILED: " + oneLine(r.Error)
}

// oneLine folds an error's lines into one.
func oneLine(s string) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(s, "\n", " ⏎ ")), " ")
}

// fmtDur writes nanoseconds with four significant digits and a unit that suits them.
func fmtDur(ns float64) string {
	switch {
	case ns >= 1e9:
		return fmt.Sprintf("%.4gs", ns/1e9)
	case ns >= 1e6:
		return fmt.Sprintf("%.4gms", ns/1e6)
	case ns >= 1e3:
		return fmt.Sprintf("%.4gµs", ns/1e3)
	}
	return fmt.Sprintf("%.3gns", ns)
}

// fmtNs writes nanoseconds for a benchmark line: whole numbers above 100, one decimal
// below.
func fmtNs(ns float64) string {
	if ns >= 100 {
		return fmt.Sprintf("%.0f", ns)
	}
	return fmt.Sprintf("%.1f", ns)
}
