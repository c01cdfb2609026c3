package harness

import (
	"math"
	"slices"
)

// Status of one contender on one case.
const (
	StatusOK      = "ok"
	StatusMissing = "not installed"
	StatusFailed  = "failed"
	StatusNA      = "n/a" // the case does not apply to the contender
)

// Report is the outcome of a run: every sample, and what the tables are computed from.
type Report struct {
	Header     Header
	Suite      string
	Bench      string
	Contenders []string
	Ratios     []Ratio
	RateUnit   string
	MicroNote  string
	Notes      []string
	Cases      []*CaseReport
}

// CaseReport is one case's results, one per selected contender in suite order.
type CaseReport struct {
	Name    string
	Group   string
	Micro   bool
	Variant bool
	Scale   int
	Results []*Result
}

// Result is one contender's samples on one case.
type Result struct {
	Contender string
	Status    string // StatusOK, StatusMissing, StatusNA or StatusFailed
	Error     string // why, when not StatusOK
	Samples   []Sample
}

// Result returns the result of the named contender, or nil.
func (c *CaseReport) Result(contender string) *Result {
	for _, r := range c.Results {
		if r.Contender == contender {
			return r
		}
	}
	return nil
}

// Work is the case's work per operation (the first contender's that reports one): the
// same program does the same work whoever runs it.
func (c *CaseReport) Work() float64 {
	for _, r := range c.Results {
		for _, s := range r.Samples {
			if s.Work > 0 {
				return s.Work
			}
		}
	}
	return 0
}

// Ratio returns the ratio's value on this case, if both contenders have results.
func (c *CaseReport) Ratio(r Ratio) (float64, bool) {
	num, den := c.Result(r.Num), c.Result(r.Den)
	if !num.ok() || !den.ok() {
		return 0, false
	}
	if r.Exec {
		n, d := num.ExecMedian(), den.ExecMedian()
		if n <= 0 || d <= 0 {
			return 0, false
		}
		return n / d, true
	}
	return num.Median() / den.Median(), true
}

// Ratio is c's value of ratio r: CaseReport.Ratio, or for a ratio with Less,
// the ratio of the medians less the Less case's medians of the same contenders.
func (rep *Report) Ratio(c *CaseReport, r Ratio) (float64, bool) {
	if r.Less == "" {
		return c.Ratio(r)
	}
	if c.Name == r.Less {
		return 0, false
	}
	var less *CaseReport
	for _, lc := range rep.Cases {
		if lc.Name == r.Less {
			less = lc
		}
	}
	if less == nil {
		return 0, false
	}
	num, den := c.Result(r.Num), c.Result(r.Den)
	lnum, lden := less.Result(r.Num), less.Result(r.Den)
	if !num.ok() || !den.ok() || !lnum.ok() || !lden.ok() {
		return 0, false
	}
	n, d := num.Median()-lnum.Median(), den.Median()-lden.Median()
	if n <= 0 || d <= 0 {
		return 0, false
	}
	return n / d, true
}

// ExecMedian is the median of the samples' execution-phase times, in
// nanoseconds per operation (0: not measured).
func (r *Result) ExecMedian() float64 {
	if !r.ok() {
		return 0
	}
	var ds []float64
	for _, s := range r.Samples {
		if s.ExecNs > 0 {
			ds = append(ds, s.ExecNs)
		}
	}
	if len(ds) == 0 {
		return 0
	}
	slices.Sort(ds)
	return medianOf(ds)
}

// Cores is the mean over the samples of CPU time per wall time: how many cores
// the process kept busy (0: not measured).
func (r *Result) Cores() float64 {
	if !r.ok() {
		return 0
	}
	sum, n := 0.0, 0
	for _, s := range r.Samples {
		if s.CPUNs > 0 && s.Ns > 0 {
			sum += s.CPUNs / s.Ns
			n++
		}
	}
	if n == 0 {
		return 0
	}
	return sum / float64(n)
}

// HasCores reports whether any result measured its CPU time.
func (rep *Report) HasCores() bool {
	for _, c := range rep.Cases {
		for _, r := range c.Results {
			if r.Cores() > 0 {
				return true
			}
		}
	}
	return false
}

// HasExec reports whether any result measured its execution phase.
func (rep *Report) HasExec() bool {
	for _, c := range rep.Cases {
		for _, r := range c.Results {
			if r.ExecMedian() > 0 {
				return true
			}
		}
	}
	return false
}

func (r *Result) ok() bool { return r != nil && r.Status == StatusOK && len(r.Samples) > 0 }

func (r *Result) sorted() []float64 {
	ds := make([]float64, len(r.Samples))
	for i, s := range r.Samples {
		ds[i] = s.Ns
	}
	slices.Sort(ds)
	return ds
}

// Min is the fastest sample's time per operation, in nanoseconds.
func (r *Result) Min() float64 {
	if !r.ok() {
		return 0
	}
	return r.sorted()[0]
}

// Median is the median sample's time per operation in nanoseconds (the mean of the
// middle two for an even count).
func (r *Result) Median() float64 {
	if !r.ok() {
		return 0
	}
	return medianOf(r.sorted())
}

// medianOf is the median of sorted values.
func medianOf(ds []float64) float64 {
	n := len(ds)
	if n%2 == 1 {
		return ds[n/2]
	}
	return (ds[n/2-1] + ds[n/2]) / 2
}

// PeakRSS is the largest peak resident set size of the samples, in bytes (0: not
// measured).
func (r *Result) PeakRSS() int64 {
	var m int64
	for _, s := range r.Samples {
		m = max(m, s.MaxRSS)
	}
	return m
}

// Rerun is the mean share of transactions the samples ran again (negative: not
// applicable).
func (r *Result) Rerun() float64 {
	sum, n := 0.0, 0
	for _, s := range r.Samples {
		if s.Rerun >= 0 {
			sum += s.Rerun
			n++
		}
	}
	if n == 0 {
		return -1
	}
	return sum / float64(n)
}

// HasRerun reports whether any result measured a re-execution share.
func (rep *Report) HasRerun() bool {
	for _, c := range rep.Cases {
		for _, r := range c.Results {
			if r.ok() && r.Rerun() >= 0 {
				return true
			}
		}
	}
	return false
}

// HasRSS reports whether any sample measured its peak RSS.
func (rep *Report) HasRSS() bool {
	for _, c := range rep.Cases {
		for _, r := range c.Results {
			if r.PeakRSS() > 0 {
				return true
			}
		}
	}
	return false
}

// Spread is (max − min) / median: how far apart the samples are, as a fraction.
func (r *Result) Spread() float64 {
	if !r.ok() {
		return 0
	}
	ds := r.sorted()
	return (ds[len(ds)-1] - ds[0]) / r.Median()
}

// Rate is work per second in millions (Mgas/s, MIPS) at the median time, 0 if the case
// has no work figure.
func (r *Result) Rate(work float64) float64 {
	if !r.ok() || work == 0 {
		return 0
	}
	return work / r.Median() * 1e3
}

// GeoMean is one ratio's geometric mean over the cases, with and without micro-cases.
type GeoMean struct {
	Ratio  Ratio
	All    float64 // over every case with a value (0: none)
	NAll   int
	Real   float64 // over the cases that are not micro-cases (0: none)
	NReal  int
	NMicro int // micro-cases among NAll
}

// GeoMeans computes each ratio's geometric means, scaled variants left out.
func (rep *Report) GeoMeans() []GeoMean {
	var gs []GeoMean
	for _, r := range rep.Ratios {
		g := GeoMean{Ratio: r}
		var all, real float64
		for _, c := range rep.Cases {
			v, ok := rep.Ratio(c, r)
			if !ok || c.Variant {
				continue
			}
			all += math.Log(v)
			g.NAll++
			if c.Micro {
				g.NMicro++
				continue
			}
			real += math.Log(v)
			g.NReal++
		}
		if g.NAll > 0 {
			g.All = math.Exp(all / float64(g.NAll))
		}
		if g.NReal > 0 {
			g.Real = math.Exp(real / float64(g.NReal))
		}
		gs = append(gs, g)
	}
	return gs
}

// Failed reports whether any contender failed on any case.
func (rep *Report) Failed() bool {
	for _, c := range rep.Cases {
		for _, r := range c.Results {
			if r.Status == StatusFailed {
				return true
			}
		}
	}
	return false
}
