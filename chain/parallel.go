package chain

import (
	"context"
	"fmt"
	goruntime "runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/hybridvm/hybridvm/host"
	"github.com/hybridvm/hybridvm/runtime"
	"github.com/hybridvm/hybridvm/state"
)

// Parallel execution of a block's transactions (optimistic concurrency).
//
// Workers take transactions in block order from a shared counter and run each
// in its own view of the block's state (state.Base): what the earlier
// transactions committed so far, plus nothing of the ones still running. The
// caller's goroutine is the committer: it goes through the transactions in
// order, validates each finished one against the state as the earlier ones
// left it (state.Base.Validate) and applies it (Apply), or runs it again when a
// value it observed has changed since. When the committer reaches a
// transaction no worker has taken, it runs it itself; a view it runs is valid
// by construction. So the result is the sequential one, whatever the timing.

// minParallelTxs is the block size below which transactions run one after
// another: a few transactions do not pay for starting the workers.
const minParallelTxs = 4

// lookaheadPerWorker bounds how far past the next transaction to commit the
// workers run, per worker.
const lookaheadPerWorker = 16

// workerChunk is how many transactions a worker takes at once.
const workerChunk = 4

// backoff waits a little for other goroutines to make progress: it yields the
// processor at first, then sleeps. idle counts the waits so far. (The
// committer uses it while a worker finishes the transaction it needs next.)
func backoff(idle int) int {
	if idle < 256 {
		goruntime.Gosched()
	} else {
		time.Sleep(5 * time.Microsecond)
	}
	return idle + 1
}

// waker parks workers that have nothing to take until the committer moves on.
type waker struct {
	waiting atomic.Int32
	ch      chan struct{}
}

func newWaker(workers int) *waker { return &waker{ch: make(chan struct{}, workers)} }

// wait parks the caller until the next wake (a wake that came just before is
// not lost: it left a token in the channel).
func (w *waker) wait() {
	w.waiting.Add(1)
	<-w.ch
	w.waiting.Add(-1)
}

// wake unparks the waiting workers, if any (one atomic load when none is).
func (w *waker) wake() {
	for n := w.waiting.Load(); n > 0; n-- {
		select {
		case w.ch <- struct{}{}:
		default:
			return
		}
	}
}

// ParallelStats says how a block's transactions ran in parallel.
type ParallelStats struct {
	// Workers is the number of goroutines that executed transactions (the
	// committer included); zero when the block ran sequentially.
	Workers int
	// Paused is set when the block ran sequentially although workers are
	// configured, because the last parallel block's transactions mostly
	// depended on each other; Slower, because sequential execution has been
	// the faster on recent blocks (adaptive.go).
	Paused bool
	Slower bool
	// Speculative counts transactions executed by workers ahead of the commit;
	// Reexecuted counts those that had to run again, and Conflicts names the
	// first changed value each of them had observed (for example "balance
	// 0x…" or "slot 0x…[0x…]"), by transaction index.
	Speculative int
	Reexecuted  int
	Conflicts   []Conflict
}

// Conflict is one re-executed transaction and the reason.
type Conflict struct {
	Tx  int    `json:"tx"`
	Key string `json:"key"`
}

// parallel reports whether a block of n transactions may run in parallel.
func (p *Processor) parallel(n int) bool {
	return p.cfg.Workers > 1 && (n >= minParallelTxs || p.cfg.AlwaysParallel && n > 0)
}

// specTx is one transaction of a parallel block.
type specTx struct {
	claimed atomic.Bool
	done    atomic.Bool
	view    *state.State
	rc      runtime.Receipt
	receipt *types.Receipt // drafted by whoever ran it (receiptBuilder.draft)
	blobGas uint64
	err     error
}

// worker is one executing goroutine: its runtime per fork, and a block context
// of its own (its gas counters count only the transaction it runs).
type worker struct {
	runtimes map[host.Fork]*runtime.Runtime
	blk      runtime.Block
	tx       runtime.Transaction
}

// workerRuntime returns w's runtime for fork f, made on first use.
func (p *Processor) workerRuntime(w *worker, f host.Fork) (*runtime.Runtime, error) {
	if r, ok := w.runtimes[f]; ok {
		return r, nil
	}
	rc, err := p.cfg.Runtime(f)
	if err != nil {
		return nil, fmt.Errorf("chain: runtime for %v: %w", f, err)
	}
	rc.Fork = f
	r, err := runtime.New(rc, state.New())
	if err != nil {
		return nil, fmt.Errorf("chain: runtime for %v: %w", f, err)
	}
	p.mu.Lock()
	w.runtimes[f] = r
	p.mu.Unlock()
	return r, nil
}

// execute runs transaction i in a fresh view of base on w, recording the
// outcome in t. A panic in an engine becomes the transaction's error (the
// committer then runs it again itself, where the panic is the caller's).
//
// A worker's run (blk nil) counts only its own gas against the block's limits;
// the committer's (blk the block) counts what the earlier transactions used, so
// its outcome is exactly the sequential one, errors included.
func (p *Processor) execute(w *worker, r *runtime.Runtime, base *state.Base, pool *viewPool, rb *receiptBuilder, txs types.Transactions, senders []common.Address, i int, t *specTx, blk *runtime.Block) {
	defer func() {
		if v := recover(); v != nil {
			t.err = fmt.Errorf("panic: %v", v)
		}
	}()
	t.view = pool.get(base)
	t.err = toRuntimeTx(txs[i], senders[i], &w.tx)
	if t.err != nil {
		return
	}
	r.UseState(t.view)
	if blk != nil {
		w.blk = *blk
	} else {
		w.blk.GasUsed, w.blk.BlobGasUsed = 0, 0
	}
	blobBefore := w.blk.BlobGasUsed
	t.rc, t.err = r.ApplyTransaction(&w.tx, &w.blk)
	t.blobGas = w.blk.BlobGasUsed - blobBefore
	if t.err == nil {
		t.receipt = rb.draft(i, txs[i], senders[i], &t.rc, t.blobGas)
	}
}

// viewPool recycles views between transactions.
type viewPool struct {
	mu    sync.Mutex
	views []*state.State
}

func (vp *viewPool) get(base *state.Base) *state.State {
	vp.mu.Lock()
	defer vp.mu.Unlock()
	if n := len(vp.views); n > 0 {
		v := vp.views[n-1]
		vp.views = vp.views[:n-1]
		base.ResetView(v)
		return v
	}
	return base.NewView()
}

func (vp *viewPool) put(v *state.State) {
	if v == nil {
		return
	}
	vp.mu.Lock()
	vp.views = append(vp.views, v)
	vp.mu.Unlock()
}

// runParallel executes txs on st with p.cfg.Workers goroutines (the caller's
// included) and appends their receipts to res, with the sequential result.
func (p *Processor) runParallel(ctx context.Context, fork host.Fork, st *state.State, blk *runtime.Block, txs types.Transactions, senders []common.Address, rb *receiptBuilder, res *Result) error {
	n := len(txs)
	nw := min(p.cfg.Workers, n)
	if p.profiling != nil {
		nw = 1 // Profile: the committer runs every transaction, timed alone
	}
	p.mu.Lock()
	for len(p.workers) < nw {
		p.workers = append(p.workers, &worker{runtimes: map[host.Fork]*runtime.Runtime{}})
	}
	p.mu.Unlock()
	runtimes := make([]*runtime.Runtime, nw)
	for i := range nw {
		r, err := p.workerRuntime(p.workers[i], fork)
		if err != nil {
			return err
		}
		runtimes[i] = r
		p.workers[i].blk = *blk
	}
	base := state.NewBase(st)
	pool := &p.views
	specs := make([]specTx, n)
	// Transactions are taken in order, at most lookahead past the next to
	// commit: the further ahead a view runs, the more of what it reads is
	// still to be written by the transactions in between.
	lookahead := int64(lookaheadPerWorker * nw)
	if p.speculateAll {
		lookahead = int64(n)
	}
	var next, committed atomic.Int64
	var stop atomic.Bool
	claim := func() int {
		for {
			i := next.Load()
			if i >= int64(n) || i > committed.Load()+lookahead {
				return -1
			}
			if next.CompareAndSwap(i, i+1) && specs[i].claimed.CompareAndSwap(false, true) {
				return int(i)
			}
		}
	}
	// claimRange takes up to k transactions at once for a worker: one
	// exchange of next per chunk rather than per transaction.
	claimRange := func(k int64) (int64, int64) {
		for {
			i := next.Load()
			limit := min(int64(n), committed.Load()+lookahead+1)
			if i >= limit {
				return 0, 0
			}
			m := min(k, limit-i)
			if next.CompareAndSwap(i, i+m) {
				return i, m
			}
		}
	}
	wake := newWaker(nw)
	var wg sync.WaitGroup
	for w := 1; w < nw; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for spins := 0; !stop.Load() && next.Load() < int64(n); {
				first, m := claimRange(workerChunk)
				if m == 0 {
					// Too far ahead of the commit: spin a little, then park.
					if spins++; spins < 1024 {
						goruntime.Gosched()
					} else {
						wake.wait()
						spins = 0
					}
					continue
				}
				spins = 0
				for i := first; i < first+m; i++ {
					if specs[i].claimed.CompareAndSwap(false, true) {
						p.execute(p.workers[w], runtimes[w], base, pool, rb, txs, senders, int(i), &specs[i], nil)
						specs[i].done.Store(true)
					}
				}
			}
		}()
	}
	// The workers must be gone before the caller touches st again.
	defer func() {
		stop.Store(true)
		for range nw { // unpark every worker
			select {
			case wake.ch <- struct{}{}:
			default:
			}
		}
		wg.Wait()
		for i := range specs {
			pool.put(specs[i].view)
			specs[i].view = nil
		}
	}()

	stats := &ParallelStats{Workers: nw}
	me, mine := p.workers[0], runtimes[0]
	if p.speculateAll { // tests: every transaction runs against the block's start first
		for i := range specs {
			for !specs[i].done.Load() {
				if j := claim(); j >= 0 {
					p.execute(me, mine, base, pool, rb, txs, senders, j, &specs[j], nil)
					specs[j].done.Store(true)
				} else {
					backoff(0)
				}
			}
		}
	}
	for i, tx := range txs {
		t := &specs[i]
		valid := false
		if t.claimed.CompareAndSwap(false, true) {
			// Nobody took it: run it here, on the state as it now is.
			next.CompareAndSwap(int64(i), int64(i+1))
			began := time.Now()
			p.execute(me, mine, base, pool, rb, txs, senders, i, t, blk)
			if p.profiling != nil && t.err == nil {
				p.profiling.record(base, t.view, time.Since(began))
			}
			valid = t.err == nil
		} else {
			// A worker has it: run later ones meanwhile rather than wait idle.
			for idle := 0; !t.done.Load(); {
				if j := claim(); j >= 0 {
					p.execute(me, mine, base, pool, rb, txs, senders, j, &specs[j], nil)
					specs[j].done.Store(true)
					idle = 0
				} else {
					idle = backoff(idle)
				}
			}
			stats.Speculative++
			conflict := "transaction invalid"
			if t.err == nil {
				conflict = base.Validate(t.view)
			}
			// The block's own counters: the worker saw none of the earlier
			// transactions' gas.
			if conflict == "" && (blk.GasUsed > blk.GasLimit || tx.Gas() > blk.GasLimit-blk.GasUsed || blobOver(fork, blk, t.blobGas)) {
				conflict = "block gas"
			}
			if conflict == "" {
				valid = true
			} else {
				stats.Reexecuted++
				stats.Conflicts = append(stats.Conflicts, Conflict{Tx: i, Key: conflict})
				pool.put(t.view)
				p.execute(me, mine, base, pool, rb, txs, senders, i, t, blk)
				valid = t.err == nil
			}
		}
		if err := ctx.Err(); err != nil { // its run may have been stopped
			return err
		}
		if !valid {
			if t.err == nil {
				panic("BUG: chain: a transaction run by the committer is not valid")
			}
			return txError(i, tx, t.err)
		}
		applied := time.Now()
		base.Apply(t.view)
		blk.GasUsed += t.rc.GasUsed
		blk.BlobGasUsed += t.blobGas
		rb.finish(t.receipt, blk.GasUsed)
		res.Receipts = append(res.Receipts, t.receipt)
		t.receipt = nil
		if p.profiling != nil {
			p.profiling.txs[len(p.profiling.txs)-1].Commit = time.Since(applied)
		}
		pool.put(t.view)
		t.view = nil
		committed.Store(int64(i + 1))
		wake.wake()
	}
	res.Parallel = stats
	p.adapt.record(stats)
	return nil
}

// blobOver reports whether blob gas more than the block has left.
func blobOver(fork host.Fork, blk *runtime.Block, blobGas uint64) bool {
	limit := uint64(runtime.MaxBlobsPerBlock(fork)) * runtime.BlobGasPerBlob
	return blk.BlobGasUsed > limit || blobGas > limit-blk.BlobGasUsed
}
