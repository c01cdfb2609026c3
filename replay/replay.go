// Package replay imports a chain block by block onto one state, validating every
// block against its header (chain's validator) and timing where the time goes:
// sender recovery, execution, state root, the rest. It is what `hybridvm replay` runs.
//
// The state is the embedded in-memory one (New) or go-ethereum's on-disk database
// (OpenDisk, disk.go), where a replay can stop and resume. With Options.TraceBad, a
// block that fails is executed again from its parent's state with an EIP-3155
// tracer (tracebad.go). With Options.OverlapRoot, each block's state root is
// hashed while the next block executes (overlap.go).
//
// It imports chain, codecache, evm, host, internal/engines, machine, riscvengine, runtime, state and state/gethstate.
package replay

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/hybridvm/hybridvm/chain"
	"github.com/hybridvm/hybridvm/codecache"
	"github.com/hybridvm/hybridvm/internal/engines"
	"github.com/hybridvm/hybridvm/machine"
	"github.com/hybridvm/hybridvm/riscvengine"
	"github.com/hybridvm/hybridvm/state"
)

// Options configure a replay.
type Options struct {
	// Engine runs RISC-V code.
	Engine machine.Engine
	// CodeCache, when set, keeps native code on disk (machine.Cache.SetDisk).
	CodeCache *codecache.Dir
	// Progress, when set, is called after every block.
	Progress func(Stats)
	// Workers executes each block's transactions on this many goroutines
	// (chain's parallel execution); zero or one is sequential.
	Workers int
	// AlwaysParallel never pauses the parallel path (chain.Config.AlwaysParallel).
	AlwaysParallel bool
	// Profile executes each block through chain.Processor.Profile (in memory
	// only), keeping every transaction's cost and dependencies for Simulate.
	Profile bool
	// BlockStats, when set, is called after every block with how its
	// transactions ran in parallel (nil for a block that ran sequentially).
	BlockStats func(number uint64, txs int, ps *chain.ParallelStats)
	// TraceBad, when set, receives the EIP-3155 trace of the block that fails
	// validation or carries an invalid transaction (see TraceBlock).
	TraceBad io.Writer
	// FlushInterval is how often (OpenDisk only) the state is written through to
	// disk; zero means DefaultFlushInterval.
	FlushInterval time.Duration
	// OverlapRoot hashes each block's state root on another goroutine while
	// the next block executes (in memory, without Profile; state.BeginRoot).
	// Import then validates a block's root when the next block has run, and
	// Flush the last block's: the caller must call Flush after the last Import.
	OverlapRoot bool
}

// Stats is what a replay did and where its time went (seconds).
type Stats struct {
	Blocks        int     `json:"blocks"`
	Transactions  int     `json:"transactions"`
	GasUsed       uint64  `json:"gasUsed"`
	Seconds       float64 `json:"seconds"`
	MgasPerSecond float64 `json:"mgasPerSecond"`
	Split         Split   `json:"split"`
	// Head is the last block imported, Root its state root.
	Head uint64      `json:"head"`
	Root common.Hash `json:"stateRoot"`
	// Workers is the parallel worker count (1: sequential); Speculative and
	// Reexecuted count transactions run ahead of their commit and those that
	// had to run again.
	Workers     int `json:"workers"`
	Speculative int `json:"speculative"`
	Reexecuted  int `json:"reexecuted"`
	// Skipped counts the blocks Import skipped because the datadir had them.
	Skipped int `json:"skipped,omitempty"`
}

// Split divides a replay's time.
type Split struct {
	Senders   float64 `json:"senderRecovery"`
	Execution float64 `json:"execution"`
	StateRoot float64 `json:"stateRoot"`
	Other     float64 `json:"other"`
}

// Genesis reads a go-ethereum genesis file: the chain configuration, the genesis
// header, and the state its alloc describes (checked against the header's root).
func Genesis(data []byte) (*core.Genesis, *state.State, error) {
	var g core.Genesis
	if err := json.Unmarshal(data, &g); err != nil {
		return nil, nil, fmt.Errorf("genesis: %w", err)
	}
	if g.Config == nil || g.Config.ChainID == nil {
		return nil, nil, errors.New("genesis: no config with a chain id")
	}
	var raw struct {
		Alloc json.RawMessage `json:"alloc"`
	}
	if err := json.Unmarshal(data, &raw); err != nil || len(raw.Alloc) == 0 {
		return nil, nil, fmt.Errorf("genesis: no alloc (%v)", err)
	}
	st, err := state.ParseAlloc(raw.Alloc)
	if err != nil {
		return nil, nil, fmt.Errorf("genesis alloc: %w", err)
	}
	head := g.ToBlock().Header()
	if root := st.Root(); root != head.Root {
		return nil, nil, fmt.Errorf("genesis: the alloc's state root is %x, the genesis header's %x", root, head.Root)
	}
	return &g, st, nil
}

// Replayer imports blocks onto one state.
type Replayer struct {
	opts   Options
	proc   *chain.Processor
	st     *state.State // the in-memory state; nil with disk
	disk   *disk        // the on-disk state (OpenDisk); nil in memory
	bad    *memTrace    // what TraceBad needs in memory; nil when not tracing
	parent *types.Header
	hashes map[uint64]common.Hash // the last 256 block hashes, for BLOCKHASH
	stats  Stats
	// prefetched holds the blocks whose senders are being recovered in the
	// background (prefetch.go).
	prefetched map[*types.Block]chan struct{}
	// profiles holds each block's transaction profiles (Options.Profile).
	profiles [][]chain.TxProfile
	// pending is the block whose root is being hashed (Options.OverlapRoot).
	pending *pendingRoot
}

// New starts a replay at genesis g with its state st (which the replayer changes),
// held in memory.
func New(g *core.Genesis, st *state.State, opts Options) (*Replayer, error) {
	cache := machine.NewCache(riscvengine.DefaultImageCacheSize)
	cache.SetDisk(opts.CodeCache)
	proc, err := chain.NewProcessor(chain.Config{Chain: g.Config, Workers: opts.Workers, AlwaysParallel: opts.AlwaysParallel,
		Runtime: engines.Runtimes(opts.Engine, cache)})
	if err != nil {
		return nil, err
	}
	head := g.ToBlock().Header()
	r := &Replayer{opts: opts, proc: proc, st: st, parent: head, hashes: map[uint64]common.Hash{0: head.Hash()},
		stats: Stats{Workers: max(opts.Workers, 1)}}
	if opts.TraceBad != nil && st != nil {
		r.bad = &memTrace{genesis: st.Copy()}
	}
	return r, nil
}

// Stats returns the counters so far.
func (r *Replayer) Stats() Stats { return r.stats }

// Import validates and executes block on the head. A block that does not follow the
// head or does not match its header stops the replay: the error names the block and
// the field, with what the header says and what execution gave. The in-memory
// state is then left partly changed; the on-disk one is left at the parent. With a
// datadir, a block already stored is skipped.
//
// With Options.OverlapRoot the block's state root is validated by the next
// Import (whose error then names this block) or by Flush.
func (r *Replayer) Import(ctx context.Context, block *types.Block) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	known, err := r.known(block)
	if err == nil && known {
		r.stats.Skipped++
		delete(r.prefetched, block)
		return nil
	}
	failed := block
	if err == nil {
		failed, err = r.importBlock(ctx, block)
	}
	if err != nil {
		if failed == block {
			// The block before it, if not validated yet, fails first.
			if _, prev, perr := r.settle(); perr != nil {
				return r.fail(ctx, prev, perr)
			}
		}
		return r.fail(ctx, failed, err)
	}
	return nil
}

// fail names the block that failed in err and traces it (Options.TraceBad).
func (r *Replayer) fail(ctx context.Context, block *types.Block, err error) error {
	err = fmt.Errorf("block %d (%s): %w", block.NumberU64(), block.Hash().Hex(), err)
	if r.opts.TraceBad != nil && ctx.Err() == nil { // a stopped block is not a bad one
		if terr := r.TraceBlock(r.opts.TraceBad, block, err); terr != nil {
			err = fmt.Errorf("%w (tracing it failed: %v)", err, terr)
		}
	}
	return err
}

// importBlock imports block; on failure it returns the block that failed (the
// previous one when its overlapped root did not match).
func (r *Replayer) importBlock(ctx context.Context, block *types.Block) (*types.Block, error) {
	start := time.Now()
	header := block.Header()
	cfg := r.proc.ChainConfig()
	if want := r.parent.Hash(); header.ParentHash != want {
		return block, fmt.Errorf("%w: parent hash %x, the head (block %d) is %x", chain.ErrUnknownParent, header.ParentHash, r.parent.Number.Uint64(), want)
	}
	if err := chain.VerifyHeader(cfg, r.parent, header); err != nil {
		return block, err
	}
	if err := chain.ValidateBody(cfg, block); err != nil {
		return block, err
	}
	if err := chain.ValidateTxRoot(block); err != nil {
		return block, err
	}
	t0 := time.Now()
	// Senders first, in parallel (the transactions cache them for Process),
	// unless Prefetch has done it in the background.
	r.awaitPrefetch(block)
	signer := types.MakeSigner(cfg, header.Number, header.Time)
	if _, err := chain.RecoverSenders(signer, block.Transactions()); err != nil {
		return block, err
	}
	t1 := time.Now()
	db, err := r.blockState(header)
	if err != nil {
		return block, err
	}
	var res *chain.Result
	if r.opts.Profile && r.st != nil {
		var prof []chain.TxProfile
		prof, res, err = r.proc.Profile(block, r.st, r.blockHash)
		r.profiles = append(r.profiles, prof)
	} else {
		res, err = r.proc.ProcessContext(ctx, block, db, r.blockHash)
	}
	if err != nil {
		return block, err
	}
	t2 := time.Now()
	// The previous block's root, hashed while this block executed.
	settled, prev, err := r.settle()
	if err != nil {
		return prev, err
	}
	split := Split{Senders: t1.Sub(t0).Seconds(), Execution: t2.Sub(t1).Seconds()}
	if r.opts.OverlapRoot && r.disk == nil && !r.opts.Profile {
		t3 := time.Now()
		p := &pendingRoot{block: block, parent: r.parent, res: res, root: r.st.BeginRoot()}
		t4 := time.Now()
		split.StateRoot = t4.Sub(t3).Seconds()
		split.Other = t4.Sub(start).Seconds() - split.Senders - split.Execution - split.StateRoot - settled.Seconds()
		p.split = split
		r.pending = p
		r.advance(block)
		return nil, nil
	}
	t3 := time.Now()
	root := r.stateRoot()
	if err := chain.ValidateResult(block, res, root); err != nil {
		return block, err
	}
	// With a datadir the commit counts as state root time.
	if err := r.commit(block, root); err != nil {
		return block, err
	}
	t5 := time.Now()
	split.StateRoot = t5.Sub(t3).Seconds()
	split.Other = t5.Sub(start).Seconds() - split.Senders - split.Execution - split.StateRoot - settled.Seconds()
	r.advance(block)
	r.record(block, res, root, split)
	return nil, nil
}

// advance makes block the head for the blocks that follow.
func (r *Replayer) advance(block *types.Block) {
	n := block.NumberU64()
	r.hashes[n] = block.Hash()
	delete(r.hashes, n-256)
	r.parent = block.Header()
}

// record counts a validated block in the stats and calls the per-block
// callbacks.
func (r *Replayer) record(block *types.Block, res *chain.Result, root common.Hash, split Split) {
	if r.bad != nil {
		r.bad.blocks = append(r.bad.blocks, block)
	}
	s := &r.stats
	s.Blocks++
	s.Transactions += len(block.Transactions())
	s.GasUsed += res.GasUsed
	s.Split.Senders += split.Senders
	s.Split.Execution += split.Execution
	s.Split.StateRoot += split.StateRoot
	s.Split.Other += split.Other
	s.Seconds += split.Senders + split.Execution + split.StateRoot + split.Other
	s.Head, s.Root = block.NumberU64(), root
	if ps := res.Parallel; ps != nil {
		s.Speculative += ps.Speculative
		s.Reexecuted += ps.Reexecuted
	}
	if s.Seconds > 0 {
		s.MgasPerSecond = float64(s.GasUsed) / 1e6 / s.Seconds
	}
	if r.opts.BlockStats != nil {
		r.opts.BlockStats(block.NumberU64(), len(block.Transactions()), res.Parallel)
	}
	if r.opts.Progress != nil {
		r.opts.Progress(*s)
	}
}

// blockHash answers BLOCKHASH from the last 256 blocks.
func (r *Replayer) blockHash(n uint64) common.Hash { return r.hashes[n] }
