package amd64

import (
	"github.com/hybridvm/hybridvm/riscv"
)

// Computed, bounded indexes in hoisted self-loops (hoist.go). keccak indexes its
// stack arrays as d[(x+1)%5]:
//
//	remw a5, a4, a3     (a3 guarded to 5 at the loop's entry, divguard.go)
//	slli a5, a5, 3
//	addi a5, a5, 288
//	add  a5, a5, sp
//	ld   a5, -240(a5)
//
// In the copy the entry guards, a5 is sp + [256, 320] at the load whatever a4 holds,
// sp the same on every iteration: the load's addresses lie in sp + [16, 88), one hull
// of an invariant base that the entry checks once. boundIndexes finds such facts by a
// small abstract interpretation of the body, run once in program order (the body is
// straight-line code): at each point a register's value is either unknown or
//
//	b + x, x an integer in [lo, hi]
//
// with b the value at the loop's entry of a register the body never writes (so the
// same on every iteration, and what the entry's check reads), or no b at all (then
// the register holds exactly x, as a signed 64-bit number). At the body's start every
// register the body writes is unknown (its value comes from the previous iteration or
// from before the loop), every other register r is r + [0, 0], x0 is [0, 0]. Each
// write sets its destination by the rules below, unknown for everything else; later
// writes replace earlier ones, so a register may be written several times.
//
//   - addi/add/sub with one side exact: the intervals add (sub: subtract), b kept;
//     b + b' is unknown.
//   - slli by at most 20 of an exact value: the interval scales by 2^s.
//   - andi with an immediate >= 0: [0, imm], whatever the source.
//   - remw by a divisor the entry guards to c (divPlan.by; the copy runs only when the
//     guard held): [-(c-1), c-1]; remw/rem by an exact constant c != 0: [-(|c|-1),
//     |c|-1]; remuw/remu by an exact constant c in [1, 2^31]: [0, c-1].
//   - lbu and lhu: [0, 255] and [0, 65535].
//   - addiw/addw/subw/slliw of exact values, when the exact result lies in int32: then
//     the 32-bit operation, which is the 64-bit one sign-extended from bit 31, equals
//     it.
//   - with an invariant register the entry guards to [0, 2^30] (a bounded loop's,
//     hoistbound.go), addw of it and an exact value, then slli by 1 to 3: a second,
//     scaled register in the value (guardedIdx).
//
// Every interval end must stay below 2^40 in magnitude (else the value is unknown), so
// the interpretation's own int64 arithmetic never overflows (sums below 2^41, shifts
// by at most 20 below 2^60) and is exact. With b, the register holds b + x modulo
// 2^64, which is how the machine adds too. An access through a register b + [lo, hi]
// with offset imm and width w touches [b + lo + imm, b + hi + imm + w): planHoist makes
// it a hull of b with step 0, and the unchecked copy addresses it through the
// register as usual (hoistedMem: the host adds the register's current value, the one
// this proves). The entry's check that b + lo + imm - ArenaBase <= ArenaSize - (hi - lo
// + w) (as an unsigned number) then bounds every such address, wrapping included.

// idxLimit bounds the magnitude of every interval end.
const idxLimit = 1 << 40

// absVal is a register's abstract value at one point of the body: unknown unless
// known; else base + [lo, hi] (base 0: no base, the value is exact), plus idx*scale
// when idx is not 0 (an index register the entry guards, scaled by 2, 4 or 8: see
// guardedIdx below).
type absVal struct {
	known  bool
	base   uint8
	idx    uint8
	scale  int64
	lo, hi int64
}

// exact returns the value x in [lo, hi] with no base (unknown when out of range).
func exact(lo, hi int64) absVal { return based(0, lo, hi) }

// based returns base + [lo, hi], unknown when an end reaches idxLimit.
func based(base uint8, lo, hi int64) absVal {
	if lo > hi || lo <= -idxLimit || hi >= idxLimit {
		return absVal{}
	}
	return absVal{known: true, base: base, lo: lo, hi: hi}
}

// isExact reports whether v is known and has no base.
func (v absVal) isExact() bool { return v.known && v.base == 0 && v.idx == 0 }

// isConst returns v's value when it is one exact constant.
func (v absVal) isConst() (int64, bool) { return v.lo, v.isExact() && v.lo == v.hi }

// within32 returns v when it is exact and lies in int32, else unknown: the value of a
// 32-bit operation whose exact 64-bit result v is.
func within32(v absVal) absVal {
	if !v.isExact() || v.lo < -1<<31 || v.hi > 1<<31-1 {
		return absVal{}
	}
	return v
}

// addVals returns a + b (unknown when both have a base).
func addVals(a, b absVal) absVal {
	if !a.known || !b.known || a.base != 0 && b.base != 0 || a.idx != 0 && b.idx != 0 {
		return absVal{}
	}
	v := based(a.base|b.base, a.lo+b.lo, a.hi+b.hi)
	if v.known {
		v.idx, v.scale = a.idx|b.idx, a.scale|b.scale
	}
	return v
}

// subVals returns a - b (b must be exact).
func subVals(a, b absVal) absVal {
	if !a.known || !b.isExact() {
		return absVal{}
	}
	v := based(a.base, a.lo-b.hi, a.hi-b.lo)
	if v.known {
		v.idx, v.scale = a.idx, a.scale
	}
	return v
}

// shlVal returns v << s for an exact v and s <= 20.
func shlVal(v absVal, s int64) absVal {
	if !v.isExact() || s < 0 || s > 20 {
		return absVal{}
	}
	return exact(v.lo<<s, v.hi<<s)
}

// remBound returns the interval of a signed remainder by c != 0: [-(|c|-1), |c|-1].
func remBound(c int64) absVal {
	if c == 0 || c <= -idxLimit || c >= idxLimit {
		return absVal{}
	}
	if c < 0 {
		c = -c
	}
	return exact(-(c - 1), c-1)
}

// absStep returns the abstract value instruction in (body index m) writes to its rd,
// given the state st before it; by is the copy's guarded divisors (divPlan.by; nil:
// none), guards the registers the entry guards to [0, maxGuarded] (bit r: x_r).
func absStep(st *[32]absVal, in riscv.Inst, m int, by []int64, guards uint32) absVal {
	a, b := st[in.Rs1], st[in.Rs2]
	if v, ok := guardedIdx(a, b, in, guards); ok {
		return v
	}
	switch in.Op {
	case riscv.OpADDI:
		return addVals(a, exact(in.Imm, in.Imm))
	case riscv.OpADD:
		return addVals(a, b)
	case riscv.OpSUB:
		return subVals(a, b)
	case riscv.OpSLLI:
		return shlVal(a, in.Imm)
	case riscv.OpANDI:
		if in.Imm >= 0 {
			return exact(0, in.Imm)
		}
	case riscv.OpADDIW:
		if a.isExact() {
			return within32(exact(a.lo+in.Imm, a.hi+in.Imm))
		}
	case riscv.OpADDW:
		if a.isExact() && b.isExact() {
			return within32(addVals(a, b))
		}
	case riscv.OpSUBW:
		if a.isExact() && b.isExact() {
			return within32(subVals(a, b))
		}
	case riscv.OpSLLIW:
		return within32(shlVal(a, in.Imm))
	case riscv.OpREMW:
		if m < len(by) && by[m] != 0 {
			if c := by[m]; c > 0 && a.isExact() && a.lo >= 0 && a.hi < 1<<31 {
				return exact(0, min(a.hi, c-1)) // a non-negative dividend's remainder
			}
			return remBound(by[m])
		}
		if c, ok := b.isConst(); ok && c >= -1<<31 && c <= 1<<31-1 {
			return remBound(c)
		}
	case riscv.OpREM:
		if c, ok := b.isConst(); ok {
			return remBound(c)
		}
	case riscv.OpREMUW, riscv.OpREMU:
		if c, ok := b.isConst(); ok && c >= 1 && c <= 1<<31 {
			return exact(0, c-1)
		}
	case riscv.OpLBU:
		return exact(0, 255)
	case riscv.OpLHU:
		return exact(0, 65535)
	}
	return absVal{}
}

// ctrRange seeds the interpretation with a counted loop's counter when the loop's
// entry guards its bound to a constant (hoistPlan.bound): r holds an exact value in
// [lo, hi] at the body's start on every iteration of the copy the entry guards.
type ctrRange struct {
	r      uint8
	lo, hi int64
	// ivs are other registers the entry guards (hoistbound.go's ivGuard): each holds
	// an exact value in [0, hi] at the body's start on every iteration.
	ivs []ivGuard
	// guards are registers the body never writes that the entry guards to [0,
	// maxGuarded] (guardedIdx).
	guards []uint8
}

// boundIndexes runs the interpretation over body (see above) and returns, per body
// index, the abstract value of the base register rs1 of each load or store (the zero
// absVal elsewhere); by is the copy's guarded divisors (nil: none), ctr its counter's
// range (nil: none).
func boundIndexes(body []riscv.Inst, by []int64, ctr *ctrRange) []absVal {
	res := make([]absVal, len(body))
	var w absWalk
	w.start(body, by, ctr)
	for m, in := range body {
		if in.Op.IsLoad() || in.Op.IsStore() {
			res[m] = w.st[in.Rs1]
		}
		w.step(m, in)
	}
	return res
}

// nonNegMarks runs the interpretation once and marks, in the copy the entry guards:
//   - divs: the DIVW/REMW whose divisor the entry guards (by) and whose dividend is an
//     exact value in [0, 2^31): their reciprocal division needs no test for a negative
//     dividend (divConst);
//   - words: the addiw, addw, subw and slliw whose result is an exact value in [0, 2^31)
//     (a bounded counter's increment, rho-pi's index): lowered without its sign
//     extension (wordNonNeg).
//
// Each is nil when it marks nothing.
func nonNegMarks(body []riscv.Inst, by []int64, ctr *ctrRange, bools func(int) []bool) (divs, words []bool) {
	mark := func(res *[]bool, m int) {
		if *res == nil {
			*res = bools(len(body))
		}
		(*res)[m] = true
	}
	var w absWalk
	w.start(body, by, ctr)
	// A guarded g + [lo, hi] lies in [lo, hi + maxGuarded].
	nonNeg := func(v absVal) bool {
		return v.isExact() && v.lo >= 0 && v.hi < 1<<31 ||
			v.known && v.idx == 0 && v.base != 0 && w.guards>>v.base&1 != 0 && v.lo >= 0 && v.hi < 1<<31-maxGuarded
	}
	for m, in := range body {
		switch {
		case (in.Op == riscv.OpDIVW || in.Op == riscv.OpREMW) && m < len(by) && by[m] != 0:
			if nonNeg(w.st[in.Rs1]) {
				mark(&divs, m)
			}
		case (in.Op == riscv.OpADDIW && in.Imm != 0 || in.Op == riscv.OpADDW || in.Op == riscv.OpSUBW || in.Op == riscv.OpSLLIW) && in.Rd != 0:
			if nonNeg(absStep(&w.st, in, m, by, w.guards)) {
				mark(&words, m)
			}
		}
		w.step(m, in)
	}
	return divs, words
}

// maxGuarded bounds a guarded index register (ctrRange.guards): below 2^30, so that
// adding it to a value in [-2^31, 2^30) stays in int32.
const maxGuarded = 1 << 30

// guardedIdx is the interpretation's rule for an invariant index the entry guards to
// g in [0, maxGuarded] (chi's `addw a4, a4, t6`, t6 the outer loop's row offset,
// then `slli a4, a4, 3; addi a4, a4, 288; add a4, a4, sp`):
//
//   - addw/addiw of g + [a, b] and an exact [lo, hi], with the sum's ends in
//     [-2^31, 2^30): g + [lo+a, hi+b], exactly (no 32-bit wrap for any such g);
//   - slli by 1 to 3 of g + [lo, hi]: g*2^s + [lo<<s, hi<<s] (modulo 2^64, as the
//     machine shifts), the index idx = g with its scale;
//
// and addi/add then carry the index along with a base (addVals). An access through
// base + idx*scale + [lo, hi] is a hull the entry checks at b + idx*scale, both
// invariant (hoist.go). ok = false: the usual rules apply.
func guardedIdx(a, b absVal, in riscv.Inst, guards uint32) (absVal, bool) {
	if guards == 0 {
		return absVal{}, false
	}
	plain := func(v absVal) bool { // g + [lo, hi] for a guarded g
		return v.known && v.idx == 0 && v.base != 0 && guards>>v.base&1 != 0
	}
	sum := func(g, x absVal) (absVal, bool) {
		lo, hi := g.lo+x.lo, g.hi+x.hi
		if lo < -1<<31 || hi >= 1<<31-maxGuarded {
			return absVal{}, true // may wrap: unknown
		}
		return based(g.base, lo, hi), true
	}
	switch in.Op {
	case riscv.OpADDW:
		switch {
		case plain(a) && b.isExact():
			return sum(a, b)
		case plain(b) && a.isExact():
			return sum(b, a)
		}
	case riscv.OpADDIW:
		if plain(a) {
			return sum(a, exact(in.Imm, in.Imm))
		}
	case riscv.OpSLLI:
		if plain(a) && in.Imm >= 1 && in.Imm <= 3 {
			v := based(0, a.lo<<in.Imm, a.hi<<in.Imm)
			if v.known {
				v.idx, v.scale = a.base, 1<<in.Imm
			}
			return v, true
		}
	}
	return absVal{}, false
}

// writeCounts counts the instructions of body that write each register.
func writeCounts(body []riscv.Inst) (n [32]uint16) {
	for _, in := range body {
		if writesRd(in) {
			n[in.Rd]++
		}
	}
	return n
}

// absWalk interprets a body one instruction at a time: st is the state before the
// next one, which step applies. A caller's walk stays on its stack (a callback
// taking the state would move it to the heap).
type absWalk struct {
	st     [32]absVal
	by     []int64
	guards uint32 // ctrRange.guards, as bits
}

// start sets up the walk of body, with the copy's guarded divisors by and its
// counter's range ctr (nil: none).
func (w *absWalk) start(body []riscv.Inst, by []int64, ctr *ctrRange) {
	writes := writeCounts(body)
	w.by = by
	w.st = [32]absVal{}
	w.st[0] = exact(0, 0)
	for r := uint8(1); r < 32; r++ {
		if writes[r] == 0 {
			w.st[r] = absVal{known: true, base: r}
		}
	}
	w.guards = 0
	if ctr != nil && ctr.r != 0 {
		w.st[ctr.r] = exact(ctr.lo, ctr.hi)
		for _, iv := range ctr.ivs {
			w.st[iv.r] = exact(0, iv.hi)
		}
		for _, g := range ctr.guards {
			if writes[g] == 0 {
				w.guards |= 1 << g
			}
		}
	}
}

// step applies instruction m, in.
func (w *absWalk) step(m int, in riscv.Inst) {
	if writesRd(in) {
		w.st[in.Rd] = absStep(&w.st, in, m, w.by, w.guards)
	}
}
