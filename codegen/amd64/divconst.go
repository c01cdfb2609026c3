package amd64

import (
	"slices"

	"github.com/hybridvm/hybridvm/codegen"
	"github.com/hybridvm/hybridvm/codegen/internal/asm"
	"github.com/hybridvm/hybridvm/riscv"
)

// Division by a register that holds a constant. Compiled RV64 code often keeps a
// small divisor in a register for a whole loop nest (keccak's `(x + 1) % 5` loads 5
// once at the function's entry and then runs `remw` by that register in inner
// loops). A general division first checks for the divisors RISC-V defines specially
// (zero, and -1 for the signed forms: div32Var, div64). When the unit guesses the
// register's constant, one compare with the guess replaces those checks, and a
// different value takes the general division out of line.
//
// The division itself stays a DIV/IDIV. Multiplying by the reciprocal (the sequence
// a compiler emits for a literal divisor) was tried and measured slower on the
// kernels' machine (bench/riscv/README.md): the divider runs in parallel with the
// loops' other work, while the multiply sequence adds instructions to loops bound by
// instruction throughput.
//
// The guess needs no proof that no other path (an indirect jump into the block, a
// write outside the unit) reaches the division: a wrong guess costs one predicted
// branch. It is a constant propagation over the unit's blocks restricted to the
// registers its W divisions (signed or not) divide by (at most maxDivRegs) and to constants loaded
// by `li` (`addi rd, x0, c`): a register's value at a block's entry is the meet,
// over the block's predecessors in the unit, of its value at their ends (nothing
// known, one constant, or several values); any other write, a call (the callee may
// write it) or an ecall makes it unknown. Blocks no edge of the unit reaches start
// with nothing known, so a register defined on every path of the unit that reaches
// the division is guessed even when the unit is entered elsewhere. It runs once
// per unit, only when the unit has such a division.

// maxDivRegs bounds the divisor registers a unit tracks.
const maxDivRegs = 4

// divVal is a tracked register's value in the propagation.
type divVal struct {
	kind uint8 // dvNone, dvConst or dvMany
	c    int64
}

const (
	dvNone  = iota // nothing known yet (or, as a block's effect: not written)
	dvConst        // c
	dvMany         // not one constant
)

func (a divVal) meet(b divVal) divVal {
	switch {
	case a.kind == dvNone:
		return b
	case b.kind == dvNone || a == b:
		return a
	}
	return divVal{kind: dvMany}
}

// divFlow is the propagation's result: in[b*n+i] is regs[i]'s value at block b's
// entry.
type divFlow struct {
	regs [maxDivRegs]uint8
	n    int
	in   []divVal
}

// after returns v updated by the writes to r in insts.
func divAfter(v divVal, r uint8, insts []riscv.Inst) divVal {
	for _, in := range insts {
		if in.Rd != r {
			continue
		}
		if in.Op == riscv.OpADDI && in.Rs1 == 0 {
			v = divVal{kind: dvConst, c: in.Imm}
		} else {
			v = divVal{kind: dvMany}
		}
	}
	return v
}

// buildDivFlow runs the propagation for the unit's blocks.
func (u *unit) buildDivFlow() *divFlow {
	f := &divFlow{}
	for _, b := range u.blocks {
		for _, in := range b.Insts {
			if isDiv32(in.Op) && in.Rs2 != 0 && !slices.Contains(f.regs[:f.n], in.Rs2) && f.n < maxDivRegs {
				f.regs[f.n] = in.Rs2
				f.n++
			}
		}
	}
	if f.n == 0 {
		return f
	}
	n := f.n
	f.in = make([]divVal, len(u.blocks)*n)
	out := make([]divVal, n)
	work := make([]int, len(u.blocks))
	queued := make([]bool, len(u.blocks))
	for i := range work {
		work[i], queued[i] = i, true
	}
	for len(work) > 0 {
		bi := work[len(work)-1]
		work = work[:len(work)-1]
		queued[bi] = false
		b := u.blocks[bi]
		for i := 0; i < n; i++ {
			out[i] = divAfter(f.in[bi*n+i], f.regs[i], b.Insts)
		}
		for _, s := range b.Successors() {
			si, ok := u.index[s]
			if !ok {
				continue
			}
			// The fall-through of a call or an ecall runs after code that may
			// write any register.
			clobber := s == b.End && (b.Term == codegen.TermEcall ||
				(b.Term == codegen.TermJAL || b.Term == codegen.TermJALR) && b.Insts[len(b.Insts)-1].Rd != 0)
			changed := false
			for i := 0; i < n; i++ {
				v := out[i]
				if clobber {
					v = divVal{kind: dvMany}
				}
				if m := f.in[si*n+i].meet(v); m != f.in[si*n+i] {
					f.in[si*n+i], changed = m, true
				}
			}
			if changed && !queued[si] {
				work, queued[si] = append(work, si), true
			}
		}
	}
	return f
}

// isDiv32 reports whether op is one of the W divisions.
func isDiv32(op riscv.Op) bool {
	return op == riscv.OpDIVW || op == riscv.OpREMW || op == riscv.OpDIVUW || op == riscv.OpREMUW
}

// divGuess returns the constant guest register r is guessed to hold before body
// instruction idx of the block being lowered (see above).
func (u *unit) divGuess(r uint8, idx int) (int64, bool) {
	if u.divFlow == nil {
		u.divFlow = u.buildDivFlow()
	}
	f := u.divFlow
	i := slices.Index(f.regs[:f.n], r)
	bi, ok := u.index[u.blk.Start]
	if i < 0 || !ok || idx > len(u.blk.Insts) {
		return 0, false
	}
	v := divAfter(f.in[bi*f.n+i], r, u.blk.Insts[:idx])
	return v.c, v.kind == dvConst
}

// div32Const lowers a W division by guest register rs2 when the unit guesses it
// holds a constant other than 0 (and -1 for the signed forms): one compare with the guess replaces the
// checks for the special divisors, which a wrong guess takes out of line. It reports
// false (nothing emitted) when there is no such guess.
func (u *unit) div32Const(in riscv.Inst) bool {
	c, ok := u.divGuess(in.Rs2, u.idx)
	d := int64(int32(c)) // W forms divide by the low 32 bits
	signed := in.Op == riscv.OpDIVW || in.Op == riscv.OpREMW
	if !ok || d == 0 || d == -1 && signed {
		return false
	}
	e := &u.e
	quot := in.Op == riscv.OpDIVW || in.Op == riscv.OpDIVUW
	div := e.src(in.Rs2)
	done := u.b.NewLabel()
	e.op(asm.CMPL, div, asm.Imm(d))
	e.jump(asm.JNE, u.coldLabel(func() {
		u.div32Var(in)
		e.jump(asm.JMP, done)
	}))
	e.op(asm.MOVL, u.srcRM(in.Rs1, tA), asm.R(tA))
	if signed {
		e.op(asm.CDQ, asm.None, asm.None)
		e.op(asm.IDIVL, div, asm.None)
	} else {
		e.op(asm.XORL, asm.R(tD), asm.R(tD))
		e.op(asm.DIVL, div, asm.None)
	}
	res := tA
	if !quot {
		res = tD
	}
	dst := e.dest(in.Rd, res)
	e.op(asm.MOVLQSX, asm.R(res), asm.R(dst))
	e.commit(in.Rd, dst)
	u.b.Bind(done)
	return true
}
