package arm64

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
// tA: [rMem, tA] (a register-offset access).
var arenaMem = asm.MemIdx(rMem, tA, 1, 0)

// arenaOffset computes rs1 + imm - ArenaBase (the arena offset of the access) into tA.
func (u *unit) arenaOffset(rs1 uint8, imm int64) {
	e := &u.e
	e.op3(asm.ASUB, asm.R(rBase), e.rz(rs1, tA), tA)
	e.addImm(imm, tA, tA)
}

// checkBounds branches to fault unless a w-byte access at arena offset tA is inside
// the arena (tA <= ArenaSize - w). The fast path compares with rLim (ArenaSize - 8);
// narrower accesses near the end take an exact out-of-line check.
func (u *unit) checkBounds(w int, fault *asm.Label) {
	e := &u.e
	e.b.InstR(asm.ACMP, asm.R(rLim), tA, asm.None)
	if w == 8 {
		e.jump(asm.ABHI, fault)
		return
	}
	back := u.b.NewLabel()
	e.jump(asm.ABHI, u.coldLabel(func() {
		e.movImm(int64(u.m.Cfg.Layout.ArenaSize)-int64(w), tB)
		e.b.InstR(asm.ACMP, asm.R(tB), tA, asm.None)
		e.jump(asm.ABHI, fault)
		e.jump(asm.AB, back)
	}))
	u.b.Bind(back)
}

var loadOps = map[riscv.Op]asm.Op{
	riscv.OpLB: asm.AMOVB, riscv.OpLBU: asm.AMOVBU,
	riscv.OpLH: asm.AMOVH, riscv.OpLHU: asm.AMOVHU,
	riscv.OpLW: asm.AMOVW, riscv.OpLWU: asm.AMOVWU,
	riscv.OpLD: asm.AMOVD,
}

var storeOps = map[int]asm.Op{1: asm.AMOVB, 2: asm.AMOVH, 4: asm.AMOVW, 8: asm.AMOVD}

func (u *unit) load(idx int, pc uint64, in riscv.Inst) {
	e := &u.e
	u.arenaOffset(in.Rs1, in.Imm)
	u.checkBounds(width(in.Op), u.faultStub(guest.FaultLoad, pc, idx, addrOffA))
	if in.Rd == 0 {
		return // the access can fault, the value goes nowhere
	}
	d := e.dest(in.Rd, tB)
	e.op(loadOps[in.Op], arenaMem, asm.R(d))
	e.commit(in.Rd, d)
}

// store lowers SB/SH/SW/SD: one window check (see storewin.go) on the fast path.
func (u *unit) store(idx int, pc uint64, in riscv.Inst) {
	w := width(in.Op)
	u.arenaOffset(in.Rs1, in.Imm)
	u.storeCheck(w, u.m.primaryWindow(in.Rs1), u.faultStub(guest.FaultStore, pc, idx, addrOffA))
	u.storeValue(w, in.Rs2)
}

// storeValue stores guest register r's low w bytes at arena offset tA.
func (u *unit) storeValue(w int, r uint8) {
	e := &u.e
	e.op(storeOps[w], asm.R(e.rz(r, tB)), arenaMem)
}

// atomicAddress loads rs1 (LR/SC/AMO take no offset) into tA, faults if it is not
// w-aligned (checked first, as the interpreter does), and turns it into an arena
// offset.
func (u *unit) atomicAddress(idx int, pc uint64, rs1 uint8, w int) {
	e := &u.e
	e.load(rs1, tA)
	e.b.InstR(asm.ATST, asm.Imm(int64(w-1)), tA, asm.None)
	e.jump(asm.ABNE, u.faultStub(guest.FaultMisaligned, pc, idx, addrA))
	e.op3(asm.ASUB, asm.R(rBase), tA, tA)
}

func (u *unit) loadReserved(idx int, pc uint64, in riscv.Inst) {
	e := &u.e
	w := width(in.Op)
	u.atomicAddress(idx, pc, in.Rs1, w)
	u.checkBounds(w, u.faultStub(guest.FaultLoad, pc, idx, addrOffA))
	// The reservation is the address: rs1, read before rd is written.
	e.op3(asm.AADD, asm.R(rBase), tA, tB)
	e.stSt(tB, guest.OffResAddr)
	e.movImm(1, tB)
	e.stSt(tB, guest.OffResValid)
	if in.Rd != 0 {
		op := asm.AMOVD
		if w == 4 {
			op = asm.AMOVW
		}
		d := e.dest(in.Rd, tB)
		e.op(op, arenaMem, asm.R(d))
		e.commit(in.Rd, d)
	}
}

func (u *unit) storeConditional(idx int, pc uint64, in riscv.Inst) {
	e := &u.e
	w := width(in.Op)
	u.atomicAddress(idx, pc, in.Rs1, w)
	u.fullStoreCheck(w, u.faultStub(guest.FaultStore, pc, idx, addrOffA))
	fail, done := u.b.NewLabel(), u.b.NewLabel()
	e.ldSt(guest.OffResValid, tB)
	e.cbz(asm.ACBZ, tB, fail)
	e.op3(asm.AADD, asm.R(rBase), tA, tB)
	e.ldSt(guest.OffResAddr, tC)
	e.b.InstR(asm.ACMP, asm.R(tC), tB, asm.None)
	e.jump(asm.ABNE, fail)
	u.storeValue(w, in.Rs2)
	e.setImm(in.Rd, 0, tB)
	e.jump(asm.AB, done)
	u.b.Bind(fail)
	e.setImm(in.Rd, 1, tB)
	u.b.Bind(done)
	e.stSt(asm.XZR, guest.OffResValid)
}

// amo lowers AMOSWAP/ADD/XOR/AND/OR/MIN/MAX/MINU/MAXU (.W and .D): the old value
// (sign-extended for .W) goes to rd, op(old, rs2) to memory. A single hart needs no
// atomic instruction.
func (u *unit) amo(idx int, pc uint64, in riscv.Inst) {
	e := &u.e
	w := width(in.Op)
	u.atomicAddress(idx, pc, in.Rs1, w)
	u.fullStoreCheck(w, u.faultStub(guest.FaultStore, pc, idx, addrOffA))
	kind := in.Op - riscv.OpAMOSWAPW
	if w == 8 {
		kind = in.Op - riscv.OpAMOSWAPD
	}
	if w == 4 {
		e.op(asm.AMOVW, arenaMem, asm.R(tB))
	} else {
		e.op(asm.AMOVD, arenaMem, asm.R(tB))
	}
	v := e.rz(in.Rs2, tC)
	cmp := asm.ACMP
	if w == 4 {
		cmp = asm.ACMPW
	}
	conds := map[riscv.Op]asm.Reg{5: asm.CondLT, 6: asm.CondGT, 7: asm.CondLO, 8: asm.CondHI}
	switch kind {
	case 0: // swap: the new value is rs2
	case 1:
		e.op3(asm.AADD, asm.R(v), tB, tC)
		v = tC
	case 2:
		e.op3(asm.AEOR, asm.R(v), tB, tC)
		v = tC
	case 3:
		e.op3(asm.AAND, asm.R(v), tB, tC)
		v = tC
	case 4:
		e.op3(asm.AORR, asm.R(v), tB, tC)
		v = tC
	default: // min, max, minu, maxu: keep old when old <cond> rs2
		e.b.InstR(cmp, asm.R(v), tB, asm.None)
		e.b.InstR4(asm.ACSEL, asm.Cond(conds[kind]), tB, asm.R(v), asm.R(tC))
		v = tC
	}
	e.op(storeOps[w], asm.R(v), arenaMem)
	e.done(in.Rd, tB)
}

// csr lowers a CSR instruction. Which CSR and whether it is written are known when
// translating, so an unimplemented CSR or a write to mhartid is an unconditional
// illegal-instruction fault.
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
		e.load(in.Rs1, tB)
	default:
		e.movImm(int64(in.Rs1), tB) // the 5-bit immediate
	}
	e.ldSt(off, tA)
	if writes {
		switch in.Op {
		case riscv.OpCSRRS, riscv.OpCSRRSI:
			e.op3(asm.AORR, asm.R(tA), tB, tB)
		case riscv.OpCSRRC, riscv.OpCSRRCI:
			e.op3(asm.ABIC, asm.R(tB), tA, tB) // tB = tA &^ tB
		}
		e.stSt(tB, off)
	}
	e.done(in.Rd, tA)
	return true
}
