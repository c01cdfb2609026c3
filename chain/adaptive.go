package chain

import "time"

// adaptive decides whether a block's transactions run in parallel. Results
// are the same either way: this only decides speed, from two measurements.
//
//   - Conflicts. When most of what the workers ran had to run again (a chain of
//     dependent transactions: one hot contract, one sender), the parallel path
//     only adds its bookkeeping to the sequential work, so the next blocks run
//     sequentially; parallel execution is tried again after a pause that
//     doubles while the conflicts last.
//   - Throughput. Parallel execution can be slower even without conflicts:
//     when transactions are so cheap that committing them in order and moving
//     them between cores costs as much as running them, or when the cores are
//     busy with something else (the garbage collector, the next block's sender
//     recovery, other processes). So the processor times both paths, in
//     nanoseconds of execution per gas, and runs the faster one; every
//     probeEvery blocks it runs one block the other way, so that a change of
//     workload or of load on the machine is noticed.
type adaptive struct {
	skip  int // blocks still to run sequentially (conflicts)
	pause int // the next pause, in blocks

	// nsPerGas is each path's recent cost, a moving average ([0]
	// sequential, [1] parallel; 0: not measured yet), and since counts the
	// blocks since the slower path last ran.
	nsPerGas [2]float64
	since    int
}

const (
	// conflictShare is the share of speculative runs that re-ran above which a
	// block counts as dependent.
	conflictShare = 0.5
	// minSpeculative is the number of speculative runs below which a block
	// says nothing either way.
	minSpeculative = 8
	minPause       = 2
	maxPause       = 64

	// probeEvery is how often the slower path runs a block to be measured
	// again; minTimedGas is the gas below which a block is too small to time.
	probeEvery  = 16
	minTimedGas = 1_000_000
	// ewmaWeight is the weight of a new measurement in the moving average.
	ewmaWeight = 0.25
)

// Why the next block runs sequentially although workers are configured.
const (
	seqNone      = iota // it runs in parallel
	seqConflicts        // the last parallel block's transactions depended on each other
	seqFaster           // sequential execution has been faster
)

// choose reports how the next block runs: seqNone for parallel, or why not.
func (a *adaptive) choose() int {
	if a.skip > 0 {
		a.skip--
		return seqConflicts
	}
	switch {
	case a.nsPerGas[1] == 0:
		return seqNone // measure the parallel path first
	case a.nsPerGas[0] == 0:
		return seqFaster // then the sequential one
	}
	faster := seqNone
	if a.nsPerGas[0] < a.nsPerGas[1] {
		faster = seqFaster
	}
	if a.since++; a.since >= probeEvery {
		a.since = 0
		if faster == seqNone {
			return seqFaster
		}
		return seqNone
	}
	return faster
}

// clock starts timing a block's transactions, gasUsed the block's gas before
// them; the function it returns records the time when they are done.
func (a *adaptive) clock(gasUsed uint64) func(parallel bool, gasUsed uint64) {
	began := time.Now()
	return func(parallel bool, after uint64) { a.timed(parallel, after-gasUsed, time.Since(began)) }
}

// timed records how long a block's transactions took on one path.
func (a *adaptive) timed(parallel bool, gas uint64, d time.Duration) {
	if gas < minTimedGas || d <= 0 {
		return
	}
	i := 0
	if parallel {
		i = 1
	}
	v := float64(d) / float64(gas)
	if a.nsPerGas[i] == 0 {
		a.nsPerGas[i] = v
	} else {
		a.nsPerGas[i] += ewmaWeight * (v - a.nsPerGas[i])
	}
}

// record learns from a block that ran in parallel.
func (a *adaptive) record(ps *ParallelStats) {
	if ps.Speculative < minSpeculative {
		return
	}
	if float64(ps.Reexecuted) > conflictShare*float64(ps.Speculative) {
		a.pause = min(max(2*a.pause, minPause), maxPause)
		a.skip = a.pause
		return
	}
	a.pause = 0
}
