package amd64

import (
	"slices"

	"github.com/hybridvm/hybridvm/codegen"
	"github.com/hybridvm/hybridvm/codegen/internal/asm"
	"github.com/hybridvm/hybridvm/riscv"
)

// Block-local register mapping. The module maps ten guest registers to host registers
// for the whole program (chooseRegs): that mapping is the convention at every block
// boundary — every jump between blocks, the dispatch table, every exit — so units
// compiled at different times link freely. A block whose own instructions use some
// unmapped guest registers much more than some mapped ones swaps them for its body:
// after its gas charge it stores the evicted registers to State.X and loads the
// favoured ones into their host registers, and before its terminator, and at the head
// of every out-of-line path that leaves the block (faults, out of gas), it does the
// reverse. A self-loop (a block branching back to its own start) keeps its mapping
// across the back edge: the swap is paid once per entry, not once per iteration, so
// for one it pays off much sooner. RCX, which some instructions borrow (withCX), is
// never swapped.

// swapCost is what a swap costs a block that runs once (two loads and two stores),
// and loopSwapCost the same for a self-loop, in register accesses saved.
const (
	swapCost     = 4
	loopSwapCost = 1
)

// blockUses counts each guest register's operands in the block (its terminator too).
func blockUses(blk *codegen.Block) (uses [32]int, written [32]bool) {
	for _, in := range blk.Insts {
		regs, n := instOperands(in)
		for _, r := range regs[:n] {
			uses[r]++
		}
		if writesRd(in) && n > 0 {
			written[in.Rd] = true
		}
	}
	uses[0], written[0] = 0, false
	return uses, written
}

// instOperands lists the registers an instruction reads or writes: the first n of regs.
func instOperands(in riscv.Inst) (regs [3]uint8, n int) {
	switch in.Op {
	case riscv.OpLUI, riscv.OpAUIPC, riscv.OpJAL, riscv.OpCSRRWI, riscv.OpCSRRSI, riscv.OpCSRRCI:
		return [3]uint8{in.Rd}, 1
	}
	switch {
	case in.Op.IsBranch(), in.Op.IsStore():
		return [3]uint8{in.Rs1, in.Rs2}, 2
	case in.Op.IsAtomic(), in.Op.Class() == riscv.ClassMul, in.Op.Class() == riscv.ClassDiv,
		in.Op >= riscv.OpADD && in.Op <= riscv.OpAND,
		in.Op >= riscv.OpADDW && in.Op <= riscv.OpSRAW:
		return [3]uint8{in.Rd, in.Rs1, in.Rs2}, 3
	}
	return [3]uint8{in.Rd, in.Rs1}, 2
}

// blockMap returns the mapping for blk's body, derived from the module's mapping by
// swaps that save more register accesses than they cost (the same mapping when none
// does), and which guest registers the block writes.
func blockMap(global *regMap, blk *codegen.Block, loop bool) (regMap, [32]bool) {
	m := *global
	uses, written := blockUses(blk)
	cost := swapCost
	if loop {
		cost = loopSwapCost
	}
	// Candidates: unmapped registers by use, mapped ones by disuse (arrays on the
	// stack: translation allocates nothing per block here).
	var inBuf, outBuf [31]int
	in, out := inBuf[:0], outBuf[:0]
	for g := 1; g < 32; g++ {
		switch h := global.host[g]; {
		case h == asm.NoReg:
			if uses[g] > cost {
				in = append(in, g)
			}
		case h != tC:
			out = append(out, g)
		}
	}
	if len(in) == 0 {
		return m, written // nothing worth a swap (most blocks)
	}
	slices.SortStableFunc(in, func(a, b int) int { return uses[b] - uses[a] })
	slices.SortStableFunc(out, func(a, b int) int { return uses[a] - uses[b] })
	for i := 0; i < len(in) && i < len(out); i++ {
		s, g := in[i], out[i]
		if uses[s]-uses[g] <= cost {
			break
		}
		m.host[s], m.host[g] = m.host[g], asm.NoReg
	}
	return m, written
}

// swap is a host register and the guest registers it holds under two mappings.
type swap = [3]int

// swaps lists, without allocating, the host registers whose guest register
// differs between two mappings (of), with the guest register each holds under
// the first and under the second (0: none).
type swaps struct {
	buf [len(mappable)]swap
}

func (ps *swaps) of(a, b *regMap) (pairs []swap) {
	pairs = ps.buf[:0]
	if a.host == b.host {
		return pairs
	}
	var ga, gb [16]int // by ownIdx
	for g := 1; g < 32; g++ {
		if h := a.host[g]; h != asm.NoReg {
			ga[ownIdx(h)] = g
		}
		if h := b.host[g]; h != asm.NoReg {
			gb[ownIdx(h)] = g
		}
	}
	for _, h := range mappable {
		if i := ownIdx(h); ga[i] != gb[i] {
			pairs = append(pairs, [3]int{int(h), ga[i], gb[i]})
		}
	}
	return pairs
}

// localMapping is a block's own mapping and the host registers whose guest
// register differs from the module's mapping (computed once per block: entering
// and leaving use them at every exit).
type localMapping struct {
	rm    regMap
	swaps swaps
	n     int
}

// pairs lists the differing host registers, each with the guest register it holds
// under the module's mapping and under the block's.
func (l *localMapping) pairs() []swap { return l.swaps.buf[:l.n] }

// enterLocal switches from the module's mapping to the block's: the evicted guest
// registers go to State.X, the favoured ones come from it. Flags are preserved.
func (u *unit) enterLocal() {
	e := &u.e
	for _, p := range u.local.pairs() {
		h := asm.Reg(p[0])
		if p[1] != 0 {
			e.op(asm.MOVQ, asm.R(h), stMem(xoff(uint8(p[1]))))
		}
		if p[2] != 0 {
			e.op(asm.MOVQ, stMem(xoff(uint8(p[2]))), asm.R(h))
		}
	}
	e.rm = &u.local.rm
}

// leave switches back to the module's mapping when the code being emitted runs under
// the block's own (the block's registers that it wrote go back to State.X, the
// evicted ones come back from it); nothing otherwise. Flags, RAX and RDX are
// preserved. Every path out of a block calls it first.
func (u *unit) leave() {
	e := &u.e
	if e.rm == &u.m.rm {
		return
	}
	for _, p := range u.local.pairs() { // module's guest register p[1], block's p[2]
		h := asm.Reg(p[0])
		if p[2] != 0 && u.written[p[2]] {
			e.op(asm.MOVQ, asm.R(h), stMem(xoff(uint8(p[2]))))
		}
		if p[1] != 0 {
			e.op(asm.MOVQ, stMem(xoff(uint8(p[1]))), asm.R(h))
		}
	}
	e.rm = &u.m.rm
}
