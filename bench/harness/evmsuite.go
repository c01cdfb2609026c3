package harness

import (
	"strings"
	"sync"
	"time"

	"github.com/hybridvm/hybridvm/bench/clock"
	"github.com/hybridvm/hybridvm/bench/evm/evmbench"
)

// EVMSuite is the evm suite: every case of evm-benchmarks (in dir, holding main/ and
// micro/) on hybridvm's EVM and on go-ethereum's interpreter, in this process, against
// the same state implementation (package evmbench). Each case's transaction is checked
// on both engines against the expected post-state before anything is timed. A sample
// is a loop of the case's call frame lasting at least round on clk.
func EVMSuite(dir string, clk clock.Clock, round time.Duration) (*Suite, error) {
	cases, err := evmbench.Load(dir)
	if err != nil {
		return nil, err
	}
	e, err := evmbench.NewEVM()
	if err != nil {
		return nil, err
	}
	s := &Suite{
		Name: "evm", Bench: "EVM", Contenders: []string{"hybridvm", "geth"},
		Ratios:    []Ratio{{Num: "geth", Den: "hybridvm"}},
		RateUnit:  "Mgas/s",
		MicroNote: "the JUMPDEST runs, where fall-through JUMPDESTs cost hybridvm nothing",
		Notes: []string{
			"geth / hybridvm: how many times faster hybridvm's EVM runs the case than go-ethereum's interpreter.",
			"Each case's transaction was checked on both engines against the file's expected post-state first.",
		},
	}
	for _, c := range cases {
		c := c
		type prepared struct {
			ours, geth *evmbench.Runner
			gas        uint64
		}
		prep := sync.OnceValues(func() (prepared, error) {
			ours, geth, gas, err := evmbench.Prepare(c, e)
			return prepared{ours, geth, gas}, err
		})
		s.Cases = append(s.Cases, &Case{
			Name:  c.Name,
			Micro: strings.Contains(strings.ToLower(c.Name), "jumpdest"),
			Prepare: func(contender string) (Sampler, error) {
				p, err := prep()
				if err != nil {
					return nil, err
				}
				r := p.ours
				if contender == "geth" {
					r = p.geth
				}
				return loopSampler(clk, round, float64(p.gas), func() error {
					_, _, err := r.Run()
					return err
				}), nil
			},
		})
	}
	return s, nil
}

// loopSampler times op in a loop lasting at least round on clk; work is the work per
// operation. The clock is read after batches that double in size while they are
// short: reading a thread's CPU clock is a system call, which would otherwise be
// part of a sub-microsecond operation's time.
func loopSampler(clk clock.Clock, round time.Duration, work float64, op func() error) Sampler {
	return func() (Sample, error) {
		n, batch := 0, 1
		start := clk.Now()
		for {
			for i := 0; i < batch; i++ {
				if err := op(); err != nil {
					return Sample{}, err
				}
			}
			n += batch
			el := clk.Now() - start
			if el >= round {
				return Sample{Ns: float64(el) / float64(n), Ops: n, Work: work}, nil
			}
			if el < round/32 {
				batch *= 2
			}
		}
	}
}
