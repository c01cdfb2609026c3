package chain

// adaptive decides whether a block's transactions run in parallel, from how the
// last parallel block went. When most of what the workers ran had to run again
// (a chain of dependent transactions: one hot contract, one sender), the
// parallel path only adds its bookkeeping to the sequential work, so the next
// blocks run sequentially; parallel execution is tried again after a pause
// that doubles while the conflicts last. The result is the same either way:
// this only decides speed.
type adaptive struct {
	skip  int // blocks still to run sequentially
	pause int // the next pause, in blocks
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
)

// parallel reports whether the next block runs in parallel.
func (a *adaptive) parallel() bool {
	if a.skip > 0 {
		a.skip--
		return false
	}
	return true
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
