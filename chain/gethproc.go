package chain

import (
	"context"
	"sync/atomic"

	"github.com/ethereum/go-ethereum/core"
	gethstate "github.com/ethereum/go-ethereum/core/state"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/ethereum/go-ethereum/params"

	"github.com/hybridvm/hybridvm/host"
	"github.com/hybridvm/hybridvm/runtime"
	adapter "github.com/hybridvm/hybridvm/state/gethstate"
)

// GethProcessor is a go-ethereum core.Processor that executes blocks with hybridvm:
// a geth core.BlockChain set up with it (SetBlockValidatorAndProcessorForTesting)
// imports blocks whose transactions hybridvm runs, EVM and RISC-V alike, on geth's own
// *state.StateDB (through state/gethstate), and validates and commits them as usual.
type GethProcessor struct {
	cfg   *params.ChainConfig
	chain core.ChainContext
	proc  *Processor
}

// NewGethProcessor returns a processor for the chain bc (its headers answer
// BLOCKHASH) with configuration cfg; rc configures the runtime of each fork (engines,
// tracer), as in Config.Runtime.
func NewGethProcessor(cfg *params.ChainConfig, bc core.ChainContext, rc func(host.Fork) (runtime.Config, error)) (*GethProcessor, error) {
	proc, err := NewProcessor(Config{Chain: cfg, Runtime: rc})
	if err != nil {
		return nil, err
	}
	return &GethProcessor{cfg: cfg, chain: bc, proc: proc}, nil
}

// Process implements core.Processor: it runs block on statedb (the parent's state)
// and returns the receipts, requests, logs and gas used. The jump-destination and
// precompile caches, the VM configuration and the execution index are go-ethereum
// interpreter's and not used. It is not safe for concurrent use, as Processor.
func (p *GethProcessor) Process(ctx context.Context, block *types.Block, statedb *gethstate.StateDB, _ vm.JumpDestCache, _ *vm.PrecompileCache, _ vm.Config, _ *atomic.Int64) (*core.ProcessResult, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	header := block.Header()
	db := adapter.New(statedb, p.cfg.Rules(header.Number, true, header.Time))
	res, err := p.proc.Process(block, db, core.GetHashFn(header, p.chain))
	if err != nil {
		return nil, err
	}
	var logs []*types.Log
	for _, r := range res.Receipts {
		logs = append(logs, r.Logs...)
	}
	return &core.ProcessResult{Receipts: res.Receipts, Requests: res.Requests, Logs: logs, GasUsed: res.GasUsed}, nil
}

var _ core.Processor = (*GethProcessor)(nil)
