package amd64

import (
	"slices"

	"github.com/hybridvm/hybridvm/codegen/internal/asm"
	"github.com/hybridvm/hybridvm/guest"
)

// The fast loop's register allocation and code (fastloop.go): a linear scan over
// one iteration's nodes in body order, evicting the value read furthest ahead.

// flLoc is where a value lives: a host register, or the State field at off.
type flLoc struct {
	reg asm.Reg
	off int64
}

// at is the location of a value in register h, else at off.
func at(h asm.Reg, off int64) flLoc {
	if h != asm.NoReg {
		return flLoc{reg: h}
	}
	return flLoc{asm.NoReg, off}
}

// operand is l as an instruction operand.
func (l flLoc) operand() asm.Operand {
	if l.reg != asm.NoReg {
		return asm.R(l.reg)
	}
	return stMem(l.off)
}

// noMem marks a node without a copy in memory.
const noMem = -1 << 40

// flAlloc is one allocation of a fast loop, with the head keeping k inputs in
// registers; in a dry run it only counts what it would emit.
type flAlloc struct {
	f    *flPlan
	u    *unit
	e    *emitter
	bmi2 bool
	dry  bool
	cost int
	fail bool
	// limit, when positive, ends a dry run whose cost reaches it (as failed).
	limit int
	// trace, when set, sees every two-operand instruction (tests).
	trace func(op asm.Op, from, to asm.Operand)

	pool    []asm.Reg
	head    [32]flLoc
	lowHead [32]bool  // the head holds only the register's low half (sign-extended)
	reg     []asm.Reg // each node's register (NoReg: none)
	mem     []int64   // each node's copy in memory (noMem: none)
	ownSlot []bool    // that copy is in a spill slot the node holds
	low     []bool    // the register or copy holds only the low half
	useAt   []int32   // each node's readers' positions, ascending: use[useAt[x]:useAt[x+1]]
	use     []int32
	owner   [16]int32 // the node in each register (by ownIdx), -1: none
	slots   []int64   // free spill slots
	cands   []uint8   // the inputs the head may keep in registers, by use
	candBuf [31]uint8
	poolBuf [len(fastRegs)]asm.Reg
	slotBuf [32]int64
	moveBuf [32]flMove
	k       int    // how many of them it keeps
	plan    flPlan // the plan allocated (f), whose storage the allocation keeps
}

// The fast loop's words in State.Scratch, which holds nothing across a block's
// entry: the counter's value after the passes, the parallel moves' temporary (the
// IDIV stub's divisor), R13 while the loop runs, and n-1 (hoist.go's trip check
// saves it for the entry; the IDIV stub keeps RDX there once the loop runs).
const (
	flEndOff   = guest.OffScratch
	flSpareOff = guest.OffScratch + 8
	flGasOff   = guest.OffScratch + 16
	flTripOff  = guest.OffScratch + 24
)

// fastRegs are the registers the fast loop allocates: the mappable ones, RDX, and
// R13, whose gas the entry saves in a slot after charging the loop (RAX stays a
// scratch register).
var fastRegs = func() (r [len(mappable) + 2]asm.Reg) {
	copy(r[:], mappable[:])
	r[len(mappable)], r[len(mappable)+1] = tD, rGas
	return r
}()

// takeFl returns an allocation to plan into (its plan) and prepare: one done with
// (dropFl), whose storage it reuses, when the unit has one.
func (u *unit) takeFl() *flAlloc {
	if n := len(u.flFree); n > 0 {
		a := u.flFree[n-1]
		u.flFree = u.flFree[:n-1]
		return a
	}
	return new(flAlloc)
}

// dropFl gives back an allocation done with, for takeFl to reuse.
func (u *unit) dropFl(a *flAlloc) {
	a.f, a.u, a.e, a.trace = nil, nil, nil, nil
	u.flFree = append(u.flFree, a)
}

// prepare makes a the allocations of its plan under mapping rm (the block's, at the
// loop's entry): the registers it may use (not those holding registers the body
// leaves alone) and the slots it may spill to.
func (a *flAlloc) prepare(u *unit, rm *regMap, bmi2 bool) {
	// Field by field: the struct is kilobytes of buffers (reset sets the head's and
	// the registers' state, each dry run anew).
	a.f, a.u, a.e, a.bmi2 = &a.plan, u, &u.e, bmi2
	a.dry, a.cost, a.fail, a.limit, a.trace, a.k, a.cands = false, 0, false, 0, nil, 0, nil
	a.reg, a.mem, a.ownSlot, a.low = a.reg[:0], a.mem[:0], a.ownSlot[:0], a.low[:0]
	f := a.f
	var blocked [16]bool // by ownIdx
	for g := 1; g < 32; g++ {
		if h := rm.host[g]; h != asm.NoReg && !f.live[g] && !f.wrote[g] {
			blocked[ownIdx(h)] = true
		}
	}
	a.pool = a.poolBuf[:0]
	for _, h := range fastRegs {
		if !blocked[ownIdx(h)] {
			a.pool = append(a.pool, h)
		}
	}
	// Each node's readers, in order: use[useAt[x]:useAt[x+1]].
	a.useAt = slices.Grow(a.useAt[:0], len(f.nodes)+2)[:len(f.nodes)+2]
	clear(a.useAt)
	// Counts at x+2, their sums, then each node's next free place at x+1, which
	// ends as where the next node's readers start (the live nodes' operands, twice).
	reader := func(n *flNode) bool { return n.live && n.kind != flIn && n.kind != flConst }
	for i := range f.nodes {
		if n := &f.nodes[i]; reader(n) {
			a.useAt[n.a+2]++
			if n.b >= 0 {
				a.useAt[n.b+2]++
			}
		}
	}
	for i := 2; i < len(a.useAt); i++ {
		a.useAt[i] += a.useAt[i-1]
	}
	a.use = slices.Grow(a.use[:0], int(a.useAt[len(a.useAt)-1]))[:a.useAt[len(a.useAt)-1]]
	for i := range f.nodes {
		if n := &f.nodes[i]; reader(n) {
			a.use[a.useAt[n.a+1]] = n.pos
			a.useAt[n.a+1]++
			if n.b >= 0 {
				a.use[a.useAt[n.b+1]] = n.pos
				a.useAt[n.b+1]++
			}
		}
	}
	a.useAt = a.useAt[:len(f.nodes)+1]
}

// candidates lists the live registers by how much the iteration reads them, most
// first: those the head should keep in registers.
func (a *flAlloc) candidates() []uint8 {
	c := a.candBuf[:0]
	score := func(g uint8) int {
		s := 0
		if in := a.f.in[g]; in >= 0 {
			s = 2 * int(a.useAt[in+1]-a.useAt[in])
		}
		if a.f.out[g] != a.f.in[g] {
			s++
		}
		return s
	}
	for g := uint8(1); g < 32; g++ {
		if a.f.live[g] && score(g) > 1 {
			c = append(c, g)
		}
	}
	slices.SortStableFunc(c, func(x, y uint8) int { return score(y) - score(x) })
	return c
}

// reset starts an allocation whose head keeps regs (registers chosen) for cands.
func (a *flAlloc) reset(k int, cands []uint8, rm *regMap) {
	f := a.f
	n := len(f.nodes)
	a.cost, a.fail = 0, false
	if cap(a.reg) < n || cap(a.low) < n {
		c := 4 * n // room for longer passes' plans (planFast reuses the buffers)
		a.reg, a.mem, a.ownSlot = make([]asm.Reg, c), make([]int64, c), make([]bool, 2*c)
		a.low = a.ownSlot[c : 2*c : 2*c]
	}
	a.reg, a.mem, a.ownSlot, a.low = a.reg[:n], a.mem[:n], a.ownSlot[:n], a.low[:n]
	for i := range a.reg {
		a.reg[i], a.mem[i], a.ownSlot[i], a.low[i] = asm.NoReg, noMem, false, false
	}
	for i := range a.owner {
		a.owner[i] = -1
	}
	for g := range a.head {
		a.head[g] = flLoc{asm.NoReg, xoff(uint8(g))}
	}
	// The k inputs keep their canonical register when it is in the pool, else take
	// the first free one.
	taken := func(h asm.Reg) bool { return a.owner[ownIdx(h)] >= 0 }
	var want []uint8
	for i, g := range cands {
		if i >= k || i >= len(a.pool) {
			break
		}
		if h := rm.host[g]; h != asm.NoReg && slices.Contains(a.pool, h) && !taken(h) {
			a.head[g] = at(h, 0)
			a.owner[ownIdx(h)] = f.in[g]
			continue
		}
		want = append(want, g)
	}
	for _, g := range want {
		for _, h := range a.pool {
			if !taken(h) {
				a.head[g] = at(h, 0)
				a.owner[ownIdx(h)] = f.in[g]
				break
			}
		}
	}
	for g := uint8(1); g < 32; g++ {
		in := f.in[g]
		a.lowHead[g] = false
		if in < 0 {
			continue
		}
		if h := a.head[g].reg; h != asm.NoReg {
			a.reg[in] = h
		} else {
			a.mem[in] = xoff(g)
		}
		// A register sign-extended at every iteration's head (sextloop.go) needs
		// only its low half there: the back edge skips its sign extension (the
		// exit does it). A 64-bit counter's compare reads it in full.
		if f.nodes[in].sx && (g != f.r || f.w32) {
			a.lowHead[g], a.low[in] = true, true
		}
	}
	// Spill slots: those of registers the body writes whose value at the head
	// does not live there (the n-th iteration writes them again).
	a.slots = a.slotBuf[:0]
	for g := uint8(1); g < 32; g++ {
		if f.wrote[g] && (!f.live[g] || a.head[g].reg != asm.NoReg) {
			a.slots = append(a.slots, xoff(g))
		}
	}
}

// op emits a two-operand instruction (a dry run only counts it: one, one more per
// memory operand read, two more for one written).
func (a *flAlloc) op(op asm.Op, from, to asm.Operand) {
	if a.trace != nil {
		a.trace(op, from, to)
	}
	a.cost++
	if from.IsMem() {
		a.cost++
	}
	if to.IsMem() {
		a.cost += 2
	}
	if !a.dry {
		a.e.op(op, from, to)
	}
}

// op3 emits a three-operand instruction (counted as op counts).
func (a *flAlloc) op3(op asm.Op, from, mid, to asm.Operand) {
	a.cost++
	if mid.IsMem() {
		a.cost++
	}
	if !a.dry {
		a.e.op3(op, from, mid, to)
	}
}

// next is the first position at or after pos where node x is read (end+1: never).
func (a *flAlloc) next(x int32, pos int32) int32 {
	for _, p := range a.use[a.useAt[x]:a.useAt[x+1]] {
		if p >= pos {
			return p
		}
	}
	if a.f.nodes[x].last == a.f.end {
		return a.f.end
	}
	return a.f.end + 1
}

// alloc returns a free register, evicting the value read furthest ahead (not one
// in pins).
func (a *flAlloc) alloc(pos int32, pins ...asm.Reg) asm.Reg {
	for _, h := range a.pool {
		if a.owner[ownIdx(h)] < 0 {
			return h
		}
	}
	victim, far := asm.NoReg, int32(-1)
	for _, h := range a.pool {
		if slices.Contains(pins, h) {
			continue
		}
		x := a.owner[ownIdx(h)]
		d := a.next(x, pos)
		if a.mem[x] != noMem || a.f.nodes[x].kind == flConst {
			d++ // no store to evict it: better at equal distance
		}
		if d > far {
			victim, far = h, d
		}
	}
	if victim == asm.NoReg {
		panic("BUG: amd64: fast loop: every register pinned")
	}
	x := a.owner[ownIdx(victim)]
	if a.mem[x] == noMem && a.f.nodes[x].kind != flConst {
		if len(a.slots) == 0 {
			a.fail = true
			a.slots = append(a.slots, flSpareOff) // keep going; the allocation is dropped
		}
		s := a.slots[len(a.slots)-1]
		a.slots = a.slots[:len(a.slots)-1]
		a.op(asm.MOVQ, asm.R(victim), stMem(s))
		a.mem[x], a.ownSlot[x] = s, true
	}
	a.reg[x], a.owner[ownIdx(victim)] = asm.NoReg, -1
	return victim
}

// give makes h node x's register.
func (a *flAlloc) give(x int32, h asm.Reg) {
	a.reg[x], a.owner[ownIdx(h)] = h, x
}

// dropMem forgets x's copy in memory (it no longer matches the register).
func (a *flAlloc) dropMem(x int32) {
	if a.ownSlot[x] {
		a.slots = append(a.slots, a.mem[x])
	}
	a.mem[x], a.ownSlot[x] = noMem, false
}

// release frees what x holds once it is no longer read.
func (a *flAlloc) release(x int32) {
	if h := a.reg[x]; h != asm.NoReg && a.owner[ownIdx(h)] == x {
		a.owner[ownIdx(h)] = -1
	}
	a.reg[x] = asm.NoReg
	a.dropMem(x)
}

// widen sign-extends x's register in place when it holds only the low half.
func (a *flAlloc) widen(x int32) {
	if h := a.reg[x]; a.low[x] && h != asm.NoReg {
		a.op(asm.MOVLQSX, asm.R(h), asm.R(h))
		a.low[x] = false
		a.dropMem(x)
	}
}

// src returns an operand reading x (its full value when full): an immediate, its
// register, its copy in memory, or RAX loaded from either.
func (a *flAlloc) src(x int32, full bool) asm.Operand {
	n := &a.f.nodes[x]
	switch {
	case n.kind == flConst:
		if fits32(n.imm) {
			return asm.Imm(n.imm)
		}
		a.op(asm.MOVQ, asm.Imm(n.imm), asm.R(tA))
		return asm.R(tA)
	case a.reg[x] != asm.NoReg:
		if full {
			a.widen(x)
		}
		return asm.R(a.reg[x])
	case full && a.low[x]:
		a.op(asm.MOVLQSX, stMem(a.mem[x]), asm.R(tA))
		return asm.R(tA)
	}
	return stMem(a.mem[x])
}

// inReg returns a register holding x (its full value when full), loading it into
// one of its own when it has none.
func (a *flAlloc) inReg(x int32, full bool, pos int32, pins ...asm.Reg) asm.Reg {
	if h := a.reg[x]; h != asm.NoReg {
		if full {
			a.widen(x)
		}
		return h
	}
	h := a.alloc(pos, pins...)
	a.load(x, full, h)
	a.give(x, h)
	if full && a.low[x] {
		a.low[x] = false
		a.dropMem(x)
	}
	return h
}

// load copies x into h (sign-extending its low half when full).
func (a *flAlloc) load(x int32, full bool, h asm.Reg) {
	n := &a.f.nodes[x]
	switch {
	case n.kind == flConst:
		if n.imm == 0 {
			a.op(asm.XORL, asm.R(h), asm.R(h))
		} else {
			a.op(asm.MOVQ, asm.Imm(n.imm), asm.R(h))
		}
	case full && a.low[x]:
		a.op(asm.MOVLQSX, a.src(x, false), asm.R(h))
	default:
		if s := a.src(x, false); !s.IsReg() || s.Reg() != h {
			a.op(asm.MOVQ, s, asm.R(h))
		}
	}
}

// dies reports whether pos is x's last read.
func (a *flAlloc) dies(x, pos int32) bool {
	return a.f.nodes[x].last == pos
}

// dest returns the register node i is computed in, holding a's value (full when
// full) already: a's own register when this is a's last read, else a new one.
func (a *flAlloc) dest(i, x int32, full bool, pos int32, pins ...asm.Reg) asm.Reg {
	if h := a.reg[x]; h != asm.NoReg && a.dies(x, pos) {
		if full {
			a.widen(x)
		}
		a.release(x)
		a.give(i, h)
		return h
	}
	h := a.alloc(pos, pins...)
	a.load(x, full, h)
	a.give(i, h)
	return h
}

// regOf is x's register, or NoReg (for pins).
func (a *flAlloc) regOf(x int32) asm.Reg {
	if x < 0 {
		return asm.NoReg
	}
	return a.reg[x]
}
