package chain

import (
	"context"
	"fmt"
	"math"
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
// the given number of workers (the committer included), and how many
// transactions it would run again. The model is the executor's schedule,
// simulated event by event: workers take transactions in order, one at a time,
// at most lookahead past the next to commit (a worker that may not take one
// waits for the commit that lets it); the committer commits in order, each
// commit costing the transaction's Commit plus commit; a transaction no worker
// has taken when the committer reaches it runs on the committer; while the
// transaction to commit is still running, the committer runs the next one no
// worker has taken, if the window allows; a transaction that started before one
// it depends on was committed saw a stale value and runs again on the committer.
// Its assumptions: costs are those measured one at a time (no slowdown from
// running beside other goroutines: cache traffic, memory contention, the
// collector, scheduling delays), workers take one transaction per claim, and a
// dependency always makes the stale run fail validation (a transaction that
// read a value its predecessor rewrote unchanged would in fact pass).
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
	if lookahead <= 0 {
		lookahead = n
	}
	const parked = time.Duration(math.MaxInt64)
	start := make([]time.Duration, n)
	finish := make([]time.Duration, n)
	taken := make([]bool, n)
	committedAt := make([]time.Duration, n)
	free := make([]time.Duration, workers-1) // the workers besides the committer
	var clock time.Duration                  // the committer's time
	next, rerun := 0, 0
	take := func(k int, at time.Duration) {
		start[k], finish[k], taken[k] = at, at+txs[k].Cost, true
	}
	// gate returns when transaction k may be taken by a worker that is ready at
	// at, given i commits made so far; parked: only after a commit to come.
	gate := func(k, i int, at time.Duration) time.Duration {
		g := k - lookahead - 1
		switch {
		case g < 0:
			return at
		case g >= i:
			return parked
		default:
			return max(at, committedAt[g])
		}
	}
	for i := 0; i < n; {
		w := 0
		for k := range free {
			if free[k] < free[w] {
				w = k
			}
		}
		if free[w] <= clock && next < n {
			// A worker acts first: it takes the next transaction if it may.
			if at := gate(next, i, free[w]); at != free[w] {
				free[w] = at
				continue
			}
			take(next, free[w])
			free[w] = finish[next]
			next++
			continue
		}
		switch {
		case !taken[i]: // nobody took it: the committer runs it
			take(i, clock)
			next = i + 1
			clock = finish[i]
		case finish[i] > clock && next < n && gate(next, i, clock) == clock:
			// While i runs on a worker, the committer runs the next one.
			take(next, clock)
			clock = finish[next]
			next++
			continue
		default:
			clock = max(clock, finish[i])
			for _, d := range txs[i].Deps {
				if committedAt[d] > start[i] {
					rerun++
					clock += txs[i].Cost // run again, on the committer
					break
				}
			}
		}
		clock += txs[i].Commit + commit
		committedAt[i] = clock
		i++
		for k := range free {
			if free[k] == parked {
				free[k] = clock
			}
		}
	}
	return clock, rerun
}
