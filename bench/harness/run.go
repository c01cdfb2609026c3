package harness

import (
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"

	"github.com/hybridvm/hybridvm/bench/clock"
)

// Options control a run.
type Options struct {
	Runs int // samples per case and contender (at least 1)
	// Filter selects the (case, contender) pairs whose name "case/contender" it
	// matches; nil selects all.
	Filter *regexp.Regexp
	// Clock is the clock the suite's in-process samplers read; Run locks the goroutine
	// to its thread for the whole run when it is a thread clock.
	Clock clock.Clock
	// Progress, if set, receives a progress line rewritten in place (a terminal).
	Progress io.Writer
}

// ErrNoMatch is returned when the filter selects nothing.
var ErrNoMatch = errors.New("no case matches the filter")

// Run measures the suite and returns the report.
func Run(s *Suite, opts Options, h Header) (*Report, error) {
	if opts.Runs < 1 {
		return nil, fmt.Errorf("runs must be at least 1, not %d", opts.Runs)
	}
	if s.Cleanup != nil {
		defer s.Cleanup()
	}
	rep := &Report{Header: h, Suite: s.Name, Bench: s.Bench, Contenders: s.Contenders, Ratios: s.Ratios,
		RateUnit: s.RateUnit, MicroNote: s.MicroNote, Notes: s.Notes}
	type pick struct {
		c     *Case
		names []string
	}
	var picks []pick
	for _, c := range s.Cases {
		var names []string
		for _, n := range s.Contenders {
			if c.Contenders != nil && !slices.Contains(c.Contenders, n) {
				continue
			}
			if opts.Filter == nil || opts.Filter.MatchString(c.Name+"/"+n) {
				names = append(names, n)
			}
		}
		if len(names) > 0 {
			picks = append(picks, pick{c, names})
		}
	}
	if len(picks) == 0 {
		return nil, ErrNoMatch
	}
	if opts.Clock != nil {
		opts.Clock.Lock()
		defer opts.Clock.Unlock()
	}
	prog := newProgress(opts.Progress, s.Name)
	defer prog.done()
	for i, p := range picks {
		cr := &CaseReport{Name: p.c.Name, Group: p.c.Group, Micro: p.c.Micro, Variant: p.c.Variant, Scale: p.c.Scale}
		if cr.Group == "" {
			cr.Group = cr.Name
		}
		samplers := make([]Sampler, len(p.names))
		for j, n := range p.names {
			prog.show("%s (%d/%d): checking %s", p.c.Name, i+1, len(picks), n)
			r := &Result{Contender: n, Status: StatusOK}
			cr.Results = append(cr.Results, r)
			smp, err := p.c.Prepare(n)
			switch {
			case IsMissing(err):
				r.Status, r.Error = StatusMissing, err.Error()
			case errors.As(err, new(*NotApplicableError)):
				r.Status, r.Error = StatusNA, err.Error()
			case err != nil:
				r.Status, r.Error = StatusFailed, err.Error()
			default:
				samplers[j] = smp
			}
		}
		// The contenders take turns, so that a busy moment hurts all of them alike.
		for run := 0; run < opts.Runs; run++ {
			for j, r := range cr.Results {
				if r.Status != StatusOK {
					continue
				}
				prog.show("%s (%d/%d): run %d/%d, %s", p.c.Name, i+1, len(picks), run+1, opts.Runs, r.Contender)
				smp, err := samplers[j]()
				if err != nil {
					// A failing run is a failure, never a time.
					r.Status, r.Error, r.Samples = StatusFailed, err.Error(), nil
					continue
				}
				r.Samples = append(r.Samples, smp)
			}
		}
		rep.Cases = append(rep.Cases, cr)
	}
	return rep, nil
}
