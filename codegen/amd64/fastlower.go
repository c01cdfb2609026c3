package amd64

import (
	"github.com/hybridvm/hybridvm/codegen/internal/asm"
)

// minFastIters is the fewest iterations a fast loop runs: its entry and exit
// (checks, charge, moves) cost about as much as the iterations it makes faster.
const minFastIters = 8

// minFastPool is the fewest registers a fast loop allocates: an instruction pins
// up to three while it allocates another.
const minFastPool = 4

// planFast returns the fast loop (fastloop.go) of the current block, a self-loop
// with hoisting plan p, divisor plan d and registers sx sign-extended at its entry,
// as its cheapest allocation; nil when it has none. Its code (emitFast) checks that
// it may run (n-1 >= minFastIters, gas for its passes and one more iteration),
// charges the passes, runs them, and moves the registers back to the block's
// mapping.
func (u *unit) planFast(p *hoistPlan, d *divPlan, sx uint32) *flAlloc {
	if p == nil || p.bound != 0 && p.bound < minFastIters*abs(p.step) {
		return nil // too few iterations ever (hoistbound.go: the counter stays in [0, bound])
	}
	blk := u.blk
	last := len(blk.Insts) - 1
	rm := u.e.rm
	// The cheapest per iteration of passes of 1, 2 and 4 iterations (a longer one
	// only while that saves at least an eighth), each keeping in registers the k
	// most read inputs for the best k found going down from all of them (in steps
	// of 2 for many, until two steps in a row find nothing better; only all when
	// they fit easily).
	var a *flAlloc
	for _, unroll := range []int{1, 2, 4} {
		t := u.takeFl()
		if !planFastLoop(&t.plan, blk.Insts[:last], blk.Insts[last], u.backEdgeLive(), p, d, sx, unroll, u.m.bmi2, int64(u.m.Cfg.Layout.ArenaBase)) {
			u.dropFl(t)
			break
		}
		t.prepare(u, rm, u.m.bmi2)
		if len(t.pool) < minFastPool {
			u.dropFl(t)
			break
		}
		t.cands = t.candidates()
		t.dry = true
		top := min(len(t.cands), len(t.pool))
		step := 1
		if top > 6 {
			step = 2
		}
		best, bestCost := -1, 0
		for k, worse := top, 0; k >= 0 && worse < 2; k -= step {
			t.reset(k, t.cands, rm)
			if best >= 0 {
				t.limit = bestCost - passCost // cheaper than the best, or worse
			}
			t.body()
			if t.fail || best >= 0 && t.cost+passCost >= bestCost {
				worse++
				continue
			}
			best, bestCost, worse = k, t.cost+passCost, 0
			if len(t.cands)+3 <= len(t.pool) {
				break // every input fits with room to spare: keeping fewer cannot help
			}
		}
		// Per iteration, against the best so far: bestCost/unroll < 7/8 * cost/unroll'.
		if best < 0 || a != nil && 8*bestCost*a.f.unroll >= 7*a.cost*unroll {
			u.dropFl(t)
			break
		}
		t.k, t.cost = best, bestCost
		if a != nil {
			u.dropFl(a)
		}
		a = t
	}
	return a
}

// passCost is what a pass of the fast loop costs besides its body (the counter's
// compare and the jump back), in flAlloc's units.
const passCost = 3

// emitFast emits the fast loop a (from planFast) at the entry of the current
// block's hoisted copy, after all of its checks passed (the hoisting plan's trip
// check saved n-1 in State.Scratch: hoistCheck's saveTrip) with the registers sextloop.go
// relies on sign-extended. Every path from here goes on to fast, the hoisted copy's
// entry.
func (u *unit) emitFast(a *flAlloc, fast *asm.Label) {
	blk := u.blk
	e := &u.e
	rm := e.rm
	f := a.f
	a.dry, a.limit = false, 0
	a.reset(a.k, a.cands, rm)

	// The fast loop runs F = n-1 rounded down to a whole number of passes; the
	// entry finds gas for F+1 iterations (the one after them must not run out
	// before it has computed every register) and charges F.
	charge := blk.Gas<<gasShift - int64(len(blk.Insts))
	e.op(asm.CMPQ, stMem(flTripOff), asm.Imm(minFastIters)) // n-1
	e.jump(asm.JCS, fast)
	e.op(asm.MOVQ, stMem(flTripOff), asm.R(tD))
	if f.unroll > 1 {
		e.op(asm.ANDQ, asm.Imm(int64(-f.unroll)), asm.R(tD))
	}
	e.op(asm.LEAQ, asm.Mem(tD, 1), asm.R(tA))
	e.op3(asm.IMUL3Q, asm.Imm(charge), asm.R(tA), asm.R(tA))
	e.op(asm.CMPQ, asm.R(rGas), asm.R(tA))
	e.jump(asm.JLT, fast)
	e.op3(asm.IMUL3Q, asm.Imm(charge), asm.R(tD), asm.R(tA))
	e.op(asm.SUBQ, asm.R(tA), asm.R(rGas))
	// Where the counter is after F iterations (its low half, for an addiw counter).
	e.op3(asm.IMUL3Q, asm.Imm(f.step), asm.R(tD), asm.R(tA))
	e.op(asm.ADDQ, e.src(f.r), asm.R(tA))
	e.op(asm.MOVQ, asm.R(tA), stMem(flEndOff))
	e.op(asm.MOVQ, asm.R(rGas), stMem(flGasOff))

	canon := func(g uint8) flLoc { return at(rm.host[g], xoff(g)) }
	moves := a.moveBuf[:0]
	for g := uint8(1); g < 32; g++ {
		if f.live[g] {
			moves = append(moves, flMove{src: canon(g), dst: a.head[g]})
		}
	}
	a.parallel(moves)

	head := u.b.NewLabel()
	u.bindLoopHead(head)
	a.body()
	cmp := asm.CMPQ
	if f.w32 {
		cmp = asm.CMPL
	}
	r := a.head[f.r].operand()
	if r.IsMem() {
		e.op(asm.MOVQ, r, asm.R(tA))
		r = asm.R(tA)
	}
	e.op(cmp, r, stMem(flEndOff))
	e.jump(asm.JNE, head)

	// Heads that hold only low halves get their upper halves back.
	for g := uint8(1); g < 32; g++ {
		if !a.lowHead[g] {
			continue
		}
		if h := a.head[g]; h.reg != asm.NoReg {
			e.op(asm.MOVLQSX, asm.R(h.reg), asm.R(h.reg))
		} else {
			e.op(asm.MOVLQSX, stMem(h.off), asm.R(tA))
			e.op(asm.MOVQ, asm.R(tA), stMem(h.off))
		}
	}
	moves = moves[:0]
	for g := uint8(1); g < 32; g++ {
		if f.live[g] {
			moves = append(moves, flMove{src: a.head[g], dst: canon(g)})
		}
	}
	a.parallel(moves)
	e.op(asm.MOVQ, stMem(flGasOff), asm.R(rGas))
	u.dropFl(a)
}

func abs(x int64) int64 {
	if x < 0 {
		return -x
	}
	return x
}
