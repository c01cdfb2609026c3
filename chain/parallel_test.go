package chain_test

import (
	"context"
	"encoding/json"
	"errors"
	"math/big"
	"reflect"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/params"
	"github.com/ethereum/go-ethereum/trie"
	"github.com/holiman/uint256"

	"github.com/hybridvm/hybridvm/chain"
	"github.com/hybridvm/hybridvm/chaingen"
	"github.com/hybridvm/hybridvm/host"
	"github.com/hybridvm/hybridvm/internal/engines"
	"github.com/hybridvm/hybridvm/machine"
	"github.com/hybridvm/hybridvm/riscvengine"
	"github.com/hybridvm/hybridvm/runtime"
	"github.com/hybridvm/hybridvm/state"
)

// evmConfig runs EVM code, and RISC-V code on the default engine.
func evmConfig(f host.Fork) (runtime.Config, error) { return engineConfig(machine.DefaultEngine())(f) }

// engineConfig runs EVM code, and RISC-V code (the hybrid workload) on e.
func engineConfig(e machine.Engine) func(host.Fork) (runtime.Config, error) {
	return engines.Runtimes(e, riscvCache)
}

// riscvCache is shared by every runtime of the tests, as replay shares one.
var riscvCache = machine.NewCache(riscvengine.DefaultImageCacheSize)

func allocState(t *testing.T, g any) *state.State {
	t.Helper()
	b, err := json.Marshal(g)
	if err != nil {
		t.Fatal(err)
	}
	var raw struct {
		Alloc json.RawMessage `json:"alloc"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		t.Fatal(err)
	}
	st, err := state.ParseAlloc(raw.Alloc)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// TestSpeculatedBlocksMatchSequential runs every chaingen workload with each
// block's transactions all executed against the block's start before any
// commits (the most stale speculation there can be), so most dependent
// transactions fail validation and run again. Every block's receipts and state
// root must equal sequential execution's and the header's. The hybrid workload
// (EVM and RISC-V contracts calling each other) runs on every RISC-V engine.
func TestSpeculatedBlocksMatchSequential(t *testing.T) {
	for _, w := range chaingen.Workloads() {
		engines := []machine.Engine{machine.DefaultEngine()}
		if w == "hybrid" {
			engines = []machine.Engine{machine.EngineInterp, machine.EngineJIT, machine.EngineAOT, machine.EngineTiered}
		}
		c, err := chaingen.Generate(chaingen.Options{Workload: w, Blocks: 2, Seed: 3, Accounts: 50})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range engines {
			t.Run(w+"/"+e.String(), func(t *testing.T) { speculatedMatchesSequential(t, w, c, engineConfig(e)) })
		}
	}
}

func speculatedMatchesSequential(t *testing.T, w string, c *chaingen.Chain, rc func(host.Fork) (runtime.Config, error)) {
	seqState, parState := allocState(t, c.Genesis), allocState(t, c.Genesis)
	seq, err := chain.NewProcessor(chain.Config{Chain: c.Genesis.Config, Runtime: rc})
	if err != nil {
		t.Fatal(err)
	}
	par, err := chain.NewProcessor(chain.Config{Chain: c.Genesis.Config, Runtime: rc, Workers: 3, AlwaysParallel: true})
	if err != nil {
		t.Fatal(err)
	}
	chain.SpeculateAll(par)
	noHash := func(uint64) common.Hash { return common.Hash{} }
	var reexecuted int
	for _, b := range c.Blocks {
		want, err := seq.Process(b, seqState, noHash)
		if err != nil {
			t.Fatal(err)
		}
		got, err := par.Process(b, parState, noHash)
		if err != nil {
			t.Fatal(err)
		}
		if got.Parallel == nil || got.Parallel.Speculative != len(b.Transactions()) {
			t.Fatalf("block %d: parallel stats %+v, want every one of %d transactions speculative", b.NumberU64(), got.Parallel, len(b.Transactions()))
		}
		reexecuted += got.Parallel.Reexecuted
		if !reflect.DeepEqual(got.Receipts, want.Receipts) || got.GasUsed != want.GasUsed || got.Bloom != want.Bloom {
			t.Fatalf("block %d: parallel receipts differ from sequential", b.NumberU64())
		}
		if r1, r2 := parState.Root(), seqState.Root(); r1 != r2 || r1 != b.Root() {
			t.Fatalf("block %d: parallel root %x, sequential %x, header %x", b.NumberU64(), r1, r2, b.Root())
		}
	}
	if w == "hot" && reexecuted == 0 {
		t.Fatal("the hot workload re-executed nothing: the test does not reach validation failures")
	}
	t.Logf("%s: %d re-executed", w, reexecuted)
}

// TestParallelBlockIsCancelled: a block of endless loops (a gas limit of 10^12)
// stops soon after its context is cancelled, with the context's error, and
// the processor runs the next block normally.
func TestParallelBlockIsCancelled(t *testing.T) {
	cfg := *params.MergedTestChainConfig
	cfg.PragueTime, cfg.OsakaTime = nil, nil
	cfg.BPO1Time, cfg.BPO2Time, cfg.BPO3Time, cfg.BPO4Time, cfg.BPO5Time, cfg.AmsterdamTime = nil, nil, nil, nil, nil, nil
	key, _ := crypto.GenerateKey()
	from := crypto.PubkeyToAddress(key.PublicKey)
	loop := common.HexToAddress("0x100")
	st := state.New()
	st.BeginTx()
	st.SetBalance(from, new(uint256.Int).Lsh(uint256.NewInt(1), 200))
	st.SetCode(loop, []byte{0x5b, 0x5f, 0x56}) // JUMPDEST PUSH0 JUMP
	st.FinaliseTx()
	signer := types.LatestSigner(&cfg)
	var txs types.Transactions
	for i := range 6 {
		tx, err := types.SignNewTx(key, signer, &types.DynamicFeeTx{ChainID: cfg.ChainID, Nonce: uint64(i), Gas: 1e12 / 8, GasFeeCap: big.NewInt(params.InitialBaseFee), To: &loop})
		if err != nil {
			t.Fatal(err)
		}
		txs = append(txs, tx)
	}
	zero := uint64(0)
	header := &types.Header{Number: big.NewInt(1), GasLimit: 1e12, Time: 1, BaseFee: big.NewInt(params.InitialBaseFee), Difficulty: new(big.Int),
		ExcessBlobGas: &zero, BlobGasUsed: &zero, ParentBeaconRoot: &common.Hash{}}
	block := types.NewBlock(header, &types.Body{Transactions: txs}, nil, trie.NewStackTrie(nil))
	for _, workers := range []int{1, 3} {
		p, err := chain.NewProcessor(chain.Config{Chain: &cfg, Runtime: evmConfig, Workers: workers})
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
		start := time.Now()
		_, err = p.ProcessContext(ctx, block, st.Copy(), func(uint64) common.Hash { return common.Hash{} })
		cancel()
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("%d workers: error %v, want the context's", workers, err)
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Fatalf("%d workers: the block stopped %v after it started", workers, d)
		}
	}
}
