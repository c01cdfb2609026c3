package machine

import (
	"errors"
	"fmt"
	"io"
	"math"
	"sync/atomic"

	"github.com/hybridvm/hybridvm/guest"
)

// Exec-mode system calls (docs/abi.md, "Exec mode"): the Linux RISC-V numbers, id in a7.
const (
	sysWrite     = 64
	sysExit      = 93
	sysExitGroup = 94
)

// ExecConfig configures a standalone run.
type ExecConfig struct {
	Engine Engine
	// Gas limits the run; 0 means unlimited.
	Gas int64
	// ArenaSize is the arena's size; 0 means guest.DefaultExecArenaSize.
	ArenaSize uint64
	// Stdout and Stderr receive the guest's writes to fds 1 and 2 (nil discards them).
	Stdout, Stderr io.Writer
	// Stop cancels the run when set (checked every budget of instructions).
	Stop *atomic.Bool
	// Cache, when set, caches the program's image by hash.
	Cache *Cache
	// Tracer, when set, sees every executed instruction.
	Tracer Tracer
	// Setup, when set, is called with the frame before it runs (tests tune engines
	// through it); Inspect, when set, is called with the frame after the run, before its
	// arena is released (tests digest the memory through it).
	Setup, Inspect func(*Frame)
}

// ExecResult is how a standalone run ended.
type ExecResult struct {
	// Exited is true when the guest called exit; Status is its exit status.
	Exited bool
	Status int
	// Err is the reason the guest did not exit: a *guest.Fault, ErrOutOfGas or
	// ErrStopped.
	Err     error
	Instret uint64
	GasUsed int64
	// State is the final machine state (registers, pc).
	State guest.State
}

// Errors ending a standalone run without an exit.
var (
	ErrOutOfGas = errors.New("out of gas")
	ErrStopped  = errors.New("stopped")
)

// Exec runs a standalone RV64IMAC program. The error is for input the machine rejects
// (a bad ELF) or host failures; guest misbehaviour is reported in the result.
func Exec(elf []byte, cfg ExecConfig) (*ExecResult, error) {
	var (
		img *Image
		err error
	)
	size := cfg.ArenaSize
	if size == 0 {
		size = guest.DefaultExecArenaSize
	}
	// The loader checks the segments against the arena before the image sizes
	// anything (the interpreter's block table) from them.
	cons := guest.Constraints{ExecArenaSize: size}
	if cfg.Cache != nil {
		img, err = cfg.Cache.Load(elf, nil, cons)
	} else {
		var p *guest.Program
		if p, err = guest.LoadELF(elf, cons); err == nil {
			img = newImage(p)
		}
	}
	if err != nil {
		return nil, err
	}
	defer img.Release()
	base, err := img.Program.ExecArena(size)
	if err != nil {
		return nil, err
	}
	arena, err := guest.NewArena(base, size)
	if err != nil {
		return nil, err
	}
	if err := img.Load(arena); err != nil {
		arena.Release()
		return nil, err
	}
	f := NewFrame(img, arena, cfg.Engine)
	defer f.Release()
	f.Stop, f.Tracer = cfg.Stop, cfg.Tracer
	if cfg.Setup != nil {
		cfg.Setup(f)
	}
	gas := cfg.Gas
	if gas <= 0 {
		gas = math.MaxInt64
	}
	f.St.Gas = gas
	f.St.X[2] = (base + size) &^ 15 // sp: 16-byte aligned at the arena's top

	res := &ExecResult{}
	for res.Err == nil && !res.Exited {
		switch f.Run() {
		case guest.ExitEcall:
			execSyscall(f, &cfg, res)
		case guest.ExitFault:
			res.Err = f.St.FaultError()
		case guest.ExitOutOfGas:
			res.Err = ErrOutOfGas
		case guest.ExitBudget:
			res.Err = ErrStopped
		default:
			return nil, fmt.Errorf("BUG: machine: unexpected exit %v", f.St.Exit)
		}
	}
	res.Instret = f.St.Instret
	res.GasUsed = gas - f.St.Gas
	res.State = f.St
	if cfg.Inspect != nil {
		cfg.Inspect(f)
	}
	return res, nil
}

// execSyscall services one exec-mode ECALL.
func execSyscall(f *Frame, cfg *ExecConfig, res *ExecResult) {
	st := &f.St
	ecallPC := st.PC - 4 // ECALL has no compressed form
	switch st.X[17] {
	case sysWrite:
		fd, ptr, n := st.X[10], st.X[11], st.X[12]
		var w io.Writer
		switch fd {
		case 1:
			w = cfg.Stdout
		case 2:
			w = cfg.Stderr
		default:
			res.Err = &guest.Fault{Kind: guest.FaultSyscall, PC: ecallPC, Detail: fmt.Sprintf("write to fd %d (only 1 and 2 exist)", fd)}
			return
		}
		buf, ok := f.Arena.Slice(ptr, n)
		if !ok {
			res.Err = &guest.Fault{Kind: guest.FaultSyscall, PC: ecallPC, Addr: ptr, Detail: fmt.Sprintf("write buffer [%#x, +%#x) is outside memory", ptr, n)}
			return
		}
		if w != nil {
			if _, err := w.Write(buf); err != nil {
				res.Err = fmt.Errorf("writing the guest's fd %d: %w", fd, err)
				return
			}
		}
		st.X[10] = n
	case sysExit, sysExitGroup:
		res.Exited, res.Status = true, int(int32(st.X[10]))
	default:
		res.Err = &guest.Fault{Kind: guest.FaultSyscall, PC: ecallPC, Detail: fmt.Sprintf("unknown system call %d", st.X[17])}
	}
}
