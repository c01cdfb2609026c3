package replay

import (
	"context"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/hybridvm/hybridvm/chain"
)

// Options.OverlapRoot: a block's state root is hashed on another goroutine
// (state.State.BeginRoot) while the next block executes. The block stays
// pending until the next Import has executed its own block, or until Flush;
// only then is it validated, counted and reported. A pending block whose root
// does not match is still the block the error names, and the head goes back
// to its parent so that TraceBlock can re-execute it.

// pendingRoot is a block executed and not yet validated: its state root is
// being computed while the next block executes.
type pendingRoot struct {
	block  *types.Block
	parent *types.Header // the head before it
	res    *chain.Result
	root   func() common.Hash
	split  Split // its times so far
}

// Flush validates the state root of the last block imported with
// Options.OverlapRoot (a no-op otherwise, or when it is done).
func (r *Replayer) Flush() error {
	if _, failed, err := r.settle(); err != nil {
		return r.fail(context.Background(), failed, err)
	}
	return nil
}

// settle waits for the pending block's root, if there is one, counting the wait
// as state root time, and validates and records the block. It returns the time
// it took and, on failure, the block that failed; the head then goes back to
// that block's parent (the state does not).
func (r *Replayer) settle() (time.Duration, *types.Block, error) {
	p := r.pending
	if p == nil {
		return 0, nil, nil
	}
	r.pending = nil
	t := time.Now()
	root := p.root()
	waited := time.Since(t)
	r.stats.Split.StateRoot += waited.Seconds()
	r.stats.Seconds += waited.Seconds()
	if err := chain.ValidateResult(p.block, p.res, root); err != nil {
		r.parent = p.parent
		return waited, p.block, err
	}
	r.record(p.block, p.res, root, p.split)
	return waited, nil, nil
}
