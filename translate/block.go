package translate

import (
	"sync"

	"github.com/hybridvm/hybridvm/codegen"
	"github.com/hybridvm/hybridvm/guest"
	"github.com/hybridvm/hybridvm/riscv"
)

// DecodeBlock decodes the block starting at start (guest.DecodeBlock, the rule the
// interpreter uses too), or returns nil when no instruction can be fetched there (a
// fetch fault).
func DecodeBlock(code *guest.Code, start uint64) *codegen.Block {
	gb := guest.DecodeBlock(code, start)
	if gb == nil {
		return nil
	}
	return classify(*gb)
}

// classify returns gb with its terminator classified.
func classify(gb guest.Block) *codegen.Block {
	b := &codegen.Block{}
	classifyInto(b, gb)
	return b
}

func classifyInto(b *codegen.Block, gb guest.Block) {
	*b = codegen.Block{Block: gb, Term: codegen.TermFall}
	if in, ok := gb.Terminator(); ok {
		b.Term = terminator(in)
	}
}

func terminator(in riscv.Inst) codegen.Term {
	switch {
	case in.Op.IsBranch():
		return codegen.TermBranch
	case in.Op == riscv.OpJAL:
		return codegen.TermJAL
	case in.Op == riscv.OpJALR:
		return codegen.TermJALR
	case in.Op == riscv.OpECALL:
		return codegen.TermEcall
	case in.Op == riscv.OpFENCEI:
		return codegen.TermFenceI
	case in.Op == riscv.OpEBREAK:
		return codegen.TermEbreak
	}
	return codegen.TermIllegal
}

// blockArena decodes blocks into shared storage: their instructions into slabs
// (insts instructions the last) and the blocks into slabs (both growing), so decoding
// a whole program allocates a few slabs instead of two objects per block. A block is
// decoded into a scratch buffer of guest.MaxBlockInsts (pooled across arenas) and
// copied to its slab: a slab holds whole blocks and needs no room for the longest.
type blockArena struct {
	buf     []riscv.Inst
	insts   int
	scratch *[guest.MaxBlockInsts]riscv.Inst
	blocks  []codegen.Block
	nblocks int // the size of the last slab
}

// scratchPool holds decode buffers for blockArena.
var scratchPool = sync.Pool{New: func() any { return new([guest.MaxBlockInsts]riscv.Inst) }}

// release gives the arena's scratch buffer back (the blocks stay).
func (a *blockArena) release() {
	if a.scratch != nil {
		scratchPool.Put(a.scratch)
		a.scratch = nil
	}
}

// decode is DecodeBlock with the block's instructions in the arena.
func (a *blockArena) decode(code *guest.Code, start uint64) *codegen.Block {
	if a.scratch == nil {
		a.scratch = scratchPool.Get().(*[guest.MaxBlockInsts]riscv.Inst)
	}
	gb, ok := guest.DecodeBlockInto(code, start, a.scratch[:])
	if !ok {
		return nil
	}
	n := len(gb.Insts)
	if len(a.buf) < n {
		// Slabs grow: a small program takes one small slab, a large one a few.
		a.insts = min(max(2*a.insts, guest.MaxBlockInsts), 1<<14)
		a.buf = make([]riscv.Inst, a.insts)
	}
	copy(a.buf, gb.Insts)
	gb.Insts = a.buf[:n:n]
	a.buf = a.buf[n:]
	if len(a.blocks) == 0 {
		a.nblocks = min(max(2*a.nblocks, 16), 256)
		a.blocks = make([]codegen.Block, a.nblocks)
	}
	b := &a.blocks[0]
	a.blocks = a.blocks[1:]
	classifyInto(b, gb)
	return b
}

// successors lists the addresses control may reach statically after b: its
// Successors, then the target of a JALR that indirectTarget finds.
func successors(b *codegen.Block) (s [3]uint64, n int) {
	for _, pc := range b.Successors() {
		s[n] = pc
		n++
	}
	if t, ok := indirectTarget(b); ok {
		s[n] = t
		n++
	}
	return s, n
}

// indirectTarget finds the target of a JALR whose base register was set by an AUIPC
// or LUI earlier in the same block and not changed since (far calls and tail calls:
// auipc ra, hi; jalr ra, lo(ra)).
func indirectTarget(b *codegen.Block) (uint64, bool) {
	if b.Term != codegen.TermJALR {
		return 0, false
	}
	jalr := b.Insts[len(b.Insts)-1]
	if jalr.Rs1 == 0 {
		return uint64(jalr.Imm) &^ 1, true
	}
	pc := b.End - uint64(jalr.Len)
	for i := len(b.Insts) - 2; i >= 0; i-- {
		in := b.Insts[i]
		pc -= uint64(in.Len)
		if in.Rd != jalr.Rs1 {
			continue
		}
		switch in.Op {
		case riscv.OpAUIPC:
			return (pc + uint64(in.Imm) + uint64(jalr.Imm)) &^ 1, true
		case riscv.OpLUI:
			return (uint64(in.Imm) + uint64(jalr.Imm)) &^ 1, true
		}
		return 0, false
	}
	return 0, false
}

// pcSet is a set of guest addresses: a bitmap over the code's even addresses for a
// set that may cover much of a code range small enough, a map otherwise. An address no block can start at
// (odd, or outside the code range) is never added: add reports true each time.
type pcSet struct {
	lo, hi uint64
	bits   []uint64
	m      map[uint64]bool
}

// maxBitmapSpan is the largest code range a pcSet covers with a bitmap (a 1 MiB one).
const maxBitmapSpan = 16 << 20

func newPCSet(code *guest.Code, dense bool) *pcSet {
	s := &pcSet{lo: code.Lo, hi: code.Hi}
	if span := code.Hi - code.Lo; dense && span <= maxBitmapSpan {
		s.bits = make([]uint64, span/128+1)
	} else {
		s.m = map[uint64]bool{}
	}
	return s
}

// add adds pc and reports whether it was new.
func (s *pcSet) add(pc uint64) bool {
	if pc&1 != 0 || pc < s.lo || pc >= s.hi {
		return true
	}
	if s.m != nil {
		if s.m[pc] {
			return false
		}
		s.m[pc] = true
		return true
	}
	i := (pc - s.lo) >> 1
	w, bit := i>>6, uint64(1)<<(i&63)
	if s.bits[w]&bit != 0 {
		return false
	}
	s.bits[w] |= bit
	return true
}
