package riscvengine

import (
	"encoding/binary"
	"fmt"

	"github.com/hybridvm/hybridvm/evmbridge"
	"github.com/hybridvm/hybridvm/guest"
	"github.com/hybridvm/hybridvm/host"
	"github.com/hybridvm/hybridvm/machine"
)

// Config configures the RISC-V contract engine.
type Config struct {
	// Engine runs the guest code: interpreter or native.
	Engine machine.Engine
	// Fork selects the gas rules of the syscalls (as the EVM's).
	Fork host.Fork
	// Cache holds loaded programs by code hash; nil gets a private cache of
	// DefaultImageCacheSize.
	Cache *machine.Cache
	// Tracer, when set, returns the tracer for a frame at the given depth (nil: that
	// frame runs untraced).
	Tracer func(msg *host.Message) machine.Tracer
	// Unmetered lets frames translate without earning translation credit first
	// (machine/credit.go): for trusted code and benchmarks only, since a contract can
	// then make the host translate far more than its gas pays for.
	Unmetered bool
}

// DefaultImageCacheSize is how many loaded programs an engine keeps.
const DefaultImageCacheSize = 1024

// Engine runs RISC-V contracts (code 0xFF ‖ ELF) and RISC-V initcode (docs/abi.md,
// "Code and initcode"). It implements runtime.Engine and is safe for concurrent
// use; loaded programs are shared by every frame.
type Engine struct {
	cfg Config
}

// New returns a RISC-V engine.
func New(cfg Config) *Engine {
	if cfg.Cache == nil {
		cfg.Cache = machine.NewCache(DefaultImageCacheSize)
	}
	return &Engine{cfg: cfg}
}

// ErrCalldataTooLong fails a RISC-V frame whose calldata does not fit the window.
var ErrCalldataTooLong = fmt.Errorf("calldata longer than the %d-byte window", guest.MaxCalldata)

// Execute runs one RISC-V frame: a call of deployed code, or a create from initcode
// (whose deploy ELF runs with the constructor arguments as calldata and returns the
// code to deploy).
func (e *Engine) Execute(h host.Host, msg *host.Message, code []byte, codeHash host.Hash) host.Result {
	var (
		elf, calldata []byte
		hash          *[32]byte
	)
	if msg.Kind.IsCreate() {
		deploy, args, err := guest.ParseInitcode(code)
		if err != nil {
			return host.Failed(err)
		}
		elf, calldata = deploy, args
	} else {
		if !guest.IsRISCV(code) {
			return host.Failed(fmt.Errorf("BUG: RISC-V engine given code starting with %#x", code[0]))
		}
		elf, calldata = code[1:], msg.Input
		if codeHash != (host.Hash{}) {
			h := [32]byte(codeHash)
			hash = &h
		}
	}
	if len(calldata) > guest.MaxCalldata {
		return host.Failed(fmt.Errorf("%w: %d bytes", ErrCalldataTooLong, len(calldata)))
	}
	img, err := e.cfg.Cache.Load(elf, hash, guest.ContractConstraints)
	if err != nil {
		return host.Failed(err)
	}
	defer img.Release()
	arena, err := guest.NewArena(guest.ContractBase, guest.ContractArenaSize)
	if err != nil {
		return host.Failed(err)
	}
	if err := img.Load(arena); err != nil {
		arena.Release()
		return host.Failed(err)
	}
	f := machine.NewFrame(img, arena, e.cfg.Engine)
	defer f.Release()
	var n [8]byte
	binary.LittleEndian.PutUint64(n[:], uint64(len(calldata)))
	if err := arena.Write(guest.ContractBase, n[:]); err != nil {
		return host.Failed(err)
	}
	if err := arena.Write(guest.ContractBase+8, calldata); err != nil {
		return host.Failed(err)
	}

	// Entering the frame costs the pages the host fills: the program and the
	// calldata (docs/abi.md, "Memory growth").
	entry := int64(img.Program.LoadedPages()+(8+uint64(len(calldata))+4095)/4096) * guest.ContractPageGas
	if msg.Gas < entry {
		return host.Failed(host.ErrOutOfGas)
	}
	f.St.Gas = msg.Gas - entry
	f.Stop = host.CancelFlagOf(h)
	f.Meter = !e.cfg.Unmetered
	f.St.PageGas = guest.ContractPageGas
	if e.cfg.Tracer != nil {
		f.Tracer = e.cfg.Tracer(msg)
	}
	bf := &evmbridge.Frame{Host: h, Msg: msg, Fork: e.cfg.Fork, St: &f.St, Mem: arena, Code: code}
	res := e.run(f, bf)
	res.Instructions = f.St.Instret + bf.ChildInstructions
	return res
}

// run is the frame's exit loop: it services syscalls until the frame ends.
func (e *Engine) run(f *machine.Frame, bf *evmbridge.Frame) host.Result {
	for {
		switch f.Run() {
		case guest.ExitEcall:
			if err := bf.Syscall(); err != nil {
				return host.Failed(err)
			}
			if f.Stop.Load() { // cancelled during a nested call: fail this frame too
				return host.Failed(host.ErrCanceled)
			}
			if bf.Done {
				res := host.Result{Status: host.StatusSuccess, GasLeft: f.St.Gas, Output: bf.Output}
				if bf.Reverted {
					res.Status, res.Err = host.StatusRevert, host.ErrExecutionReverted
				}
				return res
			}
		case guest.ExitFault:
			return host.Failed(f.St.FaultError())
		case guest.ExitOutOfGas:
			return host.Failed(host.ErrOutOfGas)
		case guest.ExitBudget: // Frame.Run returns it only when the cancel flag is set
			return host.Failed(host.ErrCanceled)
		default:
			return host.Failed(fmt.Errorf("BUG: RISC-V frame exited with %v", f.St.Exit))
		}
	}
}
