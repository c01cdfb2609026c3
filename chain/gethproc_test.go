package chain_test

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/ethereum/go-ethereum/consensus/beacon"
	"github.com/ethereum/go-ethereum/consensus/ethash"
	"github.com/ethereum/go-ethereum/core"
	"github.com/ethereum/go-ethereum/core/rawdb"
	gethstate "github.com/ethereum/go-ethereum/core/state"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/core/vm"

	"github.com/hybridvm/hybridvm/chain"
	"github.com/hybridvm/hybridvm/chaingen"
	"github.com/hybridvm/hybridvm/evm"
	"github.com/hybridvm/hybridvm/host"
	"github.com/hybridvm/hybridvm/machine"
	"github.com/hybridvm/hybridvm/riscvengine"
	"github.com/hybridvm/hybridvm/runtime"
)

// counting wraps a processor to count the blocks it ran.
type counting struct {
	core.Processor
	n atomic.Int64
}

func (c *counting) Process(ctx context.Context, b *types.Block, st *gethstate.StateDB, j vm.JumpDestCache, p *vm.PrecompileCache, cfg vm.Config, i *atomic.Int64) (*core.ProcessResult, error) {
	c.n.Add(1)
	return c.Processor.Process(ctx, b, st, j, p, cfg, i)
}

func runtimes() func(host.Fork) (runtime.Config, error) {
	cache := machine.NewCache(16)
	return func(f host.Fork) (runtime.Config, error) {
		e, err := evm.New(evm.Config{Fork: f})
		if err != nil {
			return runtime.Config{}, err
		}
		return runtime.Config{Fork: f, EVM: e, RISCV: riscvengine.New(riscvengine.Config{Engine: machine.DefaultEngine(), Fork: f, Cache: cache})}, nil
	}
}

// TestGethProcessorImportsGeneratedChains: go-ethereum's BlockChain, with hybridvm as
// its processor, imports chains go-ethereum generated (so every state root, receipts
// root and bloom it checks is its own), on Cancun and Prague.
func TestGethProcessorImportsGeneratedChains(t *testing.T) {
	for _, fork := range []string{"Cancun", "Prague"} {
		t.Run(fork, func(t *testing.T) {
			c, err := chaingen.Generate(chaingen.Options{Workload: "mixed", Blocks: 3, Seed: 3, Fork: fork, Accounts: 100})
			if err != nil {
				t.Fatal(err)
			}
			bc, err := core.NewBlockChain(rawdb.NewMemoryDatabase(), c.Genesis, beacon.New(ethash.NewFaker()), core.DefaultConfig().WithStateScheme(rawdb.HashScheme))
			if err != nil {
				t.Fatal(err)
			}
			defer bc.Stop()
			gp, err := chain.NewGethProcessor(bc.Config(), bc, runtimes())
			if err != nil {
				t.Fatal(err)
			}
			proc := &counting{Processor: gp}
			bc.SetBlockValidatorAndProcessorForTesting(core.NewBlockValidator(bc.Config(), bc), proc)
			if n, err := bc.InsertChain(c.Blocks); err != nil {
				t.Fatalf("block %d: %v", n, err)
			}
			if proc.n.Load() != int64(len(c.Blocks)) {
				t.Fatalf("hybridvm ran %d of %d blocks", proc.n.Load(), len(c.Blocks))
			}
			if head := bc.CurrentBlock(); head.Hash() != c.Blocks[len(c.Blocks)-1].Hash() {
				t.Errorf("head %x, want the last generated block", head.Hash())
			}
		})
	}
}
