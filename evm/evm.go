package evm

import (
	"fmt"

	"github.com/hybridvm/hybridvm/host"
)

// Config configures an EVM. It is copied by New.
type Config struct {
	Fork host.Fork // Paris, Shanghai, Cancun, Prague or Osaka
	// Tracer, when set, observes every instruction (EIP-3155 style). Nil means no tracing,
	// which costs nothing: traced executions run on a separate loop.
	Tracer Tracer
	// CacheBytes bounds the memory of the shared analysis cache (DefaultCacheBytes when 0).
	CacheBytes int
}

// EVM executes EVM bytecode for one fork. It is safe for concurrent use by many goroutines;
// they share its analysis cache.
type EVM struct {
	cfg   Config
	tbl   *forkTable
	cache *codeCache
}

// New returns an EVM for the configured fork.
func New(cfg Config) (*EVM, error) {
	tbl, err := tableFor(cfg.Fork)
	if err != nil {
		return nil, err
	}
	if cfg.CacheBytes < 0 {
		return nil, fmt.Errorf("evm: negative CacheBytes %d", cfg.CacheBytes)
	}
	if cfg.CacheBytes == 0 {
		cfg.CacheBytes = DefaultCacheBytes
	}
	return &EVM{cfg: cfg, tbl: tbl, cache: newCodeCache(cfg.CacheBytes)}, nil
}

// Fork returns the fork the EVM executes.
func (e *EVM) Fork() host.Fork { return e.cfg.Fork }

// Tracer returns the configured tracer (nil when not tracing).
func (e *EVM) Tracer() Tracer { return e.cfg.Tracer }

// program returns the analysis of code, from the cache when codeHash is not zero.
func (e *EVM) program(code []byte, codeHash host.Hash) *program {
	if codeHash == (host.Hash{}) {
		return analyse(code, e.tbl)
	}
	if p := e.cache.get(codeHash); p != nil {
		return p
	}
	p := analyse(code, e.tbl)
	e.cache.put(codeHash, p)
	return p
}

// Execute runs one frame of EVM code against h and returns its result. codeHash, when
// non-zero, keys a shared, concurrency-safe analysis cache (it must be the Keccak-256 hash of
// code); a zero hash means analyse without caching (initcode). msg.Recipient is the executing
// account, msg.Sender the caller, msg.Input the call data (for a create, whose Input is the
// initcode, the call data is empty), msg.Gas the gas available.
//
// Execute does not revert state: on a revert or an exceptional halt the caller (the runtime's
// Call) reverts to its snapshot. A revert returns its unused gas and output; an exceptional
// halt returns no gas.
func (e *EVM) Execute(h host.Host, msg *host.Message, code []byte, codeHash host.Hash) host.Result {
	if msg.Gas < 0 {
		return host.Failed(fmt.Errorf("evm: negative gas %d", msg.Gas))
	}
	var (
		gas    int64
		err    error
		out    []byte
		instrs uint64
	)
	if len(code) == 0 {
		gas = msg.Gas
	} else if host.CancelFlagOf(h).Load() {
		err = host.ErrCanceled
	} else {
		f := getFrame()
		f.evm, f.tbl, f.host, f.msg = e, e.tbl, h, msg
		f.stop = host.CancelFlagOf(h)
		f.prog = e.program(code, codeHash)
		f.code = code
		f.self = msg.Recipient
		if !msg.Kind.IsCreate() {
			f.input = msg.Input
		}
		if t := e.cfg.Tracer; t != nil {
			gas, err = f.runTraced(msg.Gas, t)
		} else {
			gas, err = f.run(msg.Gas)
		}
		out, instrs = f.output, f.childInstrs
		putFrame(f)
	}
	res := result(gas, err, out)
	res.Instructions = instrs // the RISC-V instructions of nested frames
	return res
}

// result turns a loop's outcome into a host.Result.
func result(gas int64, err error, out []byte) host.Result {
	switch err {
	case nil:
		return host.Result{Status: host.StatusSuccess, GasLeft: gas, Output: out}
	case host.ErrExecutionReverted:
		return host.Result{Status: host.StatusRevert, Err: err, GasLeft: gas, Output: out}
	}
	return host.Failed(err)
}
