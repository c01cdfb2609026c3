package machine

import (
	"fmt"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/hybridvm/hybridvm/guest"
	"github.com/hybridvm/hybridvm/interp"
)

// Engine selects how guest code runs.
type Engine uint8

// The engines.
const (
	// EngineInterp: the interpreter (the reference, available everywhere).
	EngineInterp Engine = iota
	// EngineJIT: native code translated block by block as first executed.
	EngineJIT
	// EngineAOT: native code for the whole program translated when it is first loaded.
	EngineAOT
	// EngineTiered: the interpreter first; code that runs hot is translated in the
	// background (machine/tier.go) and frames switch to it at a block boundary.
	EngineTiered
)

var engineNames = [...]string{"interp", "jit", "aot", "tiered"}

func (e Engine) String() string {
	if int(e) < len(engineNames) {
		return engineNames[e]
	}
	return fmt.Sprintf("Engine(%d)", uint8(e))
}

// ParseEngine parses an engine name ("interp", "jit", "aot", "tiered").
func ParseEngine(s string) (Engine, error) {
	for i, n := range engineNames {
		if strings.EqualFold(s, n) {
			return Engine(i), nil
		}
	}
	return 0, fmt.Errorf("unknown engine %q (want interp, jit, aot or tiered)", s)
}

// DefaultBudget is how many instructions an engine runs before returning to the exit
// loop to check for cancellation (a few milliseconds of work at worst).
const DefaultBudget = 1 << 22

// Tracer receives every executed instruction, a block at a time (see interp.Tracer).
type Tracer = interp.Tracer

// Frame is one running guest: its state, its arena and the code it fetches from.
type Frame struct {
	St    guest.State
	Arena *guest.Arena
	img   *Image
	// code is the current instruction-fetch view: img.Code until a FENCE.I finds the
	// code changed in memory, then the frame's own.
	code   *guest.Code
	interp *interp.Program
	engine Engine
	// Stop, when set, makes Run return guest.ExitBudget at the next budget check.
	Stop *atomic.Bool
	// Budget overrides DefaultBudget when non-zero.
	Budget uint64
	// Tracer, when set, sees every executed instruction (the interpreter runs traced
	// frames, whatever the engine).
	Tracer Tracer
	// tracksDirty says the engine keeps St's store windows (what its stores wrote),
	// so Release can reset only that of the arena. An engine that does not keep them
	// must leave this false: the arena is then reset whole, which is always correct.
	tracksDirty bool
	// native is the native-code state (machine/native.go).
	native frameNative
	// Meter limits the frame's translation to the credit its image has earned
	// (machine/credit.go). Contract frames are metered; exec mode is not.
	Meter bool
	// credited is the part of St.Instret already added to the image's count.
	credited uint64
}

// NewFrame prepares a frame running img (holding it until Release) in arena (which the caller has loaded with the
// program's segments: see Image.Load) starting at the program's entry point.
//
// Frames are pooled: Release returns the frame and its arena, and neither may be used
// afterwards.
func NewFrame(img *Image, arena *guest.Arena, engine Engine) *Frame {
	f := framePool.Get().(*Frame)
	img.acquire()
	*f = Frame{Arena: arena, img: img, code: img.Code, interp: img.Interp, engine: engine}
	f.tracksDirty = true // the interpreter and native code both keep St's store windows
	arena.Bind(&f.St)
	f.St.PC = img.Program.Entry
	return f
}

// framePool recycles frames: allocating one (State included) was a third of the cost
// of entering a contract call.
var framePool = sync.Pool{New: func() any { return new(Frame) }}

// Release returns the frame's arena to the pool, reset, and the frame itself. The frame
// must not be used again.
func (f *Frame) Release() {
	if f.Arena == nil {
		return
	}
	if f.tracksDirty {
		f.Arena.MergeDirty(&f.St)
	} else {
		f.Arena.Untracked()
	}
	f.Arena.Release()
	if f.Stop != nil && f.Stop.Load() {
		f.withdraw() // cancelled (perhaps in a nested call): its requests are not wanted
	}
	f.flushRetired()
	if p := f.native.prog; p != nil && p.Code() != f.img.Code {
		p.Free() // the frame's own translation of code it changed
	} else if p != nil {
		f.img.native.grown(p)
	}
	f.img.Release()
	f.Arena, f.img, f.code, f.interp, f.Stop, f.Tracer = nil, nil, nil, nil, nil, nil
	f.native = frameNative{}
	framePool.Put(f)
}

// Image returns the frame's program image.
func (f *Frame) Image() *Image { return f.img }

// Run runs the guest until an exit its caller must handle: guest.ExitEcall,
// guest.ExitFault, guest.ExitOutOfGas, or guest.ExitBudget when Stop was set.
func (f *Frame) Run() guest.ExitCode {
	budget := f.Budget
	if budget == 0 {
		budget = DefaultBudget
	}
	for {
		slice := budget
		if f.useNative() {
			exit, ok := f.runNative(budget)
			if ok {
				return exit
			}
			if !f.native.off {
				slice = f.native.slice
			}
		}
		exit := f.overdrawn(interp.Run(f.interp, &f.St, f.Arena.Bytes(), slice, f.Tracer))
		switch exit {
		case guest.ExitBudget:
		case guest.ExitFenceI:
			if exit := f.fenceI(); exit != guest.ExitNone {
				return exit
			}
		case guest.ExitZeroLoop:
			if exit := f.interp.ZeroLoopAt(f.St.PC).Run(&f.St, f.Arena); exit != guest.ExitNone {
				return exit
			}
		default:
			return exit
		}
		if f.stopped() {
			return guest.ExitBudget
		}
	}
}

// overdrawn turns an exit with negative gas into ExitOutOfGas: a store's memory
// charge (guest.State.GrowWindow) may overdraw the gas, which the next block's gas
// check or, at an exit (ECALL, FENCE.I, a zeroing loop), this catches. Faults stay
// faults; PC, the instruction count and the gas are left as they are.
func (f *Frame) overdrawn(exit guest.ExitCode) guest.ExitCode {
	if f.St.Gas < 0 && exit != guest.ExitFault && exit != guest.ExitOutOfGas {
		f.St.Exit = guest.ExitOutOfGas
		return guest.ExitOutOfGas
	}
	return exit
}

// stopped reports whether the frame was asked to stop; if so the state's exit is
// ExitBudget (PC is where to continue). The exit loops ask after every exit they
// handle themselves, so no loop of exits (FENCE.I, zeroing, translation) outlives a
// cancellation.
func (f *Frame) stopped() bool {
	if f.Stop != nil && f.Stop.Load() {
		f.St.Exit = guest.ExitBudget
		f.withdraw()
		return true
	}
	return false
}

// fenceI completes a FENCE.I (PC is the instruction after it): it charges
// guest.FenceIPageGas per page of writable executable memory and re-reads that memory.
// It returns ExitOutOfGas, with the gas untouched, when the charge does not fit.
func (f *Frame) fenceI() guest.ExitCode {
	if cost := int64(f.code.MutablePages()) * guest.FenceIPageGas; cost > 0 {
		if f.St.Gas < cost {
			f.St.Exit = guest.ExitOutOfGas
			return guest.ExitOutOfGas
		}
		f.St.Gas -= cost
	}
	f.refreshCode()
	return guest.ExitNone
}

// refreshCode re-reads the executable ranges from memory after a FENCE.I; if they
// changed, the frame stops sharing the image's decoded code.
func (f *Frame) refreshCode() {
	code := guest.CodeFromArena(f.Arena, f.code)
	if code != f.code {
		f.code = code
		f.interp = interp.NewProgram(code)
	}
}

// Code returns the frame's current instruction-fetch view.
func (f *Frame) Code() *guest.Code { return f.code }

// Load copies the image's segments into a fresh arena.
func (img *Image) Load(arena *guest.Arena) error { return img.Program.LoadInto(arena) }
