package chain

import (
	"fmt"
	rt "runtime"
	"sync"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
)

// parallelSenders is the number of transactions below which senders are
// recovered on the calling goroutine (a signature takes ~25 µs: a few do not
// pay for the goroutines).
const parallelSenders = 8

// RecoverSenders recovers the sender of every transaction with signer, in
// parallel over GOMAXPROCS goroutines. go-ethereum caches the sender in the
// transaction, so later types.Sender calls are free. The error names the first
// transaction (by index) whose signature is invalid.
func RecoverSenders(signer types.Signer, txs types.Transactions) ([]common.Address, error) {
	out := make([]common.Address, len(txs))
	errs := make([]error, len(txs))
	workers := min(rt.GOMAXPROCS(0), len(txs))
	if len(txs) < parallelSenders {
		workers = 1
	}
	recoverRange := func(w int) {
		for i := w; i < len(txs); i += workers {
			out[i], errs[i] = types.Sender(signer, txs[i])
		}
	}
	if workers <= 1 {
		recoverRange(0)
	} else {
		var wg sync.WaitGroup
		for w := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				recoverRange(w)
			}()
		}
		wg.Wait()
	}
	for i, err := range errs {
		if err != nil {
			return nil, fmt.Errorf("%w: transaction %d (%s): %v", ErrInvalidSender, i, txs[i].Hash().Hex(), err)
		}
	}
	return out, nil
}
