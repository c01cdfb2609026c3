package amd64

import (
	"math/bits"
	"slices"

	"github.com/hybridvm/hybridvm/codegen/internal/asm"
	"github.com/hybridvm/hybridvm/riscv"
)

// Bounds checks hoisted out of counted self-loops. A loop such as matmul's inner one
//
//	loop: ld a4, 0(a3)
//	      ld a1, 0(a5)
//	      addi a5, a5, 768
//	      addi a3, a3, 8
//	      mul a4, a4, a1
//	      add a2, a2, a4
//	      bne a5, a0, loop
//
// loads through registers that only step by a constant each iteration (induction
// registers) and runs exactly n = (a0 - a5) / 768 times when that division is exact
// (the branch compares an induction register with a register the body never
// writes). Every address such a load will use lies between its first and its last
// iteration's, so two checks at the loop's entry prove all of them in bounds. The
// block is then emitted twice: the entry computes n and checks those hulls, and
// enters a copy whose hoisted loads have no check when they all hold, else the usual
// copy, every load checked. Gas, instruction counts and faults are unchanged: both
// copies charge gas per iteration alike, and a load the entry proved cannot fault.
//
// The counter may also step with addiw, as C's int loop counters do (keccak's
// `addiw s0, s0, 1; bne s0, a2, loop`): then it is sign-extended from 32 bits after
// every step, so the loop ends at the first n >= 1 with (r + n*step) = q modulo 2^32.
// The entry requires q to be a sign-extended 32-bit value (else r never equals it)
// and takes the distance modulo 2^32, d = (q - r) mod 2^32; when d = n*step exactly,
// no smaller k has k*step = d modulo 2^32 (k*step < d < 2^32), so n is the trip count.
// r's own upper bits do not matter: the first step discards them. Such a counter
// steps no address, so accesses through it are not hoisted.
//
// Stores through induction or invariant registers are hoisted as well: the entry
// checks that every such store's address lies in the store window its check would
// use first (storewin.go; the window primaryWindow picks for its base) as the fast
// path checks it, start >= StoreWinLo and start <= StoreWinHi8, at the first and last
// iteration. Those stores would then all pass the checked copy's fast path, which
// calls no check routine and charges no gas, so the copy without their checks does
// exactly the same. The windows cannot shrink or move meanwhile: only GrowWindow (and
// the check routine, which does the same) changes them during a frame, and it only
// grows them; the arena empties them when the frame ends, which no self-loop body
// can reach (an ecall ends a block).
//
// Accesses through computed indexes are hoisted too: when an access's register holds
// b + x at the access, b an invariant register and x an integer in [lo, hi] on every
// iteration (hoistidx.go proves it, in the copy the entry's divisor guards hold for),
// its hull is b's with step 0 and the interval folded into lo and hi; a store's hull
// keeps the window of the register it stores through (via), the one the checked
// copy's fast check uses. Hulls of step 0 need no trip count: a self-loop that is not
// counted gets the entry check and the second copy for them alone (hoistPlan.counted
// false, no induction hulls). A hull longer than the arena is not hoistable.

// maxHulls bounds the entry's work: one hull per base register and kind of access.
const maxHulls = 4

// hoistPlan is what planHoist found in a self-loop body.
type hoistPlan struct {
	counted   bool  // the loop is counted (else every hull is of an invariant base)
	r, q      uint8 // the terminator compares induction register r with invariant q
	step      int64 // r's step per iteration
	w32       bool  // r steps with addiw: the trip count is taken modulo 2^32
	hulls     []hoistHull
	unchecked []bool // body index → a load or store the entry's checks cover
	// bound, when not 0: the entry also checks q = bound and 0 <= r <= bound, so the
	// counter stays in [0, bound] (hoistbound.go); nonNeg marks the guarded divisions
	// whose dividend is then known to be non-negative, wordNonNeg the addiw whose
	// result is then known to lie in [0, 2^31).
	bound      int64
	nonNeg     []bool
	wordNonNeg []bool
	// ivs: the entry guards these registers too (hoistbound.go's ivGuard); guards:
	// and these to [0, maxGuarded] (hoistidx.go's guardedIdx).
	ivs    []ivGuard
	guards []uint8
	// cmp: the loop is closed by an ordered comparison (hoistcmp.go), and the hulls
	// are its kind (step 0: invariant; 1: moving with the induction register; 2: the
	// same, after the base's step).
	cmp *cmpHoist
}

// hoistHull covers the loads (or the stores) through one base register: at iteration
// k (from 0) they touch [b + k*step + lo, b + k*step + hi), b the register's value at
// entry. For stores, hi is the highest start plus 8: the fast window check admits a
// store at a when [a, a+8) lies in [StoreWinLo, StoreWinHi8+8), whatever its width.
type hoistHull struct {
	b      uint8
	via    uint8 // a store hull's: the register its stores go through (their window)
	step   int64 // 0: the register is loop-invariant
	lo, hi int64
	store  bool
	// idx, when not 0, is an invariant index register the entry guards (hoistidx.go's
	// guardedIdx): the hull is at b + idx*scale (step 0).
	idx   uint8
	scale int64
}

// planHoist returns the plan for a self-loop with body body and terminator term (its
// branch back to the start), or ok = false.
func planHoist(body []riscv.Inst, term riscv.Inst, bools func(int) []bool, by []int64, ctr *ctrRange) (p hoistPlan, ok bool) {
	var writes [32]uint8
	var step [32]int64
	var at [32]int
	var w32 [32]bool
	for i, in := range body {
		if !writesRd(in) {
			continue
		}
		writes[in.Rd]++
		step[in.Rd], w32[in.Rd] = 0, false
		if (in.Op == riscv.OpADDI || in.Op == riscv.OpADDIW) && in.Rs1 == in.Rd && in.Imm != 0 {
			step[in.Rd], at[in.Rd], w32[in.Rd] = in.Imm, i, in.Op == riscv.OpADDIW
		}
	}
	counter := func(x uint8) bool { return x != 0 && writes[x] == 1 && step[x] != 0 }
	induction := func(x uint8) bool { return counter(x) && !w32[x] }
	invariant := func(x uint8) bool { return writes[x] == 0 }
	switch {
	case term.Op != riscv.OpBNE:
	case counter(term.Rs1) && invariant(term.Rs2):
		p.r, p.q, p.counted = term.Rs1, term.Rs2, true
	case counter(term.Rs2) && invariant(term.Rs1):
		p.r, p.q, p.counted = term.Rs2, term.Rs1, true
	}
	if p.counted {
		p.step, p.w32 = step[p.r], w32[p.r]
	}
	var idx []absVal // boundIndexes, when needed
	for m, in := range body {
		store := in.Op.IsStore()
		if !(store || in.Op.IsLoad() && in.Op != riscv.OpLRW && in.Op != riscv.OpLRD) || in.Rs1 == 0 {
			continue
		}
		b := in.Rs1
		var s, off, xlo, xhi, scale int64
		var ix uint8
		switch {
		case invariant(b):
		case p.counted && induction(b):
			s = step[b]
			if m > at[b] {
				off = s // the access sees the value after this iteration's step
			}
		default:
			// A computed index: b + [xlo, xhi] for an invariant b (hoistidx.go).
			if idx == nil {
				idx = boundIndexes(body, by, ctr)
			}
			v := idx[m]
			if !v.known || v.base == 0 || !invariant(v.base) || v.idx != 0 && !invariant(v.idx) {
				continue
			}
			b, xlo, xhi = v.base, v.lo, v.hi
			ix, scale = v.idx, v.scale
		}
		lo, hi := off+xlo+in.Imm, off+xhi+in.Imm+int64(width(in.Op))
		if store {
			hi = off + xhi + in.Imm + 8
		}
		via := b
		if store {
			via = in.Rs1 // the window its check would use first
		}
		p.cover(hoistHull{b: b, via: via, step: s, lo: lo, hi: hi, store: store, idx: ix, scale: scale}, m, len(body), bools)
	}
	return p, len(p.hulls) > 0
}

// cover adds the access at body index m (of n) to p: its hull h widens the hull of
// the same base, kind, window and step, or is added while there are fewer than
// maxHulls; the access is then marked unchecked (else it keeps its check).
func (p *hoistPlan) cover(h hoistHull, m, n int, bools func(int) []bool) {
	j := slices.IndexFunc(p.hulls, func(o hoistHull) bool {
		return o.b == h.b && o.store == h.store && o.via == h.via && o.step == h.step && o.idx == h.idx && o.scale == h.scale
	})
	switch {
	case j >= 0:
		p.hulls[j].lo, p.hulls[j].hi = min(p.hulls[j].lo, h.lo), max(p.hulls[j].hi, h.hi)
	case len(p.hulls) == maxHulls:
		return
	default:
		p.hulls = append(p.hulls, h)
	}
	if p.unchecked == nil {
		p.unchecked = bools(n)
	}
	p.unchecked[m] = true
}

// hoistCheck emits the loop entry's checks for plan p: it jumps to slow unless the
// loop runs n times, 1 <= n <= 2^31 (a counted loop's; an uncounted one has only hulls
// of invariant bases, which hold for any number of iterations), and every hull is in
// bounds (a store hull in its window) at its first and last iteration; it falls
// through when they all hold. It uses RAX and RDX. saveTrip keeps n-1 for a fast
// loop (tripCheck).
func (u *unit) hoistCheck(p *hoistPlan, slow *asm.Label, saveTrip bool) {
	if p.cmp != nil {
		u.cmpHoistCheck(p, slow)
		return
	}
	size := int64(u.m.Cfg.Layout.ArenaSize)
	switch {
	case p.counted && p.bound != 0 && p.step == 1:
		u.boundTripCheck(p, slow, saveTrip) // both at once (hoistbound.go)
	case p.counted:
		u.tripCheck(p, slow, saveTrip)
		if p.bound != 0 {
			u.boundCheck(p, slow)
		}
	}
	for _, h := range p.hulls {
		if h.store {
			u.storeHullCheck(h, slow)
			continue
		}
		lim := size - (h.hi - h.lo)
		// The first iteration's start, as an arena offset, and the last one's.
		u.hullAt(h, h.lo, false)
		u.e.op(asm.CMPQ, asm.R(tA), asm.Imm(lim))
		u.e.jump(asm.JHI, slow)
		if h.step == 0 {
			continue
		}
		u.hullAt(h, h.lo, true)
		u.e.op(asm.CMPQ, asm.R(tA), asm.Imm(lim))
		u.e.jump(asm.JHI, slow)
	}
}

// tripCheck emits the entry's check that counted loop p runs n times, 1 <= n <= 2^31,
// leaving n-1 in RDX, and in State.Scratch when save (it jumps to slow otherwise).
func (u *unit) tripCheck(p *hoistPlan, slow *asm.Label, save bool) {
	e := &u.e
	// diff = q - r at entry = n * step (r - q for a negative step).
	a, b, c := p.q, p.r, p.step
	if c < 0 {
		a, b, c = p.r, p.q, -c
	}
	if p.w32 {
		// q must be sign-extended from 32 bits, and diff is taken modulo 2^32.
		if p.q != 0 {
			e.load(p.q, tA)
			e.op(asm.MOVLQSX, asm.R(tA), asm.R(tD))
			e.op(asm.CMPQ, asm.R(tA), asm.R(tD))
			e.jump(asm.JNE, slow)
		}
		e.load(a, tA)
		if b != 0 {
			e.op(asm.SUBL, e.src(b), asm.R(tA))
		} else {
			e.op(asm.MOVL, asm.R(tA), asm.R(tA))
		}
	} else {
		e.load(a, tA)
		if b != 0 {
			e.op(asm.SUBQ, e.src(b), asm.R(tA))
		}
	}
	// n = diff / c, exact: the low bits must be zero, and the odd part divides by
	// its inverse modulo 2^64 (n * odd = diff modulo 2^64, so a small n is exact).
	t := bits.TrailingZeros64(uint64(c))
	if t > 0 {
		e.op(asm.TESTQ, asm.Imm(int64(1)<<t-1), asm.R(tA))
		e.jump(asm.JNE, slow)
		e.op(asm.SHRQ, asm.Imm(int64(t)), asm.R(tA))
	}
	if odd := uint64(c) >> t; odd != 1 {
		e.op(asm.MOVQ, asm.Imm(int64(inverse(odd))), asm.R(tD))
		e.op(asm.IMULQ, asm.R(tD), asm.R(tA))
	}
	// RDX = n - 1, below 2^31 (n = 0 wraps and fails).
	e.op(asm.LEAQ, asm.Mem(tA, -1), asm.R(tD))
	e.op(asm.CMPQ, asm.R(tD), asm.Imm(1<<31-1))
	e.jump(asm.JHI, slow)
	if save {
		e.op(asm.MOVQ, asm.R(tD), stMem(flTripOff)) // for a fast loop (fastlower.go)
	}
}

// hullAt computes the arena offset b + k*step + off - ArenaBase into RAX for hull h,
// k = n-1 (in RDX) when last, else 0: one LEA when b is in a host register (and the
// step is an x86 scale) and off - ArenaBase fits an imm32, else an ADD of -ArenaBase
// after it (hoistable checks that one of the two fits).
func (u *unit) hullAt(h hoistHull, off int64, last bool) {
	e := &u.e
	base := int64(u.m.Cfg.Layout.ArenaBase)
	disp := off - base
	if !fits32(disp) {
		defer e.op(asm.ADDQ, asm.Imm(-base), asm.R(tA))
		disp = off
	}
	mapped := e.isMapped(h.b)
	switch {
	case h.idx != 0: // step 0: b + idx*scale (hoistidx.go's guardedIdx)
		if e.isMapped(h.idx) {
			b := tA
			if mapped {
				b = e.rm.host[h.b]
			} else {
				e.load(h.b, tA)
			}
			e.op(asm.LEAQ, asm.MemIdx(b, e.rm.host[h.idx], int(h.scale), disp), asm.R(tA))
			return
		}
		e.load(h.idx, tA)
		e.op(asm.SHLQ, asm.Imm(int64(bits.TrailingZeros64(uint64(h.scale)))), asm.R(tA))
		e.op(asm.ADDQ, e.src(h.b), asm.R(tA))
	case !last || h.step == 0:
		if mapped {
			e.op(asm.LEAQ, asm.Mem(e.rm.host[h.b], disp), asm.R(tA))
			return
		}
		e.load(h.b, tA)
	case mapped && (h.step == 1 || h.step == 2 || h.step == 4 || h.step == 8):
		e.op(asm.LEAQ, asm.MemIdx(e.rm.host[h.b], tD, int(h.step), disp), asm.R(tA))
		return
	default:
		e.op3(asm.IMUL3Q, asm.Imm(h.step), asm.R(tD), asm.R(tA))
		e.op(asm.ADDQ, e.src(h.b), asm.R(tA))
	}
	e.addImm(disp, tA, asm.NoReg)
}

// storeHullCheck emits the entry's check of store hull h (RDX = n-1): the lowest
// store start L and the highest H (at the first or the last iteration, as the step's
// sign says) must satisfy StoreWinLo <= L <= StoreWinHi8 and H <= StoreWinHi8 in the
// primary window of its stores' register (via). With L below the arena's size and
// H = L + D for some D < 2^45, H cannot wrap, so every start in between lies in the
// window too. An empty window (StoreWinLo > StoreWinHi8) fails.
func (u *unit) storeHullCheck(h hoistHull, slow *asm.Label) {
	e := &u.e
	win := u.m.primaryWindow(h.via)
	u.hullAt(h, h.lo, h.step < 0)
	e.op(asm.CMPQ, asm.R(tA), stMem(winLo(win)))
	e.jump(asm.JCS, slow)
	e.op(asm.CMPQ, asm.R(tA), stMem(winHi8(win)))
	e.jump(asm.JHI, slow)
	u.hullAt(h, h.hi-8, h.step > 0)
	e.op(asm.CMPQ, asm.R(tA), stMem(winHi8(win)))
	e.jump(asm.JHI, slow)
}

// hoistable reports whether plan p's constants fit the entry check's immediates: each
// hull end's offset from its base, either minus ArenaBase or alone with -ArenaBase
// (hullAt), and whether each hull is no longer than the arena (else the limit a load
// hull's start is compared with, ArenaSize minus its length, would be negative, which
// the unsigned compare reads as huge).
func (u *unit) hoistable(p *hoistPlan) bool {
	base := int64(u.m.Cfg.Layout.ArenaBase)
	size := int64(u.m.Cfg.Layout.ArenaSize)
	fits := func(off int64) bool { return fits32(off-base) || fits32(off) && fits32(-base) }
	for _, h := range p.hulls {
		if h.hi-h.lo > size || !fits32(size-(h.hi-h.lo)) || !fits(h.lo) || !fits(h.hi-8) {
			return false
		}
	}
	return true
}

// inverse returns the inverse of odd x modulo 2^64 (Newton's iteration: each step
// doubles the correct low bits, from 3 for x itself).
func inverse(x uint64) uint64 {
	y := x
	for i := 0; i < 5; i++ {
		y *= 2 - x*y
	}
	return y
}
