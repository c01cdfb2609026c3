package arm64

import (
	"fmt"

	"github.com/hybridvm/hybridvm/codegen"
	"github.com/hybridvm/hybridvm/codegen/internal/asm"
	"github.com/hybridvm/hybridvm/guest"
	"github.com/hybridvm/hybridvm/riscv"
)

// lowerBlock emits block i: its indirect entry (the dispatch target check, out of
// line), its direct entry, the zeroing-loop hand-off, the gas charge, the body and
// the terminator.
func (u *unit) lowerBlock(i int) {
	blk := u.blocks[i]
	u.blk = blk
	u.next = nil
	if i+1 < len(u.blocks) {
		u.next = u.direct[i+1]
	}
	e := &u.e
	ind, direct := u.ind[i], u.direct[i]
	u.cold = append(u.cold, func() {
		u.b.Bind(ind)
		e.movImm(int64(blk.Start-u.m.Lo), tB)
		e.b.InstR(asm.ACMP, asm.R(tB), tA, asm.None)
		e.jump(asm.ABNE, u.missInd)
		e.jump(asm.AB, direct)
	})
	u.b.Bind(direct)
	if blk.ZeroLoop != nil {
		u.zeroLoopCheck(blk)
	}
	// Gas and retired instructions in one subtraction (see the package comment).
	n := int64(len(blk.Insts))
	charge := blk.Gas<<gasShift - n
	e.movImm(charge, tB)
	e.b.InstR(asm.ASUBS, asm.R(tB), rGas, asm.R(rGas))
	e.jump(asm.ABMI, u.coldLabel(func() {
		e.movImm(charge, tB)
		e.op3(asm.AADD, asm.R(tB), rGas, rGas)
		u.exitAt(guest.ExitOutOfGas, blk.Start)
	}))
	body := blk.Insts
	if blk.Term != codegen.TermFall {
		body = body[:len(body)-1]
	}
	pc := blk.Start
	for idx, in := range body {
		if !u.lowerInst(idx, pc, in) {
			return // an unconditional fault: the rest of the block never runs
		}
		pc += uint64(in.Len)
	}
	u.lowerTerm(len(body), pc)
}

// zeroLoopCheck hands a zeroing loop with at least guest.ZeroLoopMinBytes to go to Go.
func (u *unit) zeroLoopCheck(blk *codegen.Block) {
	e := &u.e
	zl := blk.ZeroLoop
	normal := u.b.NewLabel()
	lim := e.rz(zl.Limit, tA)
	ptr := e.rz(zl.Ptr, tB)
	e.b.InstR(asm.ASUBS, asm.R(ptr), lim, asm.R(tA)) // Limit - Ptr
	e.jump(asm.ABLS, normal)                         // Ptr >= Limit: one iteration
	e.movImm(guest.ZeroLoopMinBytes, tB)
	e.b.InstR(asm.ACMP, asm.R(tB), tA, asm.None)
	e.jump(asm.ABLO, normal)
	u.exitAt(guest.ExitZeroLoop, blk.Start)
	u.b.Bind(normal)
}

// Fault address sources.
const (
	addrOffA = iota // tA holds the arena offset; the address is tA + ArenaBase
	addrA           // tA holds the address
	addrPC          // the faulting instruction's own address
)

// faultStub returns the label of out-of-line code that ends the run with a fault of
// the given kind at instruction idx (at pc) of the current block: the instruction and
// the rest of the block do not retire.
func (u *unit) faultStub(kind guest.FaultKind, pc uint64, idx int, mode int) *asm.Label {
	unretire := int64(len(u.blk.Insts) - idx)
	return u.coldLabel(func() { u.fault(kind, pc, unretire, mode) })
}

func (u *unit) fault(kind guest.FaultKind, pc uint64, unretire int64, mode int) {
	e := &u.e
	switch mode {
	case addrOffA:
		e.op3(asm.AADD, asm.R(rBase), tA, tA)
		e.stSt(tA, guest.OffFaultAddr)
	case addrA:
		e.stSt(tA, guest.OffFaultAddr)
	default:
		e.movImm(int64(pc), tA)
		e.stSt(tA, guest.OffFaultAddr)
	}
	e.movImm(int64(kind), tA)
	e.op(asm.AMOVW, asm.R(tA), stMem(guest.OffFault))
	e.addImm(-unretire, rGas, rGas)
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
		// Target first: rd may be rs1.
		a := e.rn(in.Rs1, tA)
		e.addImm(in.Imm, a, tA)
		e.movImm(int64(u.m.Lo), tB)
		e.op3(asm.ASUB, asm.R(tB), tA, tA)
		e.op3(asm.AAND, asm.Imm(-2), tA, tA)
		e.setImm(in.Rd, int64(blk.End), tB)
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
		panic(fmt.Sprintf("BUG: arm64: terminator %d", blk.Term))
	}
}

// branchCond is the conditional branch taken when rs1 <cond> rs2 (after CMP rs2, rs1).
var branchCond = map[riscv.Op]asm.Op{
	riscv.OpBEQ: asm.ABEQ, riscv.OpBNE: asm.ABNE,
	riscv.OpBLT: asm.ABLT, riscv.OpBGE: asm.ABGE,
	riscv.OpBLTU: asm.ABLO, riscv.OpBGEU: asm.ABHS,
}

// invert maps a condition to its opposite.
var invert = map[asm.Op]asm.Op{
	asm.ABEQ: asm.ABNE, asm.ABNE: asm.ABEQ, asm.ABLT: asm.ABGE, asm.ABGE: asm.ABLT,
	asm.ABLO: asm.ABHS, asm.ABHS: asm.ABLO,
}

func (u *unit) branch(in riscv.Inst, taken, fall uint64) {
	e := &u.e
	if taken == fall {
		u.jumpTo(fall)
		return
	}
	cond := branchCond[in.Op]
	a := e.rz(in.Rs1, tA)
	b := e.rz(in.Rs2, tB)
	e.b.InstR(asm.ACMP, asm.R(b), a, asm.None)
	if i, ok := u.index[taken]; ok && u.direct[i] == u.next {
		u.branchTo(invert[cond], fall)
		return
	}
	u.branchTo(cond, taken)
	u.jumpTo(fall)
}
