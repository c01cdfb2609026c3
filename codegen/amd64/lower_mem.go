package amd64

import (
	"github.com/hybridvm/hybridvm/codegen/internal/asm"
	"github.com/hybridvm/hybridvm/guest"
	"github.com/hybridvm/hybridvm/riscv"
)

// width is the access size of a memory operation in bytes.
func width(op riscv.Op) int {
	switch op {
	case riscv.OpLB, riscv.OpLBU, riscv.OpSB:
		return 1
	case riscv.OpLH, riscv.OpLHU, riscv.OpSH:
		return 2
	case riscv.OpLD, riscv.OpSD, riscv.OpLRD, riscv.OpSCD:
		return 8
	}
	if op >= riscv.OpAMOSWAPD && op <= riscv.OpAMOMAXUD {
		return 8
	}
	return 4
}

// arenaMem is the host memory operand of the guest address whose arena offset is in
// RAX.
var arenaMem = asm.MemIdx(rMem, tA, 1, 0)

// arenaOffset computes rs1 + imm - ArenaBase (the arena offset of the access) into RAX.
func (u *unit) arenaOffset(rs1 uint8, imm int64) {
	e := &u.e
	base := int64(u.m.Cfg.Layout.ArenaBase)
	disp := imm - base
	switch {
	case e.isMapped(rs1) && fits32(disp):
		e.op(asm.LEAQ, asm.Mem(e.rm.host[rs1], disp), asm.R(tA))
	case e.isMapped(rs1) && fits32(imm) && fits32(-base):
		e.op(asm.LEAQ, asm.Mem(e.rm.host[rs1], imm), asm.R(tA))
		e.op(asm.ADDQ, asm.Imm(-base), asm.R(tA))
	default:
		e.load(rs1, tA)
		e.addImm(disp, tA, tD)
	}
}

// checkBounds jumps to fault unless a w-byte access at arena offset RAX is inside
// the arena: RAX <= ArenaSize - w, one unsigned compare.
func (u *unit) checkBounds(w int, fault *asm.Label) {
	e := &u.e
	lim := int64(u.m.Cfg.Layout.ArenaSize) - int64(w)
	if fits32(lim) {
		e.op(asm.CMPQ, asm.R(tA), asm.Imm(lim))
	} else {
		e.op(asm.MOVQ, asm.Imm(lim), asm.R(tD))
		e.op(asm.CMPQ, asm.R(tA), asm.R(tD))
	}
	e.jump(asm.JHI, fault)
}

var loadOps = map[riscv.Op]asm.Op{
	riscv.OpLB: asm.MOVBQSX, riscv.OpLBU: asm.MOVBQZX,
	riscv.OpLH: asm.MOVWQSX, riscv.OpLHU: asm.MOVWQZX,
	riscv.OpLW: asm.MOVLQSX, riscv.OpLWU: asm.MOVL,
	riscv.OpLD: asm.MOVQ,
}

var storeOps = map[int]asm.Op{1: asm.MOVB, 2: asm.MOVW, 4: asm.MOVL, 8: asm.MOVQ}

func (u *unit) load(idx int, pc uint64, in riscv.Inst) {
	e := &u.e
	w := width(in.Op)
	if u.hoisted(idx) {
		// In bounds: the loop's entry checked every iteration's (hoist.go).
		if in.Rd == 0 {
			return
		}
		mem := u.hoistedMem(in.Rs1, in.Imm)
		d := e.dest(in.Rd, tD)
		e.op(loadOps[in.Op], mem, asm.R(d))
		e.commit(in.Rd, d)
		return
	}
	u.arenaOffset(in.Rs1, in.Imm)
	u.checkBounds(w, u.faultStub(guest.FaultLoad, pc, idx, addrOffAX))
	if in.Rd == 0 {
		return // the access can fault, the value goes nowhere
	}
	d := e.dest(in.Rd, tD)
	e.op(loadOps[in.Op], arenaMem, asm.R(d))
	e.commit(in.Rd, d)
}

// hoisted reports whether the loop's entry checked body instruction idx's accesses
// for every iteration (hoist.go).
func (u *unit) hoisted(idx int) bool {
	return idx < len(u.unchecked) && u.unchecked[idx]
}

// hoistedMem returns the host operand of an access at rs1 + imm that needs no check:
// [R14 + rs1 + (imm - ArenaBase)] when the displacement fits (rs1's host register,
// or RAX loaded from its slot), else [R14 + RAX] with the arena offset computed into
// RAX. The operand may use RAX: the caller must not overwrite it before the access.
func (u *unit) hoistedMem(rs1 uint8, imm int64) asm.Operand {
	e := &u.e
	if disp := imm - int64(u.m.Cfg.Layout.ArenaBase); fits32(disp) {
		// The base itself indexes the arena, the displacement folded in.
		if e.isMapped(rs1) {
			return asm.MemIdx(rMem, e.rm.host[rs1], 1, disp)
		}
		e.load(rs1, tA)
		return asm.MemIdx(rMem, tA, 1, disp)
	}
	u.arenaOffset(rs1, imm)
	return arenaMem
}

// store lowers SB/SH/SW/SD: one window check (see storewin.go) on the fast path, none
// when the loop's entry proved the store inside its window (hoist.go).
func (u *unit) store(idx int, pc uint64, in riscv.Inst) {
	w := width(in.Op)
	if u.hoisted(idx) {
		u.storeValueAt(w, in.Rs2, u.hoistedMem(in.Rs1, in.Imm))
		return
	}
	u.arenaOffset(in.Rs1, in.Imm)
	u.storeCheck(w, u.m.primaryWindow(in.Rs1), u.faultStub(guest.FaultStore, pc, idx, addrOffAX))
	u.storeValue(w, in.Rs2)
}

// storeValue stores guest register r's low w bytes at arena offset RAX.
func (u *unit) storeValue(w int, r uint8) { u.storeValueAt(w, r, arenaMem) }

// storeValueAt stores guest register r's low w bytes at mem.
func (u *unit) storeValueAt(w int, r uint8, mem asm.Operand) {
	e := &u.e
	v := e.src(r)
	if v.IsMem() {
		e.op(asm.MOVQ, v, asm.R(tD))
		v = asm.R(tD)
	}
	e.op(storeOps[w], v, mem)
}

// atomicAddress loads rs1 (LR/SC/AMO take no offset) into RAX, faults if it is not
// w-aligned (checked first, as the interpreter does), and turns it into an arena
// offset.
func (u *unit) atomicAddress(idx int, pc uint64, rs1 uint8, w int) {
	e := &u.e
	e.load(rs1, tA)
	e.op(asm.TESTL, asm.Imm(int64(w-1)), asm.R(tA))
	e.jump(asm.JNE, u.faultStub(guest.FaultMisaligned, pc, idx, addrAX))
	e.addImm(-int64(u.m.Cfg.Layout.ArenaBase), tA, tD)
}

func (u *unit) loadReserved(idx int, pc uint64, in riscv.Inst) {
	e := &u.e
	w := width(in.Op)
	u.atomicAddress(idx, pc, in.Rs1, w)
	u.checkBounds(w, u.faultStub(guest.FaultLoad, pc, idx, addrOffAX))
	// The reservation is the address: rs1, read before rd is written.
	e.load(in.Rs1, tD)
	e.op(asm.MOVQ, asm.R(tD), stMem(guest.OffResAddr))
	e.op(asm.MOVQ, asm.Imm(1), stMem(guest.OffResValid))
	if in.Rd != 0 {
		op := asm.MOVQ
		if w == 4 {
			op = asm.MOVLQSX
		}
		d := e.dest(in.Rd, tD)
		e.op(op, arenaMem, asm.R(d))
		e.commit(in.Rd, d)
	}
}

func (u *unit) storeConditional(idx int, pc uint64, in riscv.Inst) {
	e := &u.e
	w := width(in.Op)
	u.atomicAddress(idx, pc, in.Rs1, w)
	u.fullStoreCheck(w, u.faultStub(guest.FaultStore, pc, idx, addrOffAX))
	fail, done := u.b.NewLabel(), u.b.NewLabel()
	e.op(asm.CMPQ, stMem(guest.OffResValid), asm.Imm(0))
	e.jump(asm.JEQ, fail)
	e.load(in.Rs1, tD)
	e.op(asm.CMPQ, asm.R(tD), stMem(guest.OffResAddr))
	e.jump(asm.JNE, fail)
	u.storeValue(w, in.Rs2)
	e.setImm(in.Rd, 0, tD)
	e.jump(asm.JMP, done)
	u.b.Bind(fail)
	e.setImm(in.Rd, 1, tD)
	u.b.Bind(done)
	e.op(asm.MOVQ, asm.Imm(0), stMem(guest.OffResValid))
}

// amo lowers AMOSWAP/ADD/XOR/AND/OR/MIN/MAX/MINU/MAXU (.W and .D): the old value
// (sign-extended for .W) goes to rd, op(old, rs2) to memory. A single hart needs no
// LOCK prefix.
func (u *unit) amo(idx int, pc uint64, in riscv.Inst) {
	e := &u.e
	w := width(in.Op)
	u.atomicAddress(idx, pc, in.Rs1, w)
	u.fullStoreCheck(w, u.faultStub(guest.FaultStore, pc, idx, addrOffAX))
	kind := in.Op - riscv.OpAMOSWAPW
	if w == 8 {
		kind = in.Op - riscv.OpAMOSWAPD
	}
	u.withCX(func() {
		e.load(in.Rs2, tC)
		if w == 4 {
			e.op(asm.MOVLQSX, arenaMem, asm.R(tD))
		} else {
			e.op(asm.MOVQ, arenaMem, asm.R(tD))
		}
		cmp, cmov := asm.CMPQ, map[riscv.Op]asm.Op{4: asm.CMOVQLT, 5: asm.CMOVQGT, 6: asm.CMOVQCS, 7: asm.CMOVQHI}
		if w == 4 {
			cmp, cmov = asm.CMPL, map[riscv.Op]asm.Op{4: asm.CMOVLLT, 5: asm.CMOVLGT, 6: asm.CMOVLCS, 7: asm.CMOVLHI}
		}
		switch kind {
		case 0: // swap: the new value is rs2
		case 1:
			e.op(asm.ADDQ, asm.R(tD), asm.R(tC))
		case 2:
			e.op(asm.XORQ, asm.R(tD), asm.R(tC))
		case 3:
			e.op(asm.ANDQ, asm.R(tD), asm.R(tC))
		case 4:
			e.op(asm.ORQ, asm.R(tD), asm.R(tC))
		default: // min, max, minu, maxu: keep old when old <cond> rs2
			e.op(cmp, asm.R(tD), asm.R(tC))
			e.op(cmov[kind-1], asm.R(tD), asm.R(tC))
		}
		e.op(storeOps[w], asm.R(tC), arenaMem)
		u.done(in.Rd, tD)
	})
}

// csr lowers a CSR instruction. Which CSR and whether it is written are known when
// translating (Zicsr: CSRRS/CSRRC with rs1 = x0 or uimm = 0 do not write), so an
// unimplemented CSR or a write to mhartid is an unconditional illegal-instruction
// fault.
func (u *unit) csr(idx int, pc uint64, in riscv.Inst) bool {
	e := &u.e
	i := guest.CSRIndex(in.CSR)
	writes := guest.CSRWrites(in)
	if i == -1 || (i == guest.CSRHartID && writes) {
		u.fault(guest.FaultIllegal, pc, int64(len(u.blk.Insts)-idx), addrPC)
		return false
	}
	if i == guest.CSRHartID {
		e.setImm(in.Rd, 0, tA)
		return true
	}
	off := int64(guest.OffCSRs + 8*i)
	switch in.Op {
	case riscv.OpCSRRW, riscv.OpCSRRS, riscv.OpCSRRC:
		e.load(in.Rs1, tD)
	default:
		e.movImm(int64(in.Rs1), tD) // the 5-bit immediate
	}
	e.op(asm.MOVQ, stMem(off), asm.R(tA))
	if writes {
		switch in.Op {
		case riscv.OpCSRRS, riscv.OpCSRRSI:
			e.op(asm.ORQ, asm.R(tA), asm.R(tD))
		case riscv.OpCSRRC, riscv.OpCSRRCI:
			e.op(asm.NOTQ, asm.None, asm.R(tD))
			e.op(asm.ANDQ, asm.R(tA), asm.R(tD))
		}
		e.op(asm.MOVQ, asm.R(tD), stMem(off))
	}
	u.done(in.Rd, tA)
	return true
}
