package chain

import (
	"context"
	"fmt"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/hybridvm/hybridvm/state"
)

// Scaling beyond the cores at hand: a block's transactions are profiled
// (each one's execution time and the earlier transactions whose writes it
// read), and the parallel executor's schedule is simulated with any number of
// workers from that profile (Simulate).

// TxProfile is one transaction's measured execution time and the earlier
// transactions of its block it depends on (it read what they wrote).
type TxProfile struct {
	Cost time.Duration
	Deps []int
	// Commit is what committing it took (applying its writes, its receipt).
	Commit time.Duration
}

// Profile executes block's transactions on st one after another, each in a
// view applied before the next (the parallel path's work without its
// concurrency), and returns each one's profile and the block's result. The
// system calls and withdrawals run too, so st ends as Process leaves it.
func (p *Processor) Profile(block *types.Block, st *state.State, getHash func(uint64) common.Hash) ([]TxProfile, *Result, error) {
	saved := p.cfg
	p.cfg.Workers, p.cfg.AlwaysParallel = 2, true
	p.profiling = &profiler{last: map[state.Key]int{}}
	defer func() { p.cfg, p.profiling = saved, nil }()
	res, err := p.ProcessContext(context.Background(), block, st, getHash)
	if err != nil {
		return nil, nil, err
	}
	return p.profiling.txs, res, nil
}

// profiler collects the profiles while a block runs with Profile.
type profiler struct {
	txs  []TxProfile
	last map[state.Key]int // the last transaction that wrote each key
}

// record adds transaction i's profile from its view (before Apply).
func (pr *profiler) record(base *state.Base, v *state.State, cost time.Duration) {
	i := len(pr.txs)
	reads, writes := base.Footprint(v)
	deps := map[int]bool{}
	for _, k := range reads {
		if j, ok := pr.last[k]; ok {
			deps[j] = true
		}
		if j, ok := pr.last[state.Key{Addr: k.Addr, Field: state.FieldExistence}]; ok {
			deps[j] = true
		}
	}
	prof := TxProfile{Cost: cost}
	for j := range deps {
		prof.Deps = append(prof.Deps, j)
	}
	for _, k := range writes {
		pr.last[k] = i
	}
	pr.txs = append(pr.txs, prof)
}

// Simulate returns how long the parallel executor would take over txs with
// the given number of workers, and how many transactions it would run again.
// The model is the executor's: workers take transactions in order, at most
// lookahead past the next to commit; the committer commits in order, each
// commit costing the transaction's Commit plus commit; a transaction that started before one it depends on
// was committed saw a stale value and runs again on the committer. Its
// assumptions: costs are those measured sequentially (no slowdown from cache
// or memory contention, no scheduling delay), and a dependency always makes
// the stale run fail validation (a transaction that read a value its
// predecessor rewrote unchanged would in fact pass).
func Simulate(txs []TxProfile, workers int, commit time.Duration, lookahead int) (time.Duration, int) {
	if workers < 1 {
		panic(fmt.Sprintf("BUG: chain: Simulate with %d workers", workers))
	}
	n := len(txs)
	if workers == 1 {
		var total time.Duration
		for _, t := range txs {
			total += t.Cost + t.Commit + commit
		}
		return total, 0
	}
	start := make([]time.Duration, n)
	finish := make([]time.Duration, n)
	committedAt := make([]time.Duration, n)
	free := make([]time.Duration, workers-1) // the workers besides the committer
	var clock time.Duration                  // the committer's time
	next, rerun := 0, 0
	for i := range n {
		// Workers take every transaction they may before the committer
		// reaches i (their window: lookahead past the last commit).
		for next < n && next <= i+lookahead {
			w := 0
			for k := range free {
				if free[k] < free[w] {
					w = k
				}
			}
			// A worker may not start a transaction beyond the window until
			// the commit that opens it.
			at := free[w]
			if gate := next - lookahead - 1; gate >= 0 && gate < i && committedAt[gate] > at {
				at = committedAt[gate]
			}
			if next == i && at > clock {
				break // the committer gets there first and runs it itself
			}
			start[next], finish[next] = at, at+txs[next].Cost
			free[w] = finish[next]
			next++
		}
		if next == i { // nobody took it: the committer runs it
			start[i] = clock
			finish[i] = clock + txs[i].Cost
			next++
		}
		done := max(clock, finish[i])
		for _, d := range txs[i].Deps {
			if committedAt[d] > start[i] {
				rerun++
				done += txs[i].Cost // run again, on the committer
				break
			}
		}
		clock = done + txs[i].Commit + commit
		committedAt[i] = clock
	}
	return clock, rerun
}
