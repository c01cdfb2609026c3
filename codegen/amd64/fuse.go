package amd64

import (
	"slices"
	"sort"

	"github.com/hybridvm/hybridvm/codegen/internal/asm"
	"github.com/hybridvm/hybridvm/riscv"
)

// Rotates: RV64IMAC has no rotate instruction, so compilers write one as two shifts
// and an OR — three instructions, often interleaved with others (SHA-256 is full of
// them):
//
//	srliw p, x, n
//	slliw q, x, 32-n
//	or    d, p, q      →   d = sext32(ror32(x, n))
//
// (and srli/slli by n and 64-n for 64-bit rotates). When the two shift results are
// read by nothing but the OR, and after it are overwritten before any read, possible
// fault or the block's end, the shifts are not emitted and the OR becomes one x86
// rotate; when only one of them is, the other shift is emitted as usual and the OR is
// still the rotate (from x, not from the shift results). OR, XOR and ADD all combine the
// two disjoint halves the same way. A load or
// store between the shifts and the OR may fault while a skipped shift's result should
// already be in its register: its fault path computes it first (x is unchanged until
// the OR), so the state at the fault is exactly the interpreter's.

// rotate is a fused rotate right of guest register src by n (32-bit: word).
type rotate struct {
	src  uint8
	n    uint8 // 1 to 31 (word) or 63
	word bool
}

// fusion is what fuseRotates found in a block body.
// Its slices are indexed by body position (made for the first rotate: most blocks
// have none).
type fusion struct {
	skip  []bool   // not emitted: folded into a later rotate
	rot   []rotate // emitted as a rotate instead of the combining instruction (n > 0)
	owner []int32  // a skipped instruction's rotate, the one that folds it (-1: none)
	// atExit are skipped instructions whose results are still live when a self-loop
	// block leaves its loop: its exit edge computes them (the back edge needs none).
	atExit []int
	// exitSrc: for some of them, the register the exit computes them from instead of
	// their source, which the body changes after copying it there (exitCopy); 0: the
	// source itself.
	exitSrc []uint8
}

// rotAt returns the rotate instruction i is emitted as, if any.
func (f *fusion) rotAt(i int) (rotate, bool) {
	if i < len(f.rot) && f.rot[i].n != 0 {
		return f.rot[i], true
	}
	return rotate{}, false
}

// noFusion is the fusion of a block without rotates (and of instructions emitted
// for real while replaying): nothing skipped. It is never modified.
var noFusion fusion

// pending lists the skipped instructions before m whose rotate comes after m, and
// those whose results a self-loop leaves for its exit edge (atExit): a fault at m
// must compute them.
func (f *fusion) pending(m int) []int {
	var p []int
	for i, k := range f.owner[:min(m, len(f.owner))] {
		if k >= 0 && (int(k) > m || slices.Contains(f.atExit, i)) {
			p = append(p, i)
		}
	}
	return p
}

// fuseRotates finds the fusable rotates of a block body. For a block that loops to
// itself (selfLoop), a shift result left in its register at the end need not be
// there on the back edge when the block writes that register before reading it and
// its branch does not read it (live, from backEdgeLive); the exit edge recomputes it instead, from the shift's source, whose
// low half must then be unchanged to the end (a sext.w of it is allowed).
func fuseRotates(body []riscv.Inst, selfLoop bool, live regSet, unchecked []bool) fusion {
	var f fusion
	// toExit reports whether the shift at i (result dead or not at k, the combining
	// instruction) may leave its result to the exits, and from which copy of its
	// source x they compute it (0: x itself).
	toExit := func(i, k int, dead bool, x uint8) (ok bool, from uint8) {
		if dead || !liveToEnd(body, i, k) || !selfLoop || live[body[i].Rd] ||
			!noFaultBefore(body, i, unchecked) || !replayable(body, i+1, len(body)-1) {
			return false, 0
		}
		if lowUnchanged(body, i, len(body), x) {
			return true, 0
		}
		from, ok = exitCopy(body, i, x, unchecked)
		return ok, from
	}
	leave := func(i int, from uint8) {
		f.atExit = append(f.atExit, i)
		if from != 0 {
			if f.exitSrc == nil {
				f.exitSrc = make([]uint8, len(body))
			}
			f.exitSrc[i] = from
		}
	}
	// def[r] is the last instruction before k that writes r, plus one (0: none).
	var def [32]int32
	for k, in := range body {
		if k > 0 && writesRd(body[k-1]) {
			def[body[k-1].Rd] = int32(k)
		}
		switch in.Op {
		case riscv.OpOR, riscv.OpXOR, riscv.OpADD, riscv.OpADDW:
		default:
			continue
		}
		if in.Rs1 == 0 || in.Rs2 == 0 || in.Rs1 == in.Rs2 {
			continue
		}
		i, j := int(def[in.Rs1])-1, int(def[in.Rs2])-1
		if i < 0 || j < 0 || (f.skip != nil && (f.skip[i] || f.skip[j])) {
			continue
		}
		r, ok := rotateOf(body[i], body[j])
		if !ok {
			r, ok = rotateOf(body[j], body[i])
		}
		if !ok || (in.Op == riscv.OpADDW && !r.word) {
			continue
		}
		lo := min(i, j)
		if !unchanged(body, lo, k, r.src) || !replayable(body, lo, k) {
			continue
		}
		di, dj := deadAfter(body, i, k), deadAfter(body, j, k)
		li, fi := toExit(i, k, di, r.src)
		lj, fj := toExit(j, k, dj, r.src)
		si, sj := di || li, dj || lj
		if !si && !sj {
			continue
		}
		// A partial fusion: one shift is emitted as usual (its result is needed
		// elsewhere), the other skipped, and the combining instruction is still one
		// rotate from the source.
		if f.skip == nil {
			f.skip, f.rot, f.owner = make([]bool, len(body)), make([]rotate, len(body)), make([]int32, len(body))
			for m := range f.owner {
				f.owner[m] = -1
			}
		}
		f.rot[k] = r
		if si {
			f.skip[i], f.owner[i] = true, int32(k)
		}
		if sj {
			f.skip[j], f.owner[j] = true, int32(k)
		}
		if li {
			leave(i, fi)
		}
		if lj {
			leave(j, fj)
		}
	}
	sort.Ints(f.atExit)
	return f
}

// exitCopy finds where the exit edge can recompute the word shift at i of x when the
// body changes x after it: a register y that `sext.w y, x` (or `mv y, x`) sets while x
// still holds the shift's source and that nothing writes afterwards, so that y's low
// half at the body's end is the source's (sha256's message schedule shifts a2, then
// `sext.w t1, a2; sext.w a2, a4`). No instruction after the shift may fault: a fault
// would need the result computed from x or y as they were at that point.
func exitCopy(body []riscv.Inst, i int, x uint8, unchecked []bool) (uint8, bool) {
	if w := body[i]; w.Op != riscv.OpSRLIW && w.Op != riscv.OpSLLIW {
		return 0, false
	}
	for m := i + 1; m < len(body); m++ {
		if !faultFree(body[m]) && !(m < len(unchecked) && unchecked[m]) {
			return 0, false
		}
	}
	for m := i + 1; m < len(body); m++ {
		in := body[m]
		if (in.Op == riscv.OpADDIW || in.Op == riscv.OpADDI) && in.Imm == 0 && in.Rs1 == x && in.Rd != 0 && in.Rd != x &&
			unchanged(body, m, len(body), in.Rd) {
			return in.Rd, true
		}
		if writesRd(in) && in.Rd == x && !(in.Op == riscv.OpADDIW && in.Imm == 0 && in.Rs1 == x) {
			return 0, false // x's low half changes before any copy
		}
	}
	return 0, false
}

// liveToEnd reports whether the value instruction i writes is read by k only and
// then stays in its register, unread and unwritten, to the block's end.
func liveToEnd(body []riscv.Inst, i, k int) bool {
	r := body[i].Rd
	for m := i + 1; m < len(body); m++ {
		if m == k {
			if writesRd(body[k]) && body[k].Rd == r {
				return false
			}
			continue
		}
		if reads(body[m], r) || (writesRd(body[m]) && body[m].Rd == r) {
			return false
		}
	}
	return true
}

// lowUnchanged reports whether the low 32 bits of x cannot change in (from, to): no
// instruction writes x but sext.w x, x.
func lowUnchanged(body []riscv.Inst, from, to int, x uint8) bool {
	for m := from + 1; m < to; m++ {
		in := body[m]
		if writesRd(in) && in.Rd == x && !(in.Op == riscv.OpADDIW && in.Imm == 0 && in.Rs1 == x) {
			return false
		}
	}
	return true
}

// noFaultBefore reports whether no instruction before i can fault (unchecked: the
// loads and stores the loop's entry checked, hoist.go): a fault there in a later
// iteration would show the previous iteration's result of a shift at i, which a
// self-loop skips and nothing can compute any more.
func noFaultBefore(body []riscv.Inst, i int, unchecked []bool) bool {
	for m := range i {
		if !faultFree(body[m]) && !(m < len(unchecked) && unchecked[m]) {
			return false
		}
	}
	return true
}

// rotateOf matches a right shift a and a left shift b of the same register by
// complementary amounts.
func rotateOf(a, b riscv.Inst) (rotate, bool) {
	switch {
	case a.Op == riscv.OpSRLIW && b.Op == riscv.OpSLLIW && a.Imm > 0 && a.Imm < 32 && b.Imm == 32-a.Imm:
		return rotate{a.Rs1, uint8(a.Imm), true}, a.Rs1 == b.Rs1 && a.Rs1 != 0 && a.Rd != a.Rs1 && b.Rd != b.Rs1
	case a.Op == riscv.OpSRLI && b.Op == riscv.OpSLLI && a.Imm > 0 && a.Imm < 64 && b.Imm == 64-a.Imm:
		return rotate{a.Rs1, uint8(a.Imm), false}, a.Rs1 == b.Rs1 && a.Rs1 != 0 && a.Rd != a.Rs1 && b.Rd != b.Rs1
	}
	return rotate{}, false
}

// lastDef is the index of the last instruction before k that writes r (-1: none).
func lastDef(body []riscv.Inst, k int, r uint8) int {
	for i := k - 1; i >= 0; i-- {
		if writesRd(body[i]) && body[i].Rd == r {
			return i
		}
	}
	return -1
}

// unchanged reports whether no instruction in (from, to) writes r.
func unchanged(body []riscv.Inst, from, to int, r uint8) bool {
	for i := from + 1; i < to; i++ {
		if writesRd(body[i]) && body[i].Rd == r {
			return false
		}
	}
	return true
}

// reads reports whether in reads guest register r.
func reads(in riscv.Inst, r uint8) bool {
	s, n := sources(in)
	for _, x := range s[:n] {
		if x == r {
			return true
		}
	}
	return false
}

// sources lists the registers an instruction reads, the first n of s (the decoder
// leaves Rs1 and Rs2 zero in the formats that have no such field; x0 is never a
// definition anyway).
func sources(in riscv.Inst) (s [2]uint8, n int) {
	switch in.Op {
	case riscv.OpCSRRWI, riscv.OpCSRRSI, riscv.OpCSRRCI: // Rs1 holds an immediate
		return s, 0
	}
	return [2]uint8{in.Rs1, in.Rs2}, 2
}

// deadAfter reports whether the value instruction i writes is read only by k: nothing
// else reads it, and after k it is overwritten before any read, possible fault or the
// block's end.
func deadAfter(body []riscv.Inst, i, k int) bool {
	r := body[i].Rd
	for m := i + 1; m < k; m++ {
		if reads(body[m], r) || (writesRd(body[m]) && body[m].Rd == r) {
			return false
		}
	}
	if writesRd(body[k]) && body[k].Rd == r {
		return true
	}
	for m := k + 1; m < len(body); m++ {
		if reads(body[m], r) || !faultFree(body[m]) {
			return false
		}
		if writesRd(body[m]) && body[m].Rd == r {
			return true
		}
	}
	return false // live at the block's end
}

// replayable reports whether every instruction in [from, to] either cannot fault or
// has a fault path that can compute skipped results (loads and stores).
func replayable(body []riscv.Inst, from, to int) bool {
	for m := from; m <= to; m++ {
		if !faultFree(body[m]) && !isAccess(body[m]) {
			return false
		}
	}
	return true
}

// regSet is a set of guest registers.
type regSet [32]bool

// liveIn returns the registers a block reads before writing them (the terminator's
// reads included): its live-in registers on a back edge to itself.
func liveIn(insts []riscv.Inst) regSet {
	var written, in uint32 // bit r: x_r
	for _, inst := range insts {
		s, n := sources(inst)
		for _, r := range s[:n] {
			in |= 1 << (r & 31) &^ written
		}
		if writesRd(inst) {
			written |= 1 << (inst.Rd & 31)
		}
	}
	var set regSet
	for r := range set {
		set[r] = in>>r&1 != 0
	}
	return set
}

// backEdgeLive returns the registers a self-loop block (insts, its terminator last)
// needs at the end of its body to take its back edge and run the next iteration: its
// live-in registers and those its terminator reads.
func backEdgeLive(insts []riscv.Inst) regSet {
	live := liveIn(insts)
	s, n := sources(insts[len(insts)-1])
	for _, r := range s[:n] {
		live[r] = true
	}
	return live
}

// backEdgeLive is backEdgeLive of the current block, computed once for its copies
// and its fast loop's plans.
func (u *unit) backEdgeLive() regSet {
	if u.liveOf != u.blk {
		u.liveOf, u.live = u.blk, backEdgeLive(u.blk.Insts)
	}
	return u.live
}

// replayAtExit computes the results of the skipped instructions still live at the
// end of a self-loop block, those left to its exits (sink.go), and the sign extensions
// left to them (sextexit.go), before it leaves the loop.
func (u *unit) replayAtExit() {
	u.replay(u.exitWork)
	u.signExtendRegs(u.sextAtExit) // after the replay: it may write them (sextexit.go)
}

// replay emits the skipped instructions list (body indices) for real (a fused
// rotate as the rotate, sink.go).
func (u *unit) replay(list []int) {
	if len(list) == 0 {
		return
	}
	fuse := u.fuse
	u.fuse = &noFusion
	for _, i := range list {
		if r, ok := fuse.rotAt(i); ok {
			u.idx = i
			u.lowerRotate(u.blk.Insts[i], r)
			continue
		}
		in := u.blk.Insts[i]
		if i < len(fuse.exitSrc) && fuse.exitSrc[i] != 0 {
			y := fuse.exitSrc[i]
			in.Rs1 = y // a copy of the source, which the body changed (exitCopy)
		}
		u.lowerInst(i, 0, in)
	}
	u.fuse = fuse
}

// lowerRotate emits the fused rotate at k: with BMI2 one RORX from the source
// (a register or its slot) to the result, else a move and a ROR.
func (u *unit) lowerRotate(in riscv.Inst, r rotate) {
	e := &u.e
	if r.word {
		u.wordOp(in, 0, func(t asm.Reg) {
			if u.m.bmi2 {
				e.op3(asm.RORXL, asm.Imm(int64(r.n)), e.src(r.src), asm.R(t))
				return
			}
			u.movl(r.src, t)
			e.op(asm.RORL, asm.Imm(int64(r.n)), asm.R(t))
		})
		return
	}
	if in.Rd == 0 {
		return
	}
	d := e.dest(in.Rd, tA)
	if u.m.bmi2 {
		e.op3(asm.RORXQ, asm.Imm(int64(r.n)), e.src(r.src), asm.R(d))
	} else {
		u.move(e.src(r.src), d)
		e.op(asm.RORQ, asm.Imm(int64(r.n)), asm.R(d))
	}
	e.commit(in.Rd, d)
}
