package runtime

import (
	"errors"
	"fmt"
	"math"
	"sync/atomic"

	"github.com/holiman/uint256"

	"github.com/hybridvm/hybridvm/host"
)

// Engine runs one frame of code. code is the code to run (for a create, the
// initcode). codeHash is keccak256(code) for code stored in an account, which
// engines may use to cache analyses, and the zero hash for initcode and for code
// passed in Message.Code, which should not be cached (as in go-ethereum). The
// engine calls h.Call for nested frames and returns how its frame ended; it does
// not revert state itself (Call does).
type Engine interface {
	Execute(h host.Host, msg *host.Message, code []byte, codeHash host.Hash) host.Result
}

// Config is a runtime's fixed configuration.
type Config struct {
	// Fork selects the protocol rules (precompiles, EIP-7702 delegation, ...).
	Fork host.Fork
	// EVM runs all code that is not RISC-V. Required.
	EVM Engine
	// RISCV runs code whose first byte is 0xFF. Nil disables RISC-V: then all code
	// is EVM code (this is how the Ethereum state tests run).
	RISCV Engine
	// MaxRISCVCodeSize limits deployed RISC-V code (0xFF ‖ ELF); zero means
	// host.DefaultMaxRISCVCodeSize. RISC-V initcode may be twice as long.
	MaxRISCVCodeSize int
	// Tracer, when set, is told when every frame ends (including frames that never
	// reach an engine: precompiles, failed depth or balance checks), as
	// go-ethereum's tracing hooks are. The EVM's tracers implement it.
	Tracer FrameTracer
}

// FrameTracer observes the end of frames. depth is the frame's Message.Depth,
// gasUsed its gas minus the gas it returned, reverted is true for any outcome but
// success.
type FrameTracer interface {
	OnExit(depth int, output []byte, gasUsed uint64, err error, reverted bool)
}

// Runtime implements host.Host over a host.StateDB. It is not safe for
// concurrent use; make one per goroutine.
type Runtime struct {
	host.StateDB
	cfg         Config
	maxRISCV    int
	precompiles *precompileSet
	// hasStorage reports non-empty storage for the EIP-7610 collision rule when the
	// state can tell (state.State can); nil means it cannot.
	hasStorage func(host.Address) bool

	ctx     host.TxContext
	getHash func(uint64) host.Hash

	blobFee blobFeeCache // the last blob base fee computed

	// Scratch space of ApplyTransaction: values whose address goes to the state
	// through an interface would otherwise be allocated on every transaction.
	plan    txPlan
	txMsg   host.Message
	scratch [2]uint256.Int

	// cancel stops every running frame when set (host.Canceler).
	cancel atomic.Bool
}

// CancelFlag returns the flag that cancels the runtime's running frames: once set,
// every engine fails its frame with host.ErrCanceled within microseconds. Clear it
// before the next call.
func (r *Runtime) CancelFlag() *atomic.Bool { return &r.cancel }

// storageProber is implemented by states that can answer the EIP-7610 question
// "does this account have storage".
type storageProber interface {
	HasStorage(host.Address) bool
}

// balanceProber is implemented by states that answer "is the balance at least
// v" without the caller seeing the balance (state.State: a speculative view then
// depends only on the answer).
type balanceProber interface {
	BalanceAtLeast(host.Address, *uint256.Int) bool
}

// balanceAtLeast reports whether addr holds at least v.
func (r *Runtime) balanceAtLeast(addr host.Address, v *uint256.Int) bool {
	if p, ok := r.StateDB.(balanceProber); ok {
		return p.BalanceAtLeast(addr, v)
	}
	return !r.StateDB.GetBalance(addr).Lt(v)
}

var _ host.Host = (*Runtime)(nil)

// New returns a runtime over db.
func New(cfg Config, db host.StateDB) (*Runtime, error) {
	if cfg.EVM == nil {
		return nil, errors.New("runtime: Config.EVM is required")
	}
	if db == nil {
		return nil, errors.New("runtime: nil state")
	}
	if cfg.Fork > host.LatestFork {
		return nil, fmt.Errorf("runtime: unsupported fork %v", cfg.Fork)
	}
	if cfg.MaxRISCVCodeSize < 0 {
		return nil, fmt.Errorf("runtime: negative MaxRISCVCodeSize %d", cfg.MaxRISCVCodeSize)
	}
	r := &Runtime{cfg: cfg, precompiles: precompilesFor(cfg.Fork)}
	r.maxRISCV = cfg.MaxRISCVCodeSize
	if r.maxRISCV == 0 {
		r.maxRISCV = host.DefaultMaxRISCVCodeSize
	}
	r.UseState(db)
	return r, nil
}

// UseState points the runtime at another state (for example a fresh copy for the
// next test), keeping everything else.
func (r *Runtime) UseState(db host.StateDB) {
	r.StateDB = db
	r.hasStorage = nil
	if p, ok := db.(storageProber); ok {
		r.hasStorage = p.HasStorage
	}
}

// Config returns the runtime's configuration.
func (r *Runtime) Config() Config { return r.cfg }

// SetContext sets the block and transaction context the next frames see, and the
// function that answers BLOCKHASH for the 256 most recent blocks (nil: all zero).
func (r *Runtime) SetContext(ctx host.TxContext, getHash func(uint64) host.Hash) {
	r.ctx = ctx
	r.getHash = getHash
}

// TxContext returns the current context. Engines must not modify it.
func (r *Runtime) TxContext() *host.TxContext { return &r.ctx }

// BlockHash returns the hash of block n when it is one of the 256 blocks before
// the current one, else zero (the BLOCKHASH rule).
func (r *Runtime) BlockHash(n uint64) host.Hash {
	cur := r.ctx.Number
	if n >= cur || cur-n > 256 || r.getHash == nil {
		return host.Hash{}
	}
	return r.getHash(n)
}

// engineFor routes code by its first byte.
func (r *Runtime) engineFor(code []byte) Engine {
	if r.cfg.RISCV != nil && len(code) > 0 && code[0] == 0xFF {
		return r.cfg.RISCV
	}
	return r.cfg.EVM
}

// isRISCV reports whether code would run on the RISC-V engine.
func (r *Runtime) isRISCV(code []byte) bool {
	return r.cfg.RISCV != nil && len(code) > 0 && code[0] == 0xFF
}

// MaxInitCodeSize returns the initcode limit for code that starts like initcode
// (RISC-V initcode may be twice the RISC-V code limit in every fork; EVM
// initcode follows EIP-3860 from Shanghai and has no limit before).
func (r *Runtime) MaxInitCodeSize(initcode []byte) int {
	if r.isRISCV(initcode) {
		return 2 * r.maxRISCV
	}
	if r.cfg.Fork < host.Shanghai {
		return math.MaxInt
	}
	return host.MaxInitCodeSize
}

// Call runs a child frame; see the package comment.
func (r *Runtime) Call(msg *host.Message) host.Result {
	var res host.Result
	switch msg.Kind {
	case host.KindCall, host.KindCallCode, host.KindDelegateCall, host.KindStaticCall:
		res = r.call(msg)
	case host.KindCreate, host.KindCreate2:
		res = r.create(msg)
	default:
		panic(fmt.Sprintf("BUG: runtime: message of unknown kind %v", msg.Kind))
	}
	if t := r.cfg.Tracer; t != nil {
		t.OnExit(msg.Depth, res.Output, uint64(max(msg.Gas-res.GasLeft, 0)), res.Err, res.Status != host.StatusSuccess)
	}
	return res
}
