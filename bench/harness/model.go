package harness

import "errors"

// Suite is what one `hybridvm bench SUITE` run measures.
type Suite struct {
	Name string // "riscv"
	// Bench is the benchmark name of the Go benchmark lines (BenchmarkRISCV/case/contender).
	Bench      string
	Contenders []string
	Cases      []*Case
	// Ratios are the comparisons the table shows for each case, on the medians.
	Ratios []Ratio
	// RateUnit names the throughput computed from a case's work per run ("Mgas/s",
	// "MIPS": millions of work units per second); empty when the suite has none.
	RateUnit string
	// MicroNote says what the micro-cases are, for the geometric means' labels.
	MicroNote string
	// Notes are printed under the table (how to read the figures).
	Notes []string
	// Cleanup, if set, is called when the run is over.
	Cleanup func()
}

// Ratio compares two contenders: its value for a case is the median time of Num over
// the median time of Den (so "interp / jit" is how many times faster the JIT is).
type Ratio struct {
	Num, Den string
	// Exec compares the samples' execution-phase times (Sample.ExecNs) rather
	// than their whole times.
	Exec bool
	// Less, when set, names a micro-case whose median time is taken off each
	// side's median first (riscv: "startup", a program that does nothing, so
	// that the ratio compares the steady state without the processes' start-up).
	// The ratio is not given for that case itself, nor where a side is not
	// longer than its Less time.
	Less string
}

// Name is the ratio's label: "jit / native", "hybridvm / parallel (execution)",
// "jit / native (less startup)".
func (r Ratio) Name() string {
	switch {
	case r.Exec:
		return r.Num + " / " + r.Den + " (execution)"
	case r.Less != "":
		return r.Num + " / " + r.Den + " (less " + r.Less + ")"
	}
	return r.Num + " / " + r.Den
}

// Case is one workload, measured on every contender.
type Case struct {
	Name string
	// Contenders, when set, are the only contenders the case runs on (the others
	// cannot run it); nil means all of the suite's.
	Contenders []string
	// Micro marks a micro-case: a corner that one engine handles specially (the
	// JUMPDEST runs of evm-benchmarks), left out of the headline geometric mean.
	Micro bool
	// Scale is the case's work size for the scaling plot (a kernel's SCALE), 0 if none.
	Scale int
	// Group names the family a scaled case belongs to ("fib" for fib/scale=10).
	Group string
	// Variant marks a case that is another case at another scale: it is drawn in the
	// scaling plot and left out of the geometric means.
	Variant bool
	// Prepare readies the case on one contender and checks its result against the
	// reference; it returns the function that takes one timed sample. An error means
	// the case fails on this contender (it is reported, never timed); a *MissingError
	// means the contender is not available on this machine.
	Prepare func(contender string) (Sampler, error)
}

// Sampler takes one timed sample. It checks the result again where that is cheap; an
// error discards every sample of the contender on this case and reports the failure.
type Sampler func() (Sample, error)

// Sample is one timed measurement.
type Sample struct {
	Ns   float64 // nanoseconds per operation
	Ops  int     // operations the sample timed (the iterations of its loop)
	Work float64 // work per operation (gas, instructions) for the rate; 0 if none
	// MaxRSS is the peak resident set size of the process that took the sample, in
	// bytes (0: not measured).
	MaxRSS int64
	// Rerun is the share of transactions that parallel execution ran again
	// (replay's parallel contender); negative when it does not apply.
	Rerun float64
	// ExecNs is the part of Ns spent executing transactions (replay: neither
	// sender recovery nor state roots); 0 when not measured.
	ExecNs float64
	// CPUNs is the CPU time all the process's threads used during Ns (replay:
	// how many cores the import kept busy); 0 when not measured.
	CPUNs float64
}

// MissingError is a contender (or a tool it needs) not installed on this machine.
type MissingError struct{ What string }

func (e *MissingError) Error() string { return "not installed: " + e.What }

// Missing returns a *MissingError for what.
func Missing(what string) error { return &MissingError{What: what} }

// IsMissing reports whether err is a *MissingError.
func IsMissing(err error) bool {
	var m *MissingError
	return errors.As(err, &m)
}

// NotApplicableError is a case that does not apply to a contender (the interpreter
// translates nothing).
type NotApplicableError struct{ Why string }

func (e *NotApplicableError) Error() string { return "n/a: " + e.Why }

// NotApplicable returns a *NotApplicableError saying why.
func NotApplicable(why string) error { return &NotApplicableError{Why: why} }
