package replay

import (
	"time"

	"github.com/hybridvm/hybridvm/chain"
)

// Simulated is the parallel executor's simulated schedule over a profiled
// replay (Options.Profile) with a number of workers.
type Simulated struct {
	Workers int `json:"workers"`
	// Seconds is the simulated execution time of all blocks; Speedup is the
	// one-worker time over it; Rerun the share of transactions run again.
	Seconds float64 `json:"seconds"`
	Speedup float64 `json:"speedup"`
	Rerun   float64 `json:"rerun"`
}

// Simulate runs chain.Simulate over every profiled block for each worker
// count (lookahead as the executor's: 16 per worker) and sums the blocks.
func (r *Replayer) Simulate(workers []int) []Simulated {
	var one time.Duration
	for _, p := range r.profiles {
		d, _ := chain.Simulate(p, 1, 0, 0)
		one += d
	}
	out := make([]Simulated, 0, len(workers))
	for _, w := range workers {
		var total time.Duration
		rerun, txs := 0, 0
		for _, p := range r.profiles {
			d, n := chain.Simulate(p, w, 0, 16*w)
			total += d
			rerun += n
			txs += len(p)
		}
		s := Simulated{Workers: w, Seconds: total.Seconds()}
		if total > 0 {
			s.Speedup = one.Seconds() / total.Seconds()
		}
		if txs > 0 {
			s.Rerun = float64(rerun) / float64(txs)
		}
		out = append(out, s)
	}
	return out
}
