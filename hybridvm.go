// Package hybridvm runs RISC-V and EVM smart contracts against one Ethereum-style state.
//
// Account code that starts with 0xFF is a RISC-V contract (an RV64IMAC ELF, run by the
// interpreter or translated to native code); anything else is EVM bytecode, run by a
// threaded-code interpreter. Calls and creates nest freely between the two.
//
// The API follows wazero's shape: a Runtime made once from an immutable Config, a
// context.Context on every call, and Close. Addresses and hashes are go-ethereum's
// common types and values are holiman/uint256 integers, so geth-based code plugs in.
//
//	rt, err := hybridvm.NewRuntime(ctx, hybridvm.Config{})
//	res, err := rt.Create(ctx, hybridvm.CreateMsg{From: alice, Initcode: initcode, Gas: 10_000_000})
//	res, err = rt.Call(ctx, hybridvm.CallMsg{From: alice, To: res.Address, Input: input, Gas: 1_000_000})
//
// The zero Config runs RISC-V code on the best engine for the platform under the newest
// fork, against a new in-memory state. A call's error is for calls that could not run
// or did not finish (bad arguments, a closed runtime, a cancelled context); how the
// contract's execution ended is in the Result.
//
// Package hybridvm imports runtime, riscvengine, state, host, evm, machine and guest.
package hybridvm

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/ethereum/go-ethereum/common"
	"github.com/holiman/uint256"

	"github.com/hybridvm/hybridvm/evm"
	"github.com/hybridvm/hybridvm/host"
	"github.com/hybridvm/hybridvm/machine"
	"github.com/hybridvm/hybridvm/riscvengine"
	"github.com/hybridvm/hybridvm/runtime"
	"github.com/hybridvm/hybridvm/state"
)

// Address, Hash and Log are the shared vocabulary types.
type (
	Address = common.Address
	Hash    = common.Hash
	Log     = host.Log
)

// Config configures a Runtime. NewRuntime copies it; changing it afterwards has no
// effect on the runtime.
type Config struct {
	// Engine runs RISC-V code. The zero value is the best engine for the platform
	// (DefaultEngine: native code on amd64); EngineInterp selects the interpreter.
	Engine Engine
	// Fork selects the protocol rules. The zero value is the newest fork (ForkLatest:
	// Osaka).
	Fork Fork
	// State is the world state to run against; nil means a new empty embedded state.
	// Any host.StateDB works (see the geth adapter). A state that can delimit
	// transactions (BeginTx/FinaliseTx/DiscardTx, as state.State) gets one per call.
	State host.StateDB
	// Block is the block and transaction context calls see: number, timestamp,
	// coinbase, gas limit, base fee, blob base fee, prevrandao, chain id, gas price and
	// blob hashes (Origin is set per call from the caller). Its zero Number, Timestamp,
	// GasLimit and ChainID get DefaultBlock's values.
	Block host.TxContext
	// BlockHash answers BLOCKHASH (the EVM opcode and the RISC-V syscall): it is asked
	// only for the 256 blocks before Block.Number, the others being zero by the
	// opcode's rule. Nil makes every block hash zero.
	BlockHash func(number uint64) Hash
	// EVMTracer, when set, observes every EVM instruction (EIP-3155) and the end of
	// every frame of either kind (OnExit).
	EVMTracer evm.Tracer
	// RISCVTracer, when set, returns the tracer for each RISC-V frame.
	RISCVTracer func(msg *host.Message) machine.Tracer
	// NoRISCV treats all code as EVM bytecode (as the Ethereum state tests do).
	NoRISCV bool
	// Cache holds the compiled RISC-V programs; runtimes given the same cache share
	// them. Nil gives the runtime a cache of its own, released by Close.
	Cache *CodeCache
}

// DefaultBlock is the context used for the zero fields of Config.Block.
var DefaultBlock = host.TxContext{Number: 1, Timestamp: 1_700_000_000, GasLimit: 30_000_000, ChainID: *uint256.NewInt(1)}

// txState is implemented by states that can delimit transactions.
type txState interface {
	BeginTx()
	FinaliseTx()
	DiscardTx()
	GetRefund() uint64
}

// logState is implemented by states that keep the current transaction's logs.
type logState interface {
	Logs() []*host.Log
}

// Runtime runs calls against one state. Its methods are safe for concurrent use but
// run one call at a time (the state is sequential); use one Runtime per state to run
// in parallel.
type Runtime struct {
	cfg    Config
	fork   host.Fork      // cfg.Fork resolved
	engine machine.Engine // cfg.Engine resolved
	mu     sync.Mutex
	rt     *runtime.Runtime
	db     host.StateDB
	closed bool
	// cache is cfg.Cache, or the runtime's own (ownCache), released by Close.
	cache    *CodeCache
	ownCache bool
}

// shared engines and caches: loaded RISC-V programs and EVM analyses are shared by
// every Runtime in the process.
var (
	evmsMu sync.Mutex
	evms   = map[host.Fork]*evm.EVM{}
)

func sharedEVM(f host.Fork) (*evm.EVM, error) {
	evmsMu.Lock()
	defer evmsMu.Unlock()
	if e, ok := evms[f]; ok {
		return e, nil
	}
	e, err := evm.New(evm.Config{Fork: f})
	if err != nil {
		return nil, err
	}
	evms[f] = e
	return e, nil
}

// NewRuntime returns a runtime for cfg.
func NewRuntime(ctx context.Context, cfg Config) (*Runtime, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	fork := cfg.Fork.Host()
	if fork > host.LatestFork {
		return nil, fmt.Errorf("hybridvm: unsupported fork %v", cfg.Fork)
	}
	engine, err := cfg.Engine.machineEngine()
	if err != nil {
		return nil, err
	}
	r := &Runtime{cfg: cfg, fork: fork, engine: engine, db: cfg.State, cache: cfg.Cache}
	if r.cache == nil {
		r.cache, r.ownCache = NewCodeCache(0), true
	}
	if r.db == nil {
		r.db = state.New()
	}
	var ev runtime.Engine
	if cfg.EVMTracer != nil {
		ev, err = evm.New(evm.Config{Fork: fork, Tracer: cfg.EVMTracer})
	} else {
		ev, err = sharedEVM(fork)
	}
	if err != nil {
		return nil, err
	}
	rcfg := runtime.Config{Fork: fork, EVM: ev}
	if cfg.EVMTracer != nil {
		rcfg.Tracer = cfg.EVMTracer // frame ends, of either kind, in call order
	}
	if !cfg.NoRISCV {
		rcfg.RISCV = riscvengine.New(riscvengine.Config{
			Engine: engine, Fork: fork, Cache: r.cache.c, Tracer: cfg.RISCVTracer,
		})
	}
	r.rt, err = runtime.New(rcfg, r.db)
	if err != nil {
		return nil, err
	}
	return r, nil
}

// State returns the runtime's state.
func (r *Runtime) State() host.StateDB { return r.db }

// ErrClosed is returned by a closed Runtime.
var ErrClosed = errors.New("hybridvm: runtime is closed")

// Close releases the runtime and what it owns (its code cache, when Config.Cache was
// nil: native code is freed at once). Calls after Close fail with ErrClosed.
func (r *Runtime) Close(ctx context.Context) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.closed && r.ownCache {
		r.cache.Close()
	}
	r.closed = true
	return nil
}
