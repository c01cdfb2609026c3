package amd64

import (
	"fmt"

	"github.com/hybridvm/hybridvm/codegen"
	"github.com/hybridvm/hybridvm/codegen/internal/asm"
	"github.com/hybridvm/hybridvm/guest"
	"github.com/hybridvm/hybridvm/riscv"
)

// lowerBlock emits block i: its indirect entry (the dispatch target check), its
// direct entry, the zeroing-loop hand-off, the gas charge, the body and the
// terminator.
func (u *unit) lowerBlock(i int) {
	blk := u.blocks[i]
	u.blk = blk
	u.next = nil
	if i+1 < len(u.blocks) {
		u.next = u.direct[i+1]
	}
	e := &u.e
	e.rm, u.local, u.loopTop, u.backTo = &u.m.rm, nil, nil, nil
	// The indirect entry (target check) is out of line, so a block that falls
	// through to the next one in the unit needs no jump.
	u.cold = append(u.cold, coldCode{kind: coldEntry, l: u.ind[i], i: i})
	selfLoop := blk.Term == codegen.TermBranch && blk.Target == blk.Start && blk.End != blk.Start
	own := selfLoop && blk.ZeroLoop == nil // the loop may have a head of its own (loopTop)
	local, written := blockMap(&u.m.rm, blk, own)
	var p hoistPlan
	var d divPlan
	ok, dok, sx := false, false, uint32(0)
	if own {
		last := len(blk.Insts) - 1
		d, dok = u.planDivs(blk.Insts[:last])
		p, ok = planHoist(blk.Insts[:last], blk.Insts[last], u.bools, d.by, nil)
		if b, bok := u.planBound(p, blk.Insts[:last], blk.Insts[last], d.by); bok {
			p, ok = b, true // the bound guarded as well (hoistbound.go)
		}
		if !p.counted {
			if c, cok := planCmpHoist(blk.Insts[:last], blk.Insts[last], u.bools); cok {
				p, ok = c.with(p), true // planHoist's hulls are then of invariant bases
			}
		}
		ok = ok && u.hoistable(&p)
		sx = sextLoopFacts(blk.Insts[:last])
	}
	hoisted := ok || dok || sx != 0
	if selfLoop && !(own && (hoisted || local != u.m.rm)) {
		u.bindLoopHead(u.direct[i]) // the back edge jumps to the block's entry
	} else {
		u.b.Bind(u.direct[i])
	}
	if blk.ZeroLoop != nil {
		u.zeroLoopCheck(blk)
	}
	if local != u.m.rm {
		u.local, u.written = u.newLocal(local), written
		if own {
			// The mapping holds across the back edge, which jumps to loopTop.
			u.enterLocal()
			u.loopTop = u.b.NewLabel()
		}
	}
	if hoisted {
		var pp *hoistPlan
		if ok {
			pp = &p
		}
		u.lowerHoisted(selfLoop, pp, &d, sx)
		return
	}
	if u.loopTop != nil {
		u.bindLoopHead(u.loopTop)
	}
	u.lowerCopy(selfLoop)
}

// lowerHoisted emits a self-loop with hoisted bounds checks (hoist.go, p; nil: none),
// guarded divisors (divguard.go, d) and registers sign-extended at its entry
// (sextloop.go, sx; 0: none): the entry's checks, the loop with every check, and the
// loop without the checks p covers, dividing as d found, assuming sx.
func (u *unit) lowerHoisted(selfLoop bool, p *hoistPlan, d *divPlan, sx uint32) {
	e := &u.e
	if u.loopTop == nil {
		u.loopTop = u.b.NewLabel()
	}
	slow, fast := u.loopTop, u.b.NewLabel()
	fl := u.planFast(p, d, sx)
	if p != nil {
		u.hoistCheck(p, slow, fl != nil)
	}
	u.divCheck(d, slow)
	u.sextCheck(sx, slow)
	if fl != nil {
		u.emitFast(fl, fast)
	}
	e.jump(asm.JMP, fast)
	rm, next := e.rm, u.next
	u.next = nil // the unchecked copy comes next, not the next block
	u.bindLoopHead(slow)
	u.lowerCopy(selfLoop)
	e.rm, u.next = rm, next
	u.loopTop, u.divBy, u.sextEntry = fast, d.by, sx
	if p != nil {
		u.unchecked, u.divNonNeg, u.nonNegWords = p.unchecked, p.nonNeg, p.wordNonNeg
	}
	u.bindLoopHead(fast) // after the slow copy's jump out
	u.lowerCopy(selfLoop)
	u.unchecked, u.divBy, u.divNonNeg, u.nonNegWords, u.sextEntry = nil, nil, nil, nil, 0
}

// lowerCopy emits the current block from its gas charge to its terminator (its
// mapping and loopTop set up and bound by lowerBlock).
func (u *unit) lowerCopy(selfLoop bool) {
	e := &u.e
	blk := u.blk
	body := blk.Insts
	if blk.Term != codegen.TermFall {
		body = body[:len(body)-1]
	}
	u.sextMove = sextRedundant(body, u.sextEntry, u.bools)
	u.divPair = pairDivisions(body, u.bools, u.divByConst)
	u.needUpper, u.sextAtExit = u.bools(len(body)), 0
	if selfLoop && blk.ZeroLoop == nil {
		u.sextAtExit = deferSextInto(u.needUpper, body, blk.Insts[len(body)], u.sextMove, u.unchecked, u.sextEntry)
	} else {
		upperNeededFrom(u.needUpper, body, u.sextMove, u.unchecked, ^uint32(0))
	}
	var live regSet
	if selfLoop {
		live = u.backEdgeLive()
	}
	u.fuse = &noFusion
	if f := fuseRotates(body, selfLoop, live, u.unchecked); f.skip != nil {
		u.fuse = new(fusion) // a copy: f itself would be allocated for every block
		*u.fuse = f
	}
	// The mapping the body runs under (a self-loop's is already in place).
	bodyRM := e.rm
	if u.local != nil && u.loopTop == nil {
		bodyRM = &u.local.rm
	}
	u.exitWork = u.fuse.atExit
	sinkLoop := selfLoop && blk.ZeroLoop == nil && noFaults(body, u.unchecked)
	var sunk []int
	if sinkLoop {
		sunk, u.fuse = sinkFull(body, live, u.fuse, u.sextMove)
	}
	u.spans = forwardSpans(u.spans[:0], body, bodyRM, u.fuse)
	if sinkLoop {
		if st := sinkStores(u.spans, body, live, u.fuse, u.sextMove); len(sunk)+len(st) > 0 {
			u.exitWork = exitWork(u.fuse.atExit, sunk, st)
		}
	}
	// Gas and retired instructions in one subtraction (see the package comment).
	n := int64(len(blk.Insts))
	charge := blk.Gas<<gasShift - n
	gas := asm.R(rGas)
	e.op(asm.SUBQ, asm.Imm(charge), gas)
	e.jump(asm.JMI, u.cold1(coldCode{kind: coldOOG, pc: blk.Start, arg: charge}))
	if len(u.exitWork) > 0 || u.sextAtExit != 0 {
		// The loop leaves some results of skipped shifts (fuse.go), other results
		// (sink.go) or sign extensions (sextexit.go) for its exit edge: the back edge
		// charges the next iteration itself, so that running out of gas there
		// computes them first, as the exit edge does.
		top := u.b.NewLabel()
		u.backTo = u.b.NewLabel()
		e.jump(asm.JMP, top)
		u.bindLoopHead(u.backTo)
		e.op(asm.SUBQ, asm.Imm(charge), gas)
		e.jump(asm.JMI, u.cold1(coldCode{kind: coldOOG, pc: blk.Start, arg: charge, replay: u.exitWork, sext: u.sextAtExit}))
		u.b.Bind(top)
	}
	if u.local != nil && u.loopTop == nil {
		u.enterLocal()
	}
	pcs := u.uint64s(len(body) + 1)
	pcs[0] = blk.Start
	for i, in := range body {
		pcs[i+1] = pcs[i] + uint64(in.Len)
	}
	span, spanEnd := 0, 0
	for idx := 0; idx < len(body); {
		if u.fwdReg != 0 && idx > spanEnd {
			u.fwdEnd()
		}
		if g, ok := findGroup(body, idx); ok && !u.groupHoisted(g, body) {
			u.fwdEnd()
			u.lowerGroup(g, body, pcs)
			idx = g.end
			continue
		}
		for span < len(u.spans) && u.spans[span].start < idx {
			span++ // began inside a group
		}
		if u.fwdReg == 0 && span < len(u.spans) && u.spans[span].start == idx {
			u.fwdBegin(u.spans[span])
			spanEnd = u.spans[span].end
			span++
		}
		if s, ok := findScaledAdd(body, idx, u.fuse, int64(u.m.Cfg.Layout.ArenaBase)); ok && u.lowerScaledAdd(s, pcs) {
			if s.load {
				idx = s.loadIdx + 1
				continue
			}
			u.fwdStore(s.end-1, body[s.end-1])
			idx = s.end
			continue
		}
		if s, ok := findShiftAdd(body, idx, u.fuse); ok {
			u.lowerShiftAdd(s)
			u.fwdStore(idx+1, body[idx+1])
			idx += 2
			continue
		}
		if !u.lowerInst(idx, pcs[idx], body[idx]) {
			u.fwdEnd()
			return // an unconditional fault: the rest of the block never runs
		}
		u.fwdStore(idx, body[idx])
		idx++
	}
	u.fwdEnd()
	if u.loopTop == nil {
		u.leave()
	}
	u.lowerTerm(len(body), pcs[len(body)])
	u.backTo, u.sextAtExit, u.exitWork = nil, 0, nil
}

// backEdge is where a self-loop's back edge jumps (nil: the block's entry, as any
// other jump to it): past the gas charge under the block's own mapping, or to the
// back edge's own charge when the loop computes results on its exit edge.
func (u *unit) backEdge() *asm.Label {
	if u.backTo != nil {
		return u.backTo
	}
	return u.loopTop
}

// zeroLoopCheck hands a zeroing loop with at least guest.ZeroLoopMinBytes to go to Go.
func (u *unit) zeroLoopCheck(blk *codegen.Block) {
	e := &u.e
	zl := blk.ZeroLoop
	normal := u.b.NewLabel()
	e.load(zl.Limit, tA)
	e.op(asm.SUBQ, e.src(zl.Ptr), asm.R(tA)) // Limit - Ptr
	e.jump(asm.JLS, normal)                  // Ptr >= Limit: one iteration
	e.op(asm.CMPQ, asm.R(tA), asm.Imm(guest.ZeroLoopMinBytes))
	e.jump(asm.JCS, normal)
	u.exitAt(guest.ExitZeroLoop, blk.Start)
	u.b.Bind(normal)
}

// Fault address sources for faultStub.
const (
	addrOffAX = iota // RAX holds the arena offset; the address is RAX + ArenaBase
	addrAX           // RAX holds the address
	addrPC           // the faulting instruction's own address (illegal, breakpoint)
)

// faultStub returns the label of out-of-line code that ends the run with a fault of
// the given kind at instruction idx (at pc) of the current block: the instruction and
// the rest of the block do not retire.
func (u *unit) faultStub(kind guest.FaultKind, pc uint64, idx int, mode int) *asm.Label {
	if u.e.spilledCX != 0 {
		panic("BUG: amd64: a fault path while RCX is borrowed")
	}
	return u.cold1(coldCode{kind: coldFault, pc: pc, arg: int64(len(u.blk.Insts) - idx), fault: kind, mode: mode, replay: u.fuse.pending(idx)})
}

// faultStubRestore is faultStub for a load at arena offset RAX (instruction idx, at
// pc) whose base register x was never computed (scaled.go): its fault path first sets
// x = RAX + disp.
func (u *unit) faultStubRestore(idx int, pc uint64, x uint8, disp int64) *asm.Label {
	return u.cold1(coldCode{kind: coldFault, pc: pc, arg: int64(len(u.blk.Insts) - idx), fault: guest.FaultLoad, mode: addrOffAX, replay: u.fuse.pending(idx), restore: x, restoreDisp: disp})
}

func (u *unit) fault(kind guest.FaultKind, pc uint64, unretire int64, mode int) {
	u.faultReplay(kind, pc, unretire, mode, nil)
}

// faultReplay is fault after computing the skipped instructions replay (body indices
// of the current block, see fuse.go) that precede the faulting one.
func (u *unit) faultReplay(kind guest.FaultKind, pc uint64, unretire int64, mode int, replay []int) {
	e := &u.e
	u.leave()
	switch mode {
	case addrOffAX:
		e.addImm(int64(u.m.Cfg.Layout.ArenaBase), tA, tD)
		e.op(asm.MOVQ, asm.R(tA), stMem(guest.OffFaultAddr))
	case addrAX:
		e.op(asm.MOVQ, asm.R(tA), stMem(guest.OffFaultAddr))
	default:
		e.store64Imm(pc, guest.OffFaultAddr)
	}
	if len(replay) > 0 {
		fuse := u.fuse
		u.fuse = &noFusion // emit them for real
		for _, i := range replay {
			u.lowerInst(i, 0, u.blk.Insts[i])
		}
		u.fuse = fuse
	}
	e.op(asm.MOVL, asm.Imm(int64(kind)), stMem(guest.OffFault))
	e.op(asm.SUBQ, asm.Imm(unretire), asm.R(rGas))
	u.exitAt(guest.ExitFault, pc)
}

// lowerTerm emits the block's terminator (instruction idx, at pc).
func (u *unit) lowerTerm(idx int, pc uint64) {
	e := &u.e
	blk := u.blk
	if blk.Term == codegen.TermFall {
		u.jumpTo(blk.End)
		return
	}
	in := blk.Insts[idx]
	switch blk.Term {
	case codegen.TermBranch:
		u.branch(in, blk.Target, blk.End)
	case codegen.TermJAL:
		e.setImm(in.Rd, int64(blk.End), tA)
		u.jumpTo(blk.Target)
	case codegen.TermJALR:
		predicted := u.predictReturnEarly(blk)
		// Target first: rd may be rs1.
		u.offsetFromLo(in.Rs1, in.Imm)
		e.op(asm.ANDQ, asm.Imm(-2), asm.R(tA))
		e.setImm(in.Rd, int64(blk.End), tD)
		if !predicted {
			u.predictReturn(blk)
		}
		u.dispatch()
	case codegen.TermEcall:
		u.exitAt(guest.ExitEcall, blk.End)
	case codegen.TermFenceI:
		u.exitAt(guest.ExitFenceI, blk.End)
	case codegen.TermEbreak:
		u.fault(guest.FaultBreakpoint, pc, 1, addrPC)
	case codegen.TermIllegal:
		u.fault(guest.FaultIllegal, pc, 1, addrPC)
	default:
		panic(fmt.Sprintf("BUG: amd64: terminator %d", blk.Term))
	}
}

// offsetFromLo computes rs1 + imm - lo into RAX.
func (u *unit) offsetFromLo(rs1 uint8, imm int64) {
	e := &u.e
	disp := imm - int64(u.m.Lo)
	switch {
	case e.isMapped(rs1) && fits32(disp):
		e.op(asm.LEAQ, asm.Mem(e.rm.host[rs1], disp), asm.R(tA))
	default:
		e.load(rs1, tA)
		e.addImm(disp, tA, tD)
	}
}

// Branch conditions: taken when rs1 <cond> rs2, and the condition with the operands
// swapped (rs2 <swapped> rs1).
var branchCond = map[riscv.Op][2]asm.Op{
	riscv.OpBEQ:  {asm.JEQ, asm.JEQ},
	riscv.OpBNE:  {asm.JNE, asm.JNE},
	riscv.OpBLT:  {asm.JLT, asm.JGT},
	riscv.OpBGE:  {asm.JGE, asm.JLE},
	riscv.OpBLTU: {asm.JCS, asm.JHI},
	riscv.OpBGEU: {asm.JCC, asm.JLS},
}

func (u *unit) branch(in riscv.Inst, taken, fall uint64) {
	e := &u.e
	conds := branchCond[in.Op]
	a, b := e.src(in.Rs1), e.src(in.Rs2)
	cond := conds[0]
	switch {
	case taken == fall:
		u.jumpTo(fall)
		return
	}
	if p, ok := u.planIfHere(); ok { // short arms: CMOVs instead of the branch (ifconv.go)
		u.lowerIf(in, &p, taken, fall)
		return
	}
	switch {
	case in.Rs1 == 0 && in.Rs2 == 0:
		switch in.Op {
		case riscv.OpBEQ, riscv.OpBGE, riscv.OpBGEU:
			if back := u.backEdge(); back != nil {
				e.jump(asm.JMP, back)
				return
			}
			u.jumpTo(taken)
		default:
			u.replayAtExit()
			u.leave()
			u.jumpTo(fall)
		}
		return
	case in.Rs1 == 0:
		a, b, cond = b, a, conds[1]
	case a.IsMem() && b.IsMem():
		e.load(in.Rs1, tA)
		a = asm.R(tA)
	}
	if b.IsImm() && b.Value() == 0 && a.IsReg() {
		e.op(asm.TESTQ, a, a) // same flags as CMP a, 0 for every condition used
	} else {
		e.op(asm.CMPQ, a, b)
	}
	if back := u.backEdge(); back != nil { // a self-loop under its own mapping (blockregs.go) or with results for its exit (fuse.go)
		e.jump(cond, back)
		u.replayAtExit()
		u.leave()
		u.jumpTo(fall)
		return
	}
	if i, ok := u.index[taken]; ok && u.direct[i] == u.next {
		// The taken target comes next: branch to the fall-through on the opposite
		// condition instead.
		u.branchTo(invert[cond], fall)
		return
	}
	u.branchTo(cond, taken)
	u.jumpTo(fall)
}

// invert maps a condition to its opposite.
var invert = map[asm.Op]asm.Op{
	asm.JEQ: asm.JNE, asm.JNE: asm.JEQ, asm.JLT: asm.JGE, asm.JGE: asm.JLT,
	asm.JGT: asm.JLE, asm.JLE: asm.JGT, asm.JCS: asm.JCC, asm.JCC: asm.JCS,
	asm.JHI: asm.JLS, asm.JLS: asm.JHI,
}
