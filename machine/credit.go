package machine

import (
	"github.com/hybridvm/hybridvm/guest"
	"github.com/hybridvm/hybridvm/translate"
)

// Translation credit. Translating a guest instruction to native code costs the host
// microseconds; running it on the interpreter costs nanoseconds. Unmetered, a contract
// that runs a long straight stretch of code once (a CREATE of 256 KiB of jumps) made
// the host translate for seconds on 200k gas. A metered frame (Frame.Meter: every
// contract frame) may therefore only translate as its image earns it: the native code
// of an image holds at most
//
//	retired / CreditRatio
//
// guest instructions, where retired counts the instructions that frames of the image
// have retired on any engine (each one paid for with at least one gas). Until a block
// is covered, the frame runs on the interpreter — results, gas and instruction counts
// are the same on every engine, so when the switch happens changes nothing but speed
// — and comes back to native code at a block boundary. Code that runs hot is
// translated after it ran CreditRatio times its own length; code that runs once is
// mostly never translated. AOT frames compile the whole program once the credit
// covers its text. RATIONALE.md gives the measured figures behind the ratio.
const CreditRatio = 32

// moduleCredit is the credit (instructions the image may translate) before a metered
// frame sets up the image's native module at all: the register analysis, entry stubs
// and dispatch table cost about a millisecond, more than a whole call of a typical
// contract on the interpreter, so code that runs only a few times never pays it.
const moduleCredit = 256

// moduleEarned reports whether the image has earned a native module; if not, it sets
// the slice to interpret before asking again.
func (f *Frame) moduleEarned() bool {
	f.flushRetired()
	if f.img.retired.Load()/CreditRatio >= moduleCredit {
		return true
	}
	f.interpretFor(moduleCredit)
	return false
}

// minSlice and maxSlice bound the instructions a metered frame interprets before it
// tries native code again.
const (
	minSlice = 1 << 12
	maxSlice = 1 << 20
)

// flushRetired adds the instructions the frame retired since the last flush to its
// image's count.
func (f *Frame) flushRetired() {
	if d := f.St.Instret - f.credited; d > 0 {
		f.img.retired.Add(d)
		f.credited = f.St.Instret
	}
}

// creditLeft is how many more guest instructions p may translate for this frame
// (unlimited for unmetered frames: -1).
func (f *Frame) creditLeft(p *translate.Program) int64 {
	if !f.Meter {
		return -1
	}
	f.flushRetired()
	return int64(f.img.retired.Load()/CreditRatio) - int64(p.Stats().Insts)
}

// interpretFor sets the slice of instructions to interpret before native code is tried
// again, when need more instructions must be covered by credit.
func (f *Frame) interpretFor(need int64) {
	f.native.slice = uint64(min(max(need*CreditRatio, minSlice), maxSlice))
}

// resolve handles ExitMissingBlock at st.PC within the frame's credit. It returns
// ok = false when the frame must interpret for a while (f.native.slice set) or for
// good (f.native.off), and exit = ExitFault for a block that cannot be fetched.
func (f *Frame) resolve(p *translate.Program) (exit guest.ExitCode, ok bool) {
	st := &f.St
	left := f.creditLeft(p)
	if f.engine == EngineAOT {
		// The whole text once it is covered, else block by block as the JIT.
		if span := int64(p.Code().Hi-p.Code().Lo) / 2; left < 0 || span <= left {
			if err := p.CompileAll(f.img.Program.Entry, st.PC); err != nil {
				f.native.off, f.native.err = true, err
				return 0, false
			}
			if p.Code() == f.img.Code {
				f.img.native.compiledAll(p)
			}
			if left >= 0 {
				left = f.creditLeft(p)
			}
		}
	}
	maxInsts := 0
	if left >= 0 {
		if left == 0 {
			f.interpretFor(1)
			return 0, false
		}
		maxInsts = int(min(left, 1<<30))
	}
	found, compiled, err := p.ResolveWithin(st.PC, maxInsts)
	switch {
	case err != nil:
		f.native.off, f.native.err = true, err
		return 0, false
	case !found:
		st.SetFault(guest.FaultFetch, st.PC, st.PC)
		return guest.ExitFault, true
	case !compiled:
		f.interpretFor(guest.MaxBlockInsts)
		return 0, false
	}
	return guest.ExitNone, true
}
