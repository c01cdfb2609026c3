package amd64

import (
	"github.com/hybridvm/hybridvm/codegen/internal/asm"
	"github.com/hybridvm/hybridvm/riscv"
)

// Bounds checks hoisted out of self-loops closed by an ordered comparison. C's
// `for (m = p*p; m <= n; m += p) composite[m] = 1` (sieve's inner loop) is
//
//	loop: sb   a6, 0(a3)
//	      add  a5, a5, a4
//	      add  a3, a3, a4
//	      bgeu a2, a5, loop
//
// an induction register r (a5) stepped by a register s (a4) the body never writes,
// or by a positive constant, compared with an invariant q (a2), and an access
// through a register b (a3) stepped by the same amount. planHoist's trip count needs
// a `bne` and a constant step; here no trip count is needed. Write Q for the largest
// r the loop goes on with: q for `bgeu q, r` (and `bge`), q-1 for `bltu r, q` (and
// `blt`). The entry checks r0 <= Q, so every iteration k that runs starts with
// r_k <= Q (iteration 0 by that check, the others because the branch went on), and
// Q < 2^63 (2^62 for the signed forms, with r0 >= -2^62) and s < 2^32, so r never
// wraps: r_k = r0 + k*s exactly, between r0 and Q. b moves in step with r, so b_k =
// b0 + (r_k - r0) lies between b0 and b0 + (Q - r0), and an access at b + imm before
// b's step (b + s + imm after it) lies in one hull. The entry checks that hull as
// hoist.go checks its hulls (loads against the arena, stores against the store
// window their fast check would use, with the same reasoning), with Q - r0 below
// 2^40 so that nothing wraps; accesses through invariant registers are checked as
// there. When all of it holds, the loop runs hoist.go's copy without those checks.
// s = 0 (an endless loop, until its gas runs out) is covered: r_k = r0.

// cmpHoist is what planCmpHoist adds to a hoistPlan: the comparison that closes the
// loop and the step.
type cmpHoist struct {
	q      uint8 // the invariant register r is compared with
	strict bool  // r < q (else r <= q)
	signed bool  // a signed comparison
	s      uint8 // the step register (0: the constant step c)
	c      int64
}

// planCmpHoist returns the plan for a self-loop body closed by term when term is an
// ordered comparison of an induction register with an invariant one (see above), or
// ok = false.
func planCmpHoist(body []riscv.Inst, term riscv.Inst, bools func(int) []bool) (p hoistPlan, ok bool) {
	var ch cmpHoist
	var r uint8
	switch term.Op {
	case riscv.OpBGEU, riscv.OpBGE: // go on while q >= r
		ch.q, r = term.Rs1, term.Rs2
	case riscv.OpBLTU, riscv.OpBLT: // go on while r < q
		r, ch.q, ch.strict = term.Rs1, term.Rs2, true
	default:
		return p, false
	}
	ch.signed = term.Op == riscv.OpBGE || term.Op == riscv.OpBLT
	var writes [32]uint8
	var at [32]int
	// step[x]: how x is stepped, when its one write is `add x, x, s` (reg = s) or
	// `addi x, x, c` with c > 0.
	type step struct {
		ok  bool
		reg uint8
		c   int64
	}
	var steps [32]step
	for i, in := range body {
		if !writesRd(in) {
			continue
		}
		writes[in.Rd]++
		at[in.Rd], steps[in.Rd] = i, step{}
		switch {
		case in.Op == riscv.OpADDI && in.Rs1 == in.Rd && in.Imm > 0:
			steps[in.Rd] = step{ok: true, c: in.Imm}
		case in.Op == riscv.OpADD && in.Rs1 == in.Rd && in.Rs2 != in.Rd:
			steps[in.Rd] = step{ok: true, reg: in.Rs2}
		case in.Op == riscv.OpADD && in.Rs2 == in.Rd && in.Rs1 != in.Rd:
			steps[in.Rd] = step{ok: true, reg: in.Rs1}
		}
	}
	invariant := func(x uint8) bool { return writes[x] == 0 }
	rs := steps[r]
	if r == 0 || r == ch.q || writes[r] != 1 || !rs.ok || !invariant(ch.q) || !invariant(rs.reg) {
		return p, false
	}
	ch.s, ch.c = rs.reg, rs.c
	if rs.reg == 0 {
		ch.c = rs.c
	}
	inStep := func(x uint8) bool { return x != 0 && writes[x] == 1 && steps[x] == rs }
	p.r, p.q, p.cmp = r, ch.q, &ch
	for m, in := range body {
		store := in.Op.IsStore()
		if !(store || in.Op.IsLoad() && in.Op != riscv.OpLRW && in.Op != riscv.OpLRD) || in.Rs1 == 0 {
			continue
		}
		b := in.Rs1
		var s int64 // 1: the hull moves with r (b0 .. b0 + Q - r0); 2: and after b's step
		switch {
		case invariant(b):
		case inStep(b):
			s = 1
			if m > at[b] {
				s = 2
			}
		default:
			continue
		}
		lo, hi := in.Imm, in.Imm+int64(width(in.Op))
		if store {
			hi = in.Imm + 8
		}
		p.cover(hoistHull{b: b, via: b, step: s, lo: lo, hi: hi, store: store}, m, len(body), bools)
	}
	return p, len(p.hulls) > 0
}

// with returns p with the hulls of o, a plan of the same body that is not counted
// (planHoist: hulls of invariant bases, among them computed indexes, hoistidx.go),
// added: the entry checks both sets, and the copy leaves unchecked what either covers.
func (p hoistPlan) with(o hoistPlan) hoistPlan {
	if len(o.hulls) == 0 {
		return p
	}
	// Both sets whole: each plan's marks rest on its own hulls (an invariant base's
	// hull in both is checked twice, which costs only time).
	p.hulls = append(append(make([]hoistHull, 0, len(p.hulls)+len(o.hulls)), p.hulls...), o.hulls...)
	for m, c := range o.unchecked {
		p.unchecked[m] = p.unchecked[m] || c
	}
	return p
}

// cmpHoistCheck emits the entry's checks of plan p (planCmpHoist): it jumps to slow
// unless r0 <= Q, Q is below 2^63 (2^62 signed, r0 at least -2^62), the step below
// 2^32, Q - r0 below 2^40, and every hull is in bounds. It uses RAX and RDX, and
// keeps Q - r0 in RDX for the hulls.
func (u *unit) cmpHoistCheck(p *hoistPlan, slow *asm.Label) {
	e := &u.e
	ch := p.cmp
	// RDX = Q.
	e.load(ch.q, tD)
	if ch.strict {
		// Q = q - 1; q at its minimum has no r below it: the loop runs once.
		if ch.signed {
			e.op(asm.MOVQ, asm.Imm(-1<<62), asm.R(tA))
			e.op(asm.CMPQ, asm.R(tD), asm.R(tA))
			e.jump(asm.JLE, slow)
		} else {
			e.op(asm.TESTQ, asm.R(tD), asm.R(tD))
			e.jump(asm.JEQ, slow)
		}
		e.op(asm.SUBQ, asm.Imm(1), asm.R(tD))
	}
	if ch.signed {
		// Q < 2^62 and r0 >= -2^62: their arithmetic shifts by 62 are 0 or -1, and
		// -2 below -2^62.
		e.op(asm.MOVQ, asm.R(tD), asm.R(tA))
		e.op(asm.SARQ, asm.Imm(62), asm.R(tA))
		e.op(asm.CMPQ, asm.R(tA), asm.Imm(0))
		e.jump(asm.JGT, slow) // Q >= 2^62
		e.load(p.r, tA)
		e.op(asm.SARQ, asm.Imm(62), asm.R(tA))
		e.op(asm.CMPQ, asm.R(tA), asm.Imm(-1))
		e.jump(asm.JLT, slow) // r0 < -2^62
		e.load(p.r, tA)
		e.op(asm.CMPQ, asm.R(tA), asm.R(tD))
		e.jump(asm.JGT, slow) // r0 > Q
	} else {
		e.op(asm.TESTQ, asm.R(tD), asm.R(tD))
		e.jump(asm.JMI, slow) // Q >= 2^63
		e.load(p.r, tA)
		e.op(asm.CMPQ, asm.R(tA), asm.R(tD))
		e.jump(asm.JHI, slow) // r0 > Q
	}
	// RDX = Q - r0, below 2^40.
	e.op(asm.SUBQ, asm.R(tA), asm.R(tD))
	e.op(asm.MOVQ, asm.R(tD), asm.R(tA))
	e.op(asm.SHRQ, asm.Imm(40), asm.R(tA))
	e.jump(asm.JNE, slow)
	if ch.s != 0 {
		e.load(ch.s, tA)
		e.op(asm.SHRQ, asm.Imm(32), asm.R(tA))
		e.jump(asm.JNE, slow) // s >= 2^32
	}
	size := int64(u.m.Cfg.Layout.ArenaSize)
	for _, h := range p.hulls {
		u.cmpHullStart(h, p.cmp)
		if h.store {
			win := u.m.primaryWindow(h.via) // the window the stores' own checks use
			e.op(asm.CMPQ, asm.R(tA), stMem(winLo(win)))
			e.jump(asm.JCS, slow)
			e.op(asm.CMPQ, asm.R(tA), stMem(winHi8(win)))
			e.jump(asm.JHI, slow)
			if h.step != 0 {
				e.op(asm.ADDQ, asm.R(tD), asm.R(tA))
			}
			if d := h.hi - 8 - h.lo; d != 0 {
				e.op(asm.ADDQ, asm.Imm(d), asm.R(tA))
			}
			e.op(asm.CMPQ, asm.R(tA), stMem(winHi8(win)))
			e.jump(asm.JHI, slow)
			continue
		}
		lim := size - (h.hi - h.lo)
		e.op(asm.CMPQ, asm.R(tA), asm.Imm(lim))
		e.jump(asm.JHI, slow)
		if h.step == 0 {
			continue
		}
		e.op(asm.ADDQ, asm.R(tD), asm.R(tA))
		e.op(asm.CMPQ, asm.R(tA), asm.Imm(lim))
		e.jump(asm.JHI, slow)
	}
}

// cmpHullStart computes hull h's lowest address as an arena offset into RAX: b0 + lo
// - ArenaBase, plus the step for a hull after b's step. hoistable has checked that
// the offsets fit an imm32 one way or the other.
func (u *unit) cmpHullStart(h hoistHull, ch *cmpHoist) {
	e := &u.e
	base := int64(u.m.Cfg.Layout.ArenaBase)
	e.load(h.b, tA)
	if h.step == 2 {
		if ch.s != 0 {
			e.op(asm.ADDQ, e.src(ch.s), asm.R(tA))
		} else {
			e.op(asm.ADDQ, asm.Imm(ch.c), asm.R(tA))
		}
	}
	if disp := h.lo - base; fits32(disp) {
		if disp != 0 {
			e.op(asm.ADDQ, asm.Imm(disp), asm.R(tA))
		}
		return
	}
	if h.lo != 0 {
		e.op(asm.ADDQ, asm.Imm(h.lo), asm.R(tA))
	}
	e.op(asm.ADDQ, asm.Imm(-base), asm.R(tA))
}
