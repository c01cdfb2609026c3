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
// Package hybridvm imports runtime, state, host, evm and machine.
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

// Engine selects how RISC-V code runs.
type Engine = machine.Engine

// The RISC-V engines.
const (
	EngineInterp = machine.EngineInterp
	EngineJIT    = machine.EngineJIT
	EngineAOT    = machine.EngineAOT
)

// DefaultEngine is native code where this architecture has a backend, else the
// interpreter.
func DefaultEngine() Engine { return machine.DefaultEngine() }

// Config configures a Runtime. NewRuntime copies it; changing it afterwards has no
// effect on the runtime.
type Config struct {
	// Engine runs RISC-V code. The zero value is the interpreter; use DefaultEngine()
	// for native code where available.
	Engine Engine
	// Fork selects the protocol rules; the zero value is Cancun. LatestFork is Osaka.
	Fork host.Fork
	// State is the world state to run against; nil means a new empty embedded state.
	// Any host.StateDB works (see the geth adapter). A state that can delimit
	// transactions (BeginTx/FinaliseTx/DiscardTx, as state.State) gets one per call.
	State host.StateDB
	// Block is the block and transaction context calls see (Origin is set per call
	// from the caller). The zero value gets DefaultBlock's values for its zero fields.
	Block host.TxContext
	// EVMTracer, when set, observes every EVM instruction (EIP-3155) and the end of
	// every frame of either kind (OnExit).
	EVMTracer evm.Tracer
	// RISCVTracer, when set, returns the tracer for each RISC-V frame.
	RISCVTracer func(msg *host.Message) machine.Tracer
	// NoRISCV treats all code as EVM bytecode (as the Ethereum state tests do).
	NoRISCV bool
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
	mu     sync.Mutex
	rt     *runtime.Runtime
	db     host.StateDB
	closed bool
}

// shared engines and caches: loaded RISC-V programs and EVM analyses are shared by
// every Runtime in the process.
var (
	imageCache = machine.NewCache(riscvengine.DefaultImageCacheSize)
	evmsMu     sync.Mutex
	evms       = map[host.Fork]*evm.EVM{}
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
	if cfg.Fork > host.LatestFork {
		return nil, fmt.Errorf("hybridvm: unsupported fork %v", cfg.Fork)
	}
	r := &Runtime{cfg: cfg, db: cfg.State}
	if r.db == nil {
		r.db = state.New()
	}
	var (
		ev  runtime.Engine
		err error
	)
	if cfg.EVMTracer != nil {
		ev, err = evm.New(evm.Config{Fork: cfg.Fork, Tracer: cfg.EVMTracer})
	} else {
		ev, err = sharedEVM(cfg.Fork)
	}
	if err != nil {
		return nil, err
	}
	rcfg := runtime.Config{Fork: cfg.Fork, EVM: ev}
	if cfg.EVMTracer != nil {
		rcfg.Tracer = cfg.EVMTracer // frame ends, of either kind, in call order
	}
	if !cfg.NoRISCV {
		rcfg.RISCV = riscvengine.New(riscvengine.Config{
			Engine: cfg.Engine, Fork: cfg.Fork, Cache: imageCache, Tracer: cfg.RISCVTracer,
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

// Close releases the runtime. Calls after Close fail with ErrClosed.
func (r *Runtime) Close(ctx context.Context) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.closed = true
	return nil
}
