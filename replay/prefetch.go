package replay

import (
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/hybridvm/hybridvm/chain"
)

// Prefetch starts recovering the senders of block in the background, so that
// the recovery overlaps the execution of the blocks before it (go-ethereum's
// sender cacher does the same). Import of that block waits for it and finds
// the senders cached in the transactions; a failed recovery is reported there.
// Call it with the next block before importing the current one.
func (r *Replayer) Prefetch(block *types.Block) {
	if r.prefetched == nil {
		r.prefetched = map[*types.Block]chan struct{}{}
	}
	if _, ok := r.prefetched[block]; ok || len(block.Transactions()) == 0 {
		return
	}
	header := block.Header()
	signer := types.MakeSigner(r.proc.ChainConfig(), header.Number, header.Time)
	done := make(chan struct{})
	r.prefetched[block] = done
	go func() {
		defer close(done)
		_, _ = chain.RecoverSenders(signer, block.Transactions()) // errors: at Import
	}()
}

// awaitPrefetch waits for block's background sender recovery, if any.
func (r *Replayer) awaitPrefetch(block *types.Block) {
	if done, ok := r.prefetched[block]; ok {
		<-done
		delete(r.prefetched, block)
	}
}
