package codegen

import (
	"fmt"

	"github.com/hybridvm/hybridvm/guest"
)

// Layout is what compiled code assumes about a frame's guest memory: the arena's
// guest address and size and the write-protected range (offsets from ArenaBase, as in
// guest.State). Bounds checks compile these in as constants, so a module only runs
// frames whose state has exactly this layout (see LayoutOf).
type Layout struct {
	ArenaBase, ArenaSize uint64
	ROStart, ROSize      uint64
	// PageGas is the gas per page of store-window growth (guest.State.PageGas).
	PageGas int64
}

// LayoutOf returns the layout of the arena bound to st.
func LayoutOf(st *guest.State) Layout {
	l := Layout{ArenaBase: st.ArenaBase, ArenaSize: st.ArenaSize, ROStart: st.ROStart, ROSize: st.ROSize, PageGas: st.PageGas}
	if l.ROSize == 0 {
		l.ROStart = 0
	}
	return l
}

func (l Layout) String() string {
	return fmt.Sprintf("arena [%#x, +%#x) read-only [+%#x, +%#x) page gas %d", l.ArenaBase, l.ArenaSize, l.ROStart, l.ROStart+l.ROSize, l.PageGas)
}

// Term is how a block ends.
type Term uint8

// The block terminators.
const (
	// TermFall: the block stops without a control transfer (the length cap, or the
	// next instruction cannot be fetched) and continues at End.
	TermFall Term = iota
	TermBranch
	TermJAL
	TermJALR
	TermEcall
	TermFenceI
	TermEbreak
	TermIllegal
)

// Block is a decoded guest basic block (guest.Block: the rule every engine shares)
// with its terminator classified for the backend.
type Block struct {
	guest.Block
	Term Term
}

// Successors returns the addresses control may reach statically after the block:
// the fall-through address, the branch or jump target, and — after a call (a jump
// that links) — the return address.
func (b *Block) Successors() []uint64 {
	switch b.Term {
	case TermFall, TermEcall, TermFenceI:
		return []uint64{b.End}
	case TermBranch:
		return []uint64{b.Target, b.End}
	case TermJAL:
		if b.Insts[len(b.Insts)-1].Rd != 0 {
			return []uint64{b.Target, b.End}
		}
		return []uint64{b.Target}
	case TermJALR:
		if b.Insts[len(b.Insts)-1].Rd != 0 {
			return []uint64{b.End}
		}
	}
	return nil
}

// ModuleConfig configures a module: the code's address range and the guest memory
// layout compiled code assumes, and how often each guest register is used (weights
// the backend may use to choose which guest registers live in host registers).
type ModuleConfig struct {
	CodeLo, CodeHi uint64
	Layout         Layout
	RegUse         [32]int
}

// Backend turns guest blocks into host machine code.
type Backend interface {
	// Name names the host architecture ("amd64").
	Name() string
	// NewModule returns an empty module for one program's code.
	NewModule(cfg ModuleConfig) (Module, error)
	// Target is the target of the modules NewModule returns now (Module.Target).
	Target() Target
}

// Module is the compiled code of one program (one guest.Code and Layout). Run may be
// called from many goroutines at once, also while Compile or Link run; Compile, Link
// and Has must be serialised by the caller. Compiled code is never modified: new
// blocks are linked in by atomic stores to ordinary memory (jump slots and the
// indirect-jump dispatch table).
type Module interface {
	// Compile lowers blocks into one new unit of executable code and links them in:
	// afterwards Run can reach each of them, and jumps of earlier blocks that waited
	// for one of them go there directly. Blocks already compiled are an error.
	Compile(blocks []*Block) error
	// Has reports whether the block starting at pc is compiled.
	Has(pc uint64) bool
	// Link makes the compiled block at pc the dispatch target for pc again (an
	// indirect jump to another address may have taken its place in the table).
	Link(pc uint64)
	// Run executes from st.PC until an exit and returns st.Exit. st must have the
	// module's layout, and st.Gas must not exceed MaxRunGas: callers fold their
	// instruction budget into the gas they hand over (see machine).
	Run(st *guest.State) guest.ExitCode
	// CodeSize is the number of bytes of machine code compiled so far.
	CodeSize() int
	// MemSize is the number of bytes of executable memory (code and data pages) the
	// module takes.
	MemSize() int
	// Free releases the module's executable memory. The module must not be used
	// afterwards.
	Free()

	// Target is what the module's code assumes of the host it runs on.
	Target() Target
	// Units returns the compiled code in relocatable form (codegen/reloc.go), for a
	// cache that keeps it beyond the process.
	Units() []*Unit
	// Load checks a unit exported by Units of a module of the same configuration and
	// target, maps it and links its blocks in, as Compile does, without translating.
	Load(u *Unit) error
}

// Target is what compiled code assumes of its host: a module's code may run only where
// all four match (a code cache keeps it with its units).
type Target struct {
	// Backend names the backend ("amd64") and Version its code generation: a change to
	// the code a backend emits for the same input must change Version.
	Backend string
	Version int
	// Arch is the GOARCH the code was compiled for; Features lists the optional CPU
	// features the code uses ("bmi2"), empty for the architecture's baseline.
	Arch, Features string
}

func (t Target) String() string {
	return fmt.Sprintf("%s v%d %s [%s]", t.Backend, t.Version, t.Arch, t.Features)
}

// MaxRunGas is the most gas a module may be given per Run (amd64 packs the gas and
// the retired-instruction count of one run into one register; see codegen/amd64).
const MaxRunGas = 1<<18 - 1

// MaxBlockGas is the largest possible block weight: guest.MaxBlockInsts × the largest
// instruction weight.
const MaxBlockGas = guest.MaxBlockInsts * 25
