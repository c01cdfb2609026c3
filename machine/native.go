package machine

import (
	"math/rand/v2"
	"sync"
	"sync/atomic"

	"github.com/hybridvm/hybridvm/codegen"
	"github.com/hybridvm/hybridvm/guest"
	"github.com/hybridvm/hybridvm/translate"
)

// NativeAvailable reports whether this architecture has a native backend (otherwise
// EngineJIT and EngineAOT run on the interpreter).
func NativeAvailable() bool { return nativeBackend != nil }

// nativeCache holds an image's native programs, one per memory layout (the contract
// layout is always the same; exec-mode frames may choose their arena size). It is
// part of the Image, so compiled code is cached by code hash with it and shared by
// every frame and goroutine; it is freed when the image is dropped from the cache and
// no frame uses it any more.
type nativeCache struct {
	mu    sync.Mutex
	progs map[nativeKey]*nativeEntry
	// last is the entry used last: frames of one image nearly always share one
	// layout, and this spares them the lock.
	last atomic.Pointer[nativeEntry]
	// created is set once a native program exists (machine/credit.go).
	created atomic.Bool
	// disk names the image's code in its cache's directory, if it has one
	// (machine/disk.go); tried lists the layouts whose file was tried.
	disk  diskID
	tried map[nativeKey]bool
	// bytes is what nativeBytes last counted.
	bytes atomic.Int64
	// settingUp is set while a tiered worker makes the image's first program
	// (machine/tier.go): frames interpret meanwhile rather than ask again.
	settingUp atomic.Bool
}

type nativeKey struct {
	layout codegen.Layout
	opts   translate.Options
}

type nativeEntry struct {
	key  nativeKey
	prog *translate.Program
	err  error // the backend could not take this program: frames use the interpreter
	// stored: the program came from the disk cache or was written there, with
	// storedUnits units (machine/disk.go).
	stored      bool
	storedUnits int
	// memBytes is the program's executable memory when last seen (guarded by the
	// cache's mu; nativeBytes).
	memBytes int64
}

// program returns the image's native program for layout, creating it on first use.
func (c *nativeCache) program(code *guest.Code, entry uint64, layout codegen.Layout, opts translate.Options) (*translate.Program, error) {
	key := nativeKey{layout, opts}
	if e := c.last.Load(); e != nil && e.key == key {
		return e.prog, e.err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.progs[key]
	if !ok {
		if c.progs == nil {
			c.progs = map[nativeKey]*nativeEntry{}
		}
		var (
			p   *translate.Program
			err error
		)
		if !c.tried[key] {
			if c.tried == nil {
				c.tried = map[nativeKey]bool{}
			}
			c.tried[key] = true
			p = c.fromDisk(code, layout, opts)
		}
		stored := p != nil
		if p == nil {
			p, err = translate.New(code, entry, layout, nativeBackend, opts)
		}
		e = &nativeEntry{key: key, prog: p, err: err, stored: stored}
		if stored {
			e.storedUnits = p.Stats().Loaded
		}
		c.progs[key] = e
		c.created.Store(true)
	}
	c.last.Store(e)
	return e.prog, e.err
}

// frameNative is a frame's native-code state.
type frameNative struct {
	prog *translate.Program
	opts translate.Options
	// off: this frame runs on the interpreter (no backend, or the backend declined
	// its code); err says why.
	off bool
	err error
	// recompiles counts the FENCE.Is that changed this frame's code (each costs a
	// new translation; see maxRecompiles).
	recompiles int
	// slice, when runNative returns ok = false with off unset, is how many
	// instructions to interpret before trying native code again (machine/credit.go).
	slice uint64
	// chaos forces engine switches at random points, for tests (machine/switch.go).
	chaos *rand.Rand
	// asked lists the tiered translation requests the frame made (machine/tier.go),
	// withdrawn if the frame is cancelled.
	asked []*tierReq
}

// maxRecompiles bounds the translations a frame's self-modifying code can cause:
// beyond it the frame continues on the interpreter, whose cost per FENCE.I is small,
// so code that rewrites itself in a loop cannot make the host translate for every
// few instructions of gas.
const maxRecompiles = 4

// SetNativeOptions tunes the translation of this frame's code (frames with different
// options do not share compiled code). Call it before the first Run.
func (f *Frame) SetNativeOptions(o translate.Options) { f.native.opts = o }

// NativeError reports why a frame that asked for native code runs on the
// interpreter (nil when it runs native code or asked for the interpreter).
func (f *Frame) NativeError() error { return f.native.err }

// useNative reports whether Run should run native code.
func (f *Frame) useNative() bool {
	return f.engine != EngineInterp && nativeBackend != nil && f.Tracer == nil && !f.native.off
}

// nativeProgram returns the frame's native program: the image's (shared) while the
// frame runs the image's code, a private one after FENCE.I changed it.
func (f *Frame) nativeProgram() (*translate.Program, error) {
	if f.native.prog != nil {
		return f.native.prog, nil
	}
	layout := codegen.LayoutOf(&f.St)
	var (
		p   *translate.Program
		err error
	)
	if f.code == f.img.Code {
		p, err = f.img.native.program(f.code, f.img.Program.Entry, layout, f.native.opts)
	} else {
		p, err = translate.New(f.code, f.St.PC, layout, nativeBackend, f.native.opts)
	}
	if err == nil && f.engine == EngineAOT && !f.Meter {
		if err = p.CompileAll(f.img.Program.Entry, f.St.PC); err == nil && f.code == f.img.Code {
			f.img.native.compiledAll(p)
		}
	}
	if err != nil {
		return nil, err
	}
	f.native.prog = p
	return p, nil
}

// nativeCurrent drops the frame's native program when it was translated from code
// the frame no longer runs (a FENCE.I changed it, natively or on the interpreter), so
// the next nativeProgram translates the current code. It reports false when the frame
// has recompiled too often and continues on the interpreter for good.
func (f *Frame) nativeCurrent() bool {
	p := f.native.prog
	if p == nil || p.Code() == f.code {
		return true
	}
	if p.Code() != f.img.Code {
		p.Free() // the frame's own translation of code it changed before
	}
	f.native.prog = nil
	if f.native.recompiles++; f.native.recompiles > maxRecompiles {
		f.native.off = true
		return false
	}
	return true
}

// nativeChunk is the gas handed to native code per entry: the instruction budget
// folded into the gas check. Native code returns when a block does not fit the
// chunk; since every instruction weighs at least 1, a chunk bounds the instructions
// run before Go gets control back (the scheduler and the GC are never starved), and
// since a chunk is at least the largest block's weight, every re-entry makes progress.
func nativeChunk(budget uint64) int64 {
	return int64(min(max(budget, codegen.MaxBlockGas), codegen.MaxRunGas))
}

// runNative is Run's loop for native code. It returns ok = false when the frame must
// continue on the interpreter, for good (the backend declined its code: native.off)
// or for native.slice instructions (its translation credit is spent); the state is
// then consistent at a block boundary.
func (f *Frame) runNative(budget uint64) (exit guest.ExitCode, ok bool) {
	st := &f.St
	chunk := nativeChunk(budget)
	if f.native.prog == nil && f.code == f.img.Code {
		if f.engine == EngineTiered {
			switch ok, err := f.img.native.has(codegen.LayoutOf(st), f.native.opts); {
			case err != nil:
				f.native.off, f.native.err = true, err
				return 0, false
			case !ok:
				// The module is made in the background (loaded from the disk cache
				// there, when it has the code).
				return f.tieredMissing(nil)
			}
		} else if f.Meter && !f.img.native.created.Load() && !f.img.native.loadFromDisk(f.code, codegen.LayoutOf(st), f.native.opts) && !f.moduleEarned() {
			// Interpret (f.native.slice): not worth a native module yet (a module
			// from the disk cache costs no translation, so it is always worth it).
			return 0, false
		}
	}
	for {
		if !f.nativeCurrent() {
			return 0, false
		}
		p, err := f.nativeProgram()
		if err != nil {
			f.native.off, f.native.err = true, err
			return 0, false
		}
		// Fold the budget into the gas: run with at most a chunk, keep the rest.
		total := st.Gas
		run := min(total, chunk)
		st.Gas = run
		exit := p.Run(st)
		st.Gas += total - run
		if exit = f.overdrawn(exit); exit == guest.ExitOutOfGas && st.Gas >= 0 && total != run {
			exit = guest.ExitNone // only the chunk ran out: a budget boundary
		}
		if exit != guest.ExitOutOfGas && exit != guest.ExitFault && f.forceSwitch() {
			// At a block boundary (every exit but a fault or the frame's end is one):
			// interpret a little, the exit's work included, then come back.
			if exit == guest.ExitMissingBlock || exit == guest.ExitNone || exit == guest.ExitZeroLoop {
				return 0, false
			}
		}
		switch exit {
		case guest.ExitNone:
		case guest.ExitOutOfGas:
			return exit, true
		case guest.ExitMissingBlock:
			resolve := f.resolve
			if f.engine == EngineTiered && p.Code() == f.img.Code {
				resolve = f.tieredMissing
			}
			if exit, ok := resolve(p); !ok || exit != guest.ExitNone {
				return exit, ok
			}
		case guest.ExitZeroLoop:
			b := translate.DecodeBlock(f.code, st.PC)
			if exit := translate.RunZeroLoop(st, f.Arena, b); exit != guest.ExitNone {
				return exit, true
			}
		case guest.ExitFenceI:
			if exit := f.fenceI(); exit != guest.ExitNone {
				return exit, true
			}
			if !f.nativeCurrent() {
				return 0, false // the state is at the instruction after FENCE.I
			}
		default:
			return exit, true
		}
		if f.stopped() {
			return guest.ExitBudget, true
		}
	}
}

// CompileContract compiles the image's code, for the contract memory layout, as far as
// static control flow reaches from the entry point (AOT, unmetered: the caller asked
// for it), into the native program contract frames of any native engine use.
func (img *Image) CompileContract() error {
	if nativeBackend == nil {
		return nil
	}
	p := img.Program
	l := codegen.Layout{ArenaBase: guest.ContractBase, ArenaSize: guest.ContractArenaSize, PageGas: guest.ContractPageGas}
	if p.ROEnd > p.ROStart {
		l.ROStart, l.ROSize = p.ROStart-guest.ContractBase, p.ROEnd-p.ROStart
	}
	prog, err := img.native.program(img.Code, p.Entry, l, translate.Options{})
	if err != nil {
		return err
	}
	if err := prog.CompileAll(p.Entry); err != nil {
		return err
	}
	img.native.compiledAll(prog)
	return nil
}

// has reports whether the image has a native program for layout and opts (without
// making one), or why the backend declined it. It never waits: while another goroutine
// sets the program up it reports false.
func (c *nativeCache) has(layout codegen.Layout, opts translate.Options) (bool, error) {
	key := nativeKey{layout, opts}
	if e := c.last.Load(); e != nil && e.key == key {
		return e.err == nil, e.err
	}
	if !c.mu.TryLock() {
		return false, nil // a worker is setting it up or loading it: not yet
	}
	defer c.mu.Unlock()
	e, ok := c.progs[key]
	if !ok {
		return false, nil
	}
	return e.err == nil, e.err
}

// free releases the native programs (the image's last holder is gone).
func (c *nativeCache) free() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, e := range c.progs {
		if e.prog != nil {
			e.prog.Free()
		}
	}
	c.progs = nil
	c.last.Store(nil)
}

// nativeBytes is the size of the image's native code. It never waits for a
// translation (a cache evicting on behalf of a frame must not): while one runs, it
// counts what the program had before.
func (img *Image) nativeBytes() int64 {
	c := &img.native
	if !c.mu.TryLock() {
		return c.bytes.Load()
	}
	defer c.mu.Unlock()
	var n int64
	for _, e := range c.progs {
		if e.prog == nil {
			continue
		}
		if s, ok := e.prog.TryStats(); ok {
			e.memBytes = int64(s.MemBytes)
		}
		n += e.memBytes
	}
	c.bytes.Store(n)
	return n
}

// nativeStats sums the translation counters of the image's native programs.
func (img *Image) nativeStats() translate.Stats {
	c := &img.native
	c.mu.Lock()
	defer c.mu.Unlock()
	var s translate.Stats
	for _, e := range c.progs {
		if e.prog != nil {
			s.Add(e.prog.Stats())
		}
	}
	return s
}
