package amd64

import (
	"github.com/hybridvm/hybridvm/codegen/internal/asm"
	"github.com/hybridvm/hybridvm/riscv"
)

// Divisions by a loop-invariant register guessed constant. keccak's loops compute
// `(x + 1) % 5` as `remw a4, t4, a3` with a3 loaded by `li a3, 5` before the loop and
// never written in it. In a self-loop, a DIVW or REMW whose divisor register the body
// never writes, and which the unit loads with a constant c somewhere (`addi r, zero,
// c`), is a division by c on every iteration once the loop's entry has compared the
// register with c. The entry does that compare (with hoist.go's checks when there are
// any) and enters a copy of the loop in which such a division is a multiplication by
// c's reciprocal (no IDIV, no checks for 0 and -1); when the register holds anything
// else, the usual copy runs. A negative dividend takes IDIV out of line, so only the
// unsigned form of the reciprocal is needed. Results, gas and counts are unchanged:
// both copies compute the same quotient, and division never faults on RISC-V. Outside
// such a copy, a DIVW or REMW by a register with a guessed constant compares the
// register itself and multiplies when it holds the constant (divGuessed).

// maxDivGuards bounds the entry's compares.
const maxDivGuards = 2

// divGuard is one entry compare: register r holds c in its low 32 bits.
type divGuard struct {
	r uint8
	c int64
}

// divPlan is what planDivs found: the entry's compares and, per body index, the
// constant divisor of a division the guarded copy multiplies (0: none).
type divPlan struct {
	guards []divGuard
	by     []int64
}

// magic32 returns M and s with q = (x * M) >> s for every 0 <= x < 2^31 (x * M
// fits 64 bits), M < 2^31 so that it is an IMUL immediate; ok = false when there is
// none. With 2^s < M*c <= 2^s + 2^(s-31), the error x*(M*c - 2^s)/(c*2^s) stays below
// 1/c, which cannot carry floor(x/c) to the next integer.
func magic32(c int64) (m int64, s uint, ok bool) {
	if c < 2 || c >= 1<<31 {
		return 0, 0, false
	}
	for s = 31; s < 64; s++ {
		m = (int64(1)<<s)/c + 1 // the smallest M with M*c > 2^s
		if m >= 1<<31 {
			return 0, 0, false
		}
		if m*c-int64(1)<<s <= int64(1)<<(s-31) {
			return m, s, true
		}
	}
	return 0, 0, false
}

// planDivs returns the plan for self-loop body body, or ok = false.
func (u *unit) planDivs(body []riscv.Inst) (p divPlan, ok bool) {
	var writes [32]bool
	for _, in := range body {
		if writesRd(in) {
			writes[in.Rd] = true
		}
	}
	for m, in := range body {
		if (in.Op != riscv.OpDIVW && in.Op != riscv.OpREMW) || in.Rd == 0 || in.Rs2 == 0 || writes[in.Rs2] {
			continue
		}
		c, found := int64(0), false
		for _, g := range p.guards {
			if g.r == in.Rs2 {
				c, found = g.c, true
			}
		}
		if !found {
			if len(p.guards) == maxDivGuards {
				continue
			}
			if c, found = u.guessConst(in.Rs2); !found {
				continue
			}
			p.guards = append(p.guards, divGuard{in.Rs2, c})
		}
		if p.by == nil {
			p.by = make([]int64, len(body))
		}
		p.by[m] = c
	}
	return p, len(p.guards) > 0
}

// guessConst returns the constant the unit loads into r with `addi r, zero, c` (that
// has a reciprocal, magic32) nearest before the current block: the last such load in
// the closest block that starts at or before it, else the first anywhere in the unit.
func (u *unit) guessConst(r uint8) (int64, bool) {
	return u.guessLi(r, func(c int64) bool { _, _, ok := magic32(c); return ok })
}

// liLoad is an `addi rd, zero, imm` of the unit, in the block starting at start.
type liLoad struct {
	start uint64
	imm   int64
	rd    uint8
}

// guessLi is guessConst for the constants accept takes.
func (u *unit) guessLi(r uint8, accept func(int64) bool) (int64, bool) {
	if !u.lisDone { // the unit's loads of constants, listed once
		u.lis, u.lisDone = u.lis[:0], true
		for _, b := range u.blocks {
			for _, in := range b.Insts {
				if in.Op == riscv.OpADDI && in.Rs1 == 0 {
					u.lis = append(u.lis, liLoad{start: b.Start, imm: in.Imm, rd: in.Rd})
				}
			}
		}
	}
	var best, first int64
	bestAt, haveFirst := uint64(0), false
	for _, l := range u.lis {
		if l.rd != r || !accept(l.imm) {
			continue
		}
		if !haveFirst {
			first, haveFirst = l.imm, true
		}
		if l.start <= u.blk.Start && l.start+1 > bestAt {
			best, bestAt = l.imm, l.start+1
		}
	}
	if bestAt != 0 {
		return best, true
	}
	return first, haveFirst
}

// divCheck emits the entry's compares for plan p: it jumps to slow unless each
// guarded register holds its constant.
func (u *unit) divCheck(p *divPlan, slow *asm.Label) {
	e := &u.e
	for _, g := range p.guards {
		e.op(asm.CMPL, e.src(g.r), asm.Imm(g.c))
		e.jump(asm.JNE, slow)
	}
}

// divGuessed emits DIVW or REMW rd, rs1, rs2 outside a guarded loop copy when the
// unit loads rs2 with a constant c (guessConst), and reports whether it did: one
// compare of rs2 with c selects divConst inline, the general division (div32) runs out
// of line otherwise. keccak's loops run their first iteration in the block before the
// loop (a block runs to its branch), where no loop entry guards the divisor; there the
// compare replaces the checks for 0 and -1 and an IDIV. paired and second are the
// instruction's division-pair role (divpair.go), which the out-of-line division keeps.
func (u *unit) divGuessed(in riscv.Inst, paired, second bool) bool {
	if (in.Op != riscv.OpDIVW && in.Op != riscv.OpREMW) || in.Rd == 0 || in.Rs2 == 0 {
		return false
	}
	c, ok := u.guessConst(in.Rs2)
	if !ok {
		return false
	}
	e := &u.e
	done := u.b.NewLabel()
	e.op(asm.CMPL, e.src(in.Rs2), asm.Imm(c))
	e.jump(asm.JNE, u.coldLabel(func() {
		u.div32(in, paired, second) // out of line: emitted after the unit, so the pair role comes along
		e.jump(asm.JMP, done)
	}))
	u.divConst(in, c, false)
	u.b.Bind(done)
	return true
}

// divConst emits DIVW/REMW rd, rs1, rs2 where the entry proved rs2 = c (see above):
// for a dividend x >= 0 the quotient is (x * M) >> s; a negative one takes IDIV out
// of line, unless nonNeg says there is none. The division runs in rd's register: its
// result, below 2^31, is whole once written as 32 bits (only the out-of-line IDIV's
// may be negative and is sign-extended there). With rd = rs2 it runs in RAX: the IDIV
// reads the divisor after rd is written.
func (u *unit) divConst(in riscv.Inst, c int64, nonNeg bool) {
	e := &u.e
	m, s, _ := magic32(c)
	quot := in.Op == riscv.OpDIVW
	d := e.dest(in.Rd, tA)
	w := d
	if !nonNeg && in.Rd == in.Rs2 {
		w = tA
	}
	done := u.b.NewLabel()
	e.op(asm.MOVL, u.srcRM(in.Rs1, w), asm.R(w))
	if !nonNeg { // (nonNeg: the loop's entry proved the dividend non-negative, hoistbound.go)
		e.op(asm.TESTL, asm.R(w), asm.R(w))
		e.jump(asm.JMI, u.coldLabel(func() {
			if w != tA {
				e.op(asm.MOVL, asm.R(w), asm.R(tA))
			}
			e.op(asm.CDQ, asm.None, asm.None)
			e.op(asm.IDIVL, e.src(in.Rs2), asm.None)
			res := tA
			if !quot {
				res = tD
			}
			e.op(asm.MOVLQSX, asm.R(res), asm.R(w))
			e.jump(asm.JMP, done)
		}))
	}
	u.divReciprocal(quot, c, m, s, w)
	u.b.Bind(done)
	if w != d {
		e.op(asm.MOVQ, asm.R(w), asm.R(d))
	}
	e.commit(in.Rd, d)
}

// divReciprocal divides x >= 0, zero-extended in w (not RDX), by c (reciprocal m,
// shift s): the quotient (quot) or the remainder into w. It uses RDX.
func (u *unit) divReciprocal(quot bool, c, m int64, s uint, w asm.Reg) {
	e := &u.e
	// x * M < 2^62.
	if quot {
		e.op3(asm.IMUL3Q, asm.Imm(m), asm.R(w), asm.R(w))
		e.op(asm.SHRQ, asm.Imm(int64(s)), asm.R(w))
		return
	}
	e.op3(asm.IMUL3Q, asm.Imm(m), asm.R(w), asm.R(tD))
	e.op(asm.SHRQ, asm.Imm(int64(s)), asm.R(tD))
	// w = x - q*c (q*c <= x < 2^31); q*c is a LEA for c = 3, 5 or 9.
	if sc := c - 1; sc == 2 || sc == 4 || sc == 8 {
		e.op(asm.LEAQ, asm.MemIdx(tD, tD, int(sc), 0), asm.R(tD))
	} else {
		e.op3(asm.IMUL3Q, asm.Imm(c), asm.R(tD), asm.R(tD))
	}
	e.op(asm.SUBL, asm.R(tD), asm.R(w))
}
