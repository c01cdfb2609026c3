package amd64

import (
	"slices"

	"github.com/hybridvm/hybridvm/codegen/internal/asm"
	"github.com/hybridvm/hybridvm/riscv"
)

// A counted loop's counter, bounded. keccak's inner loops count from 0 to a register
// the unit loads with `li a2, 5` (`addiw s0, s0, 1; bne s0, a2, loop`), and index
// with the counter (`remw a4, s0, a3`, then `addw a5, a5, t4` in the rho-pi step). The
// entry of a counted loop (hoist.go) computes the exact trip count n; when it also
// checks that q equals the constant c the unit loads into it (guessConst, as for
// guarded divisors) and that 0 <= r0 <= c as 64-bit values, every iteration k of the
// copy it guards starts with r = r0 + k*step in [0, c - step] (the step is positive:
// r0 + n*step = c with no wrap, even for an addiw counter, since the distance c - r0
// is below 2^31), and the interpretation of hoistidx.go starts from that exact range
// for r. Then a guarded `remw` of a value in [0, 2^31) is a reciprocal multiply
// without the test for a negative dividend (divConst), and accesses indexed by the
// counter become hulls of their invariant base, and an addiw whose result then lies in
// [0, 2^31) (the counter's increment) needs no sign extension (nonNegMarks). The
// entry pays for it with two compares (with a step of 1 the trip check shrinks by as
// much: boundTripCheck) or three, so the bound is guarded only when it removes a
// check or a test.
//
// Another register x the body steps once by a constant, `addiw x, x, s` (0 < s <=
// 2^20), and divides by a guarded divisor (rho-pi's `remw t2, t5, a3` with `addiw t5,
// t5, 3`) is guarded too: at most m = (c - step)/step + 1 iterations run in the copy
// (the counter visits distinct values of [0, c - step]), so when the entry also checks
// 0 <= x0 <= 2^31 - 1 - s*m as a 64-bit value, x starts iteration k at x0 + k*s in
// [0, 2^31 - 1 - s] (no addiw wraps: the 64-bit value is the 32-bit one), and the
// interpretation starts from that range for x (ivGuard). One compare more at the
// entry; in the copy the division loses its test for a negative dividend and what it
// computes may lose sign extensions.

// ivGuard is a register the entry guards to [0, max] besides the counter: the body's
// start then sees it in [0, hi] on every iteration of the copy.
type ivGuard struct {
	r       uint8
	max, hi int64
}

// maxIVs bounds the registers guarded besides the counter (one compare each).
const maxIVs = 2

// boundIVs returns the registers of body worth guarding with the counter's range ctr
// and step (see above): stepped once by a constant addiw, dividends of a guarded
// division (by).
func boundIVs(body []riscv.Inst, ctr *ctrRange, step int64, by []int64) []ivGuard {
	iters := (ctr.hi-ctr.lo)/step + 1
	writes := writeCounts(body)
	var inc [32]int64
	for _, in := range body {
		if in.Op == riscv.OpADDIW && in.Rd != 0 && in.Rs1 == in.Rd && in.Imm > 0 && in.Imm <= 1<<20 {
			inc[in.Rd] = in.Imm
		}
	}
	var ivs []ivGuard
	for m, in := range body {
		x := in.Rs1
		if (in.Op != riscv.OpDIVW && in.Op != riscv.OpREMW) || m >= len(by) || by[m] == 0 ||
			x == 0 || x == ctr.r || writes[x] != 1 || inc[x] == 0 || len(ivs) == maxIVs {
			continue
		}
		s := inc[x]
		if s*iters >= 1<<31-1 || slices.ContainsFunc(ivs, func(g ivGuard) bool { return g.r == x }) {
			continue
		}
		ivs = append(ivs, ivGuard{r: x, max: 1<<31 - 1 - s*iters, hi: 1<<31 - 1 - s})
	}
	return ivs
}

// ivCheck emits the entry's guards of p's other registers (ivGuard, and the guarded
// index registers), jumping to slow unless each holds a value in [0, max] (one
// unsigned compare each).
func (u *unit) ivCheck(p *hoistPlan, slow *asm.Label) {
	e := &u.e
	for _, g := range p.ivs {
		e.op(asm.CMPQ, e.src(g.r), asm.Imm(g.max))
		e.jump(asm.JHI, slow)
	}
	for _, g := range p.guards {
		e.op(asm.CMPQ, e.src(g), asm.Imm(maxGuarded))
		e.jump(asm.JHI, slow)
	}
}

// maxGuards bounds the index registers guarded (one compare each).
const maxGuards = 2

// guardCandidates lists the registers body never writes that an addw adds to one it
// computes (chi's `addw a4, a4, t6`): the index registers worth guarding.
func guardCandidates(body []riscv.Inst) []uint8 {
	writes := writeCounts(body)
	var g []uint8
	for _, in := range body {
		if in.Op != riscv.OpADDW {
			continue
		}
		for _, pair := range [2][2]uint8{{in.Rs1, in.Rs2}, {in.Rs2, in.Rs1}} {
			x, y := pair[0], pair[1]
			if x != 0 && writes[x] == 0 && writes[y] > 0 && !slices.Contains(g, x) && len(g) < maxGuards {
				g = append(g, x)
			}
		}
	}
	return g
}

// covered counts the accesses an entry's checks cover.
func covered(unchecked []bool) int {
	n := 0
	for _, on := range unchecked {
		if on {
			n++
		}
	}
	return n
}

// planBound returns plan p of a counted loop with its bound guarded (p.bound, the
// nonNeg and wordNonNeg marks and the hulls the counter's range adds), or ok = false when the bound
// is no constant the unit loads or the guard would gain nothing. by is the copy's
// guarded divisors.
func (u *unit) planBound(p hoistPlan, body []riscv.Inst, term riscv.Inst, by []int64) (hoistPlan, bool) {
	if !p.counted || p.step <= 0 || p.q == 0 {
		return p, false
	}
	c, ok := u.guessLi(p.q, func(c int64) bool { return c > 0 && c < 1<<31 })
	if !ok || c-p.step < 0 {
		return p, false
	}
	ctr := &ctrRange{r: p.r, lo: 0, hi: c - p.step}
	ctr.ivs = boundIVs(body, ctr, p.step, by)
	b, bok := planHoist(body, term, u.bools, by, ctr)
	if g := guardCandidates(body); len(g) > 0 {
		// Guarded index registers, when they cover more accesses.
		gctr := *ctr
		gctr.guards = g
		if gb, gok := planHoist(body, term, u.bools, by, &gctr); gok && covered(gb.unchecked) > covered(b.unchecked) {
			b, bok, ctr = gb, true, &gctr
		}
	}
	if !bok {
		return p, false
	}
	b.bound, b.ivs, b.guards = c, ctr.ivs, ctr.guards
	b.nonNeg, b.wordNonNeg = nonNegMarks(body, by, ctr, u.bools)
	gain := b.nonNeg != nil
	for m, on := range b.unchecked {
		gain = gain || on && !(m < len(p.unchecked) && p.unchecked[m])
	}
	return b, gain
}

// boundCheck emits the entry's guard of p's bound: q = bound and 0 <= r <= bound,
// else it jumps to slow.
func (u *unit) boundCheck(p *hoistPlan, slow *asm.Label) {
	e := &u.e
	r := u.boundQ(p, slow)
	e.op(asm.CMPQ, r, asm.Imm(0))
	e.jump(asm.JLT, slow)
	e.op(asm.CMPQ, r, asm.Imm(p.bound))
	e.jump(asm.JGT, slow)
	u.ivCheck(p, slow)
}

// boundQ emits the check q = bound (else it jumps to slow) and returns the counter's
// operand, a register (RAX when r lives in memory).
func (u *unit) boundQ(p *hoistPlan, slow *asm.Label) asm.Operand {
	e := &u.e
	e.op(asm.CMPQ, e.src(p.q), asm.Imm(p.bound))
	e.jump(asm.JNE, slow)
	r := e.src(p.r)
	if r.IsMem() {
		e.load(p.r, tA)
		r = asm.R(tA)
	}
	return r
}

// boundTripCheck emits tripCheck and boundCheck in one for a counter with step 1 and
// a guarded bound c: q = c and 0 <= r <= c-1 (one unsigned compare) are what the two
// accept together (n = c - r >= 1, and c < 2^31 makes q sign-extended and n small),
// and leave n-1 = c-1-r, in RDX (and State.Scratch when save) as tripCheck does.
func (u *unit) boundTripCheck(p *hoistPlan, slow *asm.Label, save bool) {
	e := &u.e
	r := u.boundQ(p, slow)
	e.op(asm.CMPQ, r, asm.Imm(p.bound-1))
	e.jump(asm.JHI, slow)
	u.ivCheck(p, slow)
	e.op(asm.MOVQ, asm.Imm(p.bound-1), asm.R(tD))
	e.op(asm.SUBQ, r, asm.R(tD))
	if save {
		e.op(asm.MOVQ, asm.R(tD), stMem(flTripOff)) // for a fast loop (fastlower.go)
	}
}

// nonNegWord reports whether the W operation at body index i has a result the entry proved
// to lie in [0, 2^31): its 32-bit result, zero-extended, is sign-extended already.
func (u *unit) nonNegWord(i int) bool {
	return i < len(u.nonNegWords) && u.nonNegWords[i]
}

// nonNegDiv reports whether the guarded division at body index i has a dividend the
// entry proved non-negative (hoistbound.go).
func (u *unit) nonNegDiv(i int) bool {
	return i < len(u.divNonNeg) && u.divNonNeg[i]
}
