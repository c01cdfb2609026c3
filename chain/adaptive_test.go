package chain

import (
	"testing"
	"time"
)

// TestAdaptiveRunsTheFasterPath: with made-up costs, the policy measures both
// paths, then runs the faster one on all but one block in probeEvery, follows
// a change of which one is faster, and pauses parallel execution after a block
// whose transactions mostly ran again.
func TestAdaptiveRunsTheFasterPath(t *testing.T) {
	var a adaptive
	cost := [2]time.Duration{10 * time.Millisecond, 14 * time.Millisecond} // sequential faster
	run := func(blocks int) (par int) {
		for range blocks {
			p := a.choose() == seqNone
			if p {
				par++
				a.record(&ParallelStats{Speculative: 100})
			}
			i := 0
			if p {
				i = 1
			}
			a.timed(p, 30_000_000, cost[i])
		}
		return par
	}
	if par := run(2); par != 1 {
		t.Fatalf("first two blocks: %d parallel, want one of each path", par)
	}
	if par := run(10 * probeEvery); par != 10 {
		t.Errorf("sequential faster: %d of %d blocks parallel, want one probe per %d", par, 10*probeEvery, probeEvery)
	}
	cost = [2]time.Duration{14 * time.Millisecond, 8 * time.Millisecond} // now parallel is faster
	run(2 * probeEvery)                                                  // the probes notice
	if par := run(10 * probeEvery); par != 10*probeEvery-10 {
		t.Errorf("parallel faster: %d of %d blocks parallel, want all but one per %d", par, 10*probeEvery, probeEvery)
	}
	// Conflicts pause the parallel path whatever its speed.
	a.record(&ParallelStats{Speculative: 100, Reexecuted: 90})
	for i := range minPause {
		if c := a.choose(); c != seqConflicts {
			t.Fatalf("block %d after a conflict storm: choice %d, want a pause", i, c)
		}
	}
	// Small blocks are not timed.
	before := a.nsPerGas
	a.timed(true, minTimedGas-1, time.Second)
	if a.nsPerGas != before {
		t.Error("a block below minTimedGas changed the estimate")
	}
}
