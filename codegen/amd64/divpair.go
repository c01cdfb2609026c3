package amd64

import (
	"github.com/hybridvm/hybridvm/codegen/internal/asm"
	"github.com/hybridvm/hybridvm/guest"
	"github.com/hybridvm/hybridvm/riscv"
)

// Division pairs. x86's DIV and IDIV give the quotient and the remainder at once, and
// compilers ask for both of the same operands with two RISC-V instructions a few
// apart (divrem's `divu a3,a4,a2; …; remu a2,a4,a2`, the sequence the unprivileged
// spec suggests fusing). When a block's DIV[U][W] and REM[U][W] of the same two
// registers follow each other, with nothing between them writing either register and
// the first not overwriting them, the first computes both: its own result goes to its
// register, the other to guest.State.Scratch, and the second is a load from there.
// Pairs do not interleave: no pair's first lies between another's two instructions
// (it would overwrite the scratch word before the second reads it).
// The special divisors (0, and -1 for the signed forms) give both results as the
// spec defines them. Nothing between the two can leave the block except by a fault,
// which ends the frame before the second runs, so the scratch word is never seen;
// registers, gas and counts are those of the two instructions run apart. A DIVW/REMW
// pair by a register divguard.go guesses a constant for compares it at each of the
// two: both multiply when it holds the constant, and both take div32, the pair,
// otherwise (nothing between them writes the divisor).

// maxPairGap bounds how far ahead the partner is looked for.
const maxPairGap = 16

// divKind describes a division op: its width and signedness (the pair's shared
// part) and whether it gives the quotient; ok = false for other ops.
func divKind(op riscv.Op) (kind int, quot, ok bool) {
	switch op {
	case riscv.OpDIV:
		return 0, true, true
	case riscv.OpREM:
		return 0, false, true
	case riscv.OpDIVU:
		return 1, true, true
	case riscv.OpREMU:
		return 1, false, true
	case riscv.OpDIVW:
		return 2, true, true
	case riscv.OpREMW:
		return 2, false, true
	case riscv.OpDIVUW:
		return 3, true, true
	case riscv.OpREMUW:
		return 3, false, true
	}
	return 0, false, false
}

// pairDivisions returns body's division pairs as marks from alloc (2n bools, all
// false; nil when there is no pair): marks[2i] when instruction i computes both
// results, marks[2i+1] when it is the partner reading the other. skip(i) excludes a
// division lowered otherwise (divguard.go's constant divisors). Pairs do not
// interleave: there is one scratch word.
func pairDivisions(body []riscv.Inst, alloc func(n int) []bool, skip func(i int) bool) (marks []bool) {
	open := -1 // the second of the last pair: no first before it, whose scratch word it reads
	for i, in := range body {
		kind, quot, ok := divKind(in.Op)
		if !ok || in.Rd == 0 || in.Rs2 == 0 || in.Rd == in.Rs1 || in.Rd == in.Rs2 || skip(i) ||
			marks != nil && marks[2*i+1] || i < open {
			continue
		}
		for j := i + 1; j < len(body) && j <= i+maxPairGap; j++ {
			o := body[j]
			if k, q, ok := divKind(o.Op); ok && k == kind && q != quot && o.Rs1 == in.Rs1 && o.Rs2 == in.Rs2 {
				if o.Rd != 0 && !skip(j) {
					if marks == nil {
						marks = alloc(2 * len(body))
					}
					marks[2*i], marks[2*j+1] = true, true
					open = j
				}
				break
			}
			if writesRd(o) && (o.Rd == in.Rs1 || o.Rd == in.Rs2) {
				break
			}
		}
	}
	return marks
}

// pairRole says whether the instruction being lowered is the first of a division
// pair or the second (the block's plan is part of the context out-of-line code
// restores: a memory group's out-of-line copy lowers divisions too).
func (u *unit) pairRole() (first, second bool) {
	if 2*u.idx+1 >= len(u.divPair) {
		return false, false
	}
	return u.divPair[2*u.idx], u.divPair[2*u.idx+1]
}

// pairSecond lowers the second instruction of a pair: its result is the scratch word.
func (u *unit) pairSecond(in riscv.Inst) {
	e := &u.e
	d := e.dest(in.Rd, tA)
	e.op(asm.MOVQ, stMem(guest.OffScratch), asm.R(d))
	e.commit(in.Rd, d)
}

// saveOther stores host register r, the result the pair's second instruction wants,
// into the scratch word (sign-extended from 32 bits for the W forms).
func (u *unit) saveOther(r asm.Reg, word bool) {
	e := &u.e
	if word {
		e.op(asm.MOVLQSX, asm.R(r), asm.R(r))
	}
	e.op(asm.MOVQ, asm.R(r), stMem(guest.OffScratch))
}

// saveSpecial stores into the scratch word the other result of the first instruction
// in of a pair when the divisor is special: zero (all ones for a quotient, the
// dividend for a remainder) or, signed, -1 (the negated dividend, or 0).
func (u *unit) saveSpecial(in riscv.Inst, quot, word, minusOne bool) {
	e := &u.e
	other := !quot // what the partner computes: a quotient when in is the remainder
	switch {
	case !minusOne && other:
		e.store64Imm(^uint64(0), guest.OffScratch)
	case !minusOne:
		e.load(in.Rs1, tA)
		u.saveOther(tA, word)
	case other:
		e.load(in.Rs1, tA)
		if word {
			e.op(asm.NEGL, asm.None, asm.R(tA))
		} else {
			e.op(asm.NEGQ, asm.None, asm.R(tA))
		}
		u.saveOther(tA, word)
	default:
		e.store64Imm(0, guest.OffScratch)
	}
}

// otherResult is the register x86's division leaves the partner's result in: the
// remainder (RDX) when the first instruction wants the quotient (RAX), and back.
func otherResult(quot bool) asm.Reg {
	if quot {
		return tD
	}
	return tA
}

// divByConst reports whether body index i is a division divguard.go's copy lowers
// as a multiplication.
func (u *unit) divByConst(i int) bool {
	return u.divBy != nil && i < len(u.divBy) && u.divBy[i] != 0
}
