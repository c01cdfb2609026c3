package runtime

import (
	"sync"
	"testing"

	"github.com/holiman/uint256"

	"github.com/hybridvm/hybridvm/evm"
	"github.com/hybridvm/hybridvm/host"
	"github.com/hybridvm/hybridvm/state"
)

// TestConcurrentRuntimes: many goroutines, each with its own state and runtime,
// share one EVM engine and run the same transactions; all must end in the same
// state (run with -race to check the sharing).
func TestConcurrentRuntimes(t *testing.T) {
	eng, err := evm.New(evm.Config{Fork: host.Cancun})
	if err != nil {
		t.Fatal(err)
	}
	// initcode deploying a contract that counts its calls in slot 0:
	// runtime 5f54600101 5f55 00 = SLOAD(0)+1 → SSTORE(0)
	runtimeCode := []byte{0x5f, 0x54, 0x60, 0x01, 0x01, 0x5f, 0x55, 0x00}
	initcode := append([]byte{0x60, byte(len(runtimeCode)), 0x60, 0x0c, 0x5f, 0x39, 0x60, byte(len(runtimeCode)), 0x5f, 0xf3, 0x00, 0x00}, runtimeCode...)
	const workers, txs = 8, 50
	roots := make([]host.Hash, workers)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			st := state.New()
			from := host.Address{0xaa}
			st.SetBalance(from, uint256.NewInt(1<<60))
			st.FinaliseTx()
			rt, err := New(Config{Fork: host.Cancun, EVM: eng}, st)
			if err != nil {
				t.Error(err)
				return
			}
			blk := &Block{Coinbase: host.Address{0xcb}, Number: 1, GasLimit: 1 << 40, ChainID: *uint256.NewInt(1)}
			tx := &Transaction{Type: LegacyTxType, From: from, Gas: 200_000, Data: initcode}
			tx.GasFeeCap.SetUint64(1)
			tx.GasTipCap.SetUint64(1)
			rc, err := rt.ApplyTransaction(tx, blk)
			if err != nil || rc.Status != host.StatusSuccess {
				t.Errorf("deploy: %v %+v", err, rc)
				return
			}
			c := rc.ContractAddress
			tx.To, tx.Data = &c, nil
			for i := 1; i <= txs; i++ {
				tx.Nonce = uint64(i)
				if rc, err := rt.ApplyTransaction(tx, blk); err != nil || rc.Status != host.StatusSuccess {
					t.Errorf("call %d: %v %+v", i, err, rc)
					return
				}
			}
			if got := st.GetState(c, host.Hash{}); got != (host.Hash{31: txs}) {
				t.Errorf("worker %d: counter %x", w, got)
			}
			roots[w] = st.Root()
		}(w)
	}
	wg.Wait()
	for w := 1; w < workers; w++ {
		if roots[w] != roots[0] {
			t.Fatalf("worker %d ended in root %x, worker 0 in %x", w, roots[w], roots[0])
		}
	}
}
