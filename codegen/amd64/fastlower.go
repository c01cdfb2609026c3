package amd64

import "github.com/hybridvm/hybridvm/codegen/internal/asm"

// minFastPool is the fewest registers a fast loop allocates: an instruction pins
// up to three while it allocates another.
const minFastPool = 4

// fastLoop emits, at the entry of the current block's hoisted copy (after all of
// p's and d's checks passed, with sx's registers sign-extended), its fast loop when
// it has one (fastloop.go): the checks that it may run (at least one pass, gas for
// the passes and one more iteration), the charge for the passes, the loop, and the
// moves back to the block's mapping. Every path from here goes on to fast, the
// hoisted copy's entry.
func (u *unit) fastLoop(p *hoistPlan, d *divPlan, sx uint32, fast *asm.Label) {
	blk := u.blk
	last := len(blk.Insts) - 1
	e := &u.e
	rm := e.rm
	zzTried.Add(1)
	// The cheapest per iteration of the passes of 1, 2 and 4 iterations, each with
	// its best number of inputs kept in registers.
	var a *flAlloc
	var cands []uint8
	best, bestCost, bestUnroll := -1, 0, 0
	for _, unroll := range []int{1, 2, 4} {
		f, ok := planFastLoop(blk.Insts[:last], blk.Insts[last], p, d, sx, unroll, u.m.bmi2, int64(u.m.Cfg.Layout.ArenaBase))
		if !ok {
			break
		}
		t := newFlAlloc(f, e, rm, u.m.bmi2)
		if len(t.pool) < minFastPool {
			break
		}
		c := t.candidates()
		t.dry = true
		for k := 0; k <= len(c) && k <= len(t.pool); k++ {
			t.reset(k, c, rm)
			t.body()
			// Cost per iteration: cost/unroll against bestCost/bestUnroll.
			if !t.fail && (best < 0 || t.cost*bestUnroll < bestCost*unroll) {
				a, cands, best, bestCost, bestUnroll = t, c, k, t.cost, unroll
			}
		}
	}
	if best < 0 {
		return
	}
	f := a.f
	a.dry = false
	a.reset(best, cands, rm)
	zzFast.Add(1)

	// The fast loop runs F = n-1 rounded down to a whole number of passes; the
	// entry finds gas for F+1 iterations (the one after them must not run out
	// before it has computed every register) and charges F.
	charge := blk.Gas<<gasShift - int64(len(blk.Insts))
	u.tripCheck(p, fast) // RDX = n-1
	if f.unroll > 1 {
		e.op(asm.ANDQ, asm.Imm(int64(-f.unroll)), asm.R(tD))
	} else {
		e.op(asm.TESTQ, asm.R(tD), asm.R(tD))
	}
	e.jump(asm.JEQ, fast)
	e.op(asm.LEAQ, asm.Mem(tD, 1), asm.R(tA))
	e.op3(asm.IMUL3Q, asm.Imm(charge), asm.R(tA), asm.R(tA))
	e.op(asm.CMPQ, asm.R(rGas), asm.R(tA))
	e.jump(asm.JLT, fast)
	e.op3(asm.IMUL3Q, asm.Imm(charge), asm.R(tD), asm.R(tA))
	e.op(asm.SUBQ, asm.R(tA), asm.R(rGas))
	// Where the counter is after F iterations (its low half, for an addiw counter).
	e.op3(asm.IMUL3Q, asm.Imm(f.step), asm.R(tD), asm.R(tA))
	e.op(asm.ADDQ, e.src(f.r), asm.R(tA))
	e.op(asm.MOVQ, asm.R(tA), stMem(a.qs))
	e.op(asm.MOVQ, asm.R(rGas), stMem(a.gas))

	canon := func(g uint8) flLoc { return at(rm.host[g], xoff(g)) }
	var moves []flMove
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
	e.op(cmp, r, stMem(a.qs))
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
	e.op(asm.MOVQ, stMem(a.gas), asm.R(rGas))
}
