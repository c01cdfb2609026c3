package arm64

import (
	"fmt"

	"github.com/hybridvm/hybridvm/codegen/internal/asm"
	"github.com/hybridvm/hybridvm/riscv"
)

// lowerInst emits one non-terminating instruction (index idx of the block, at pc).
// It returns false when the instruction always faults (the rest of the block is
// dead).
func (u *unit) lowerInst(idx int, pc uint64, in riscv.Inst) bool {
	e := &u.e
	switch in.Op {
	case riscv.OpFENCE:
	case riscv.OpLUI:
		e.setImm(in.Rd, in.Imm, tA)
	case riscv.OpAUIPC:
		e.setImm(in.Rd, int64(pc+uint64(in.Imm)), tA)
	case riscv.OpLB, riscv.OpLH, riscv.OpLW, riscv.OpLD, riscv.OpLBU, riscv.OpLHU, riscv.OpLWU:
		u.load(idx, pc, in)
	case riscv.OpSB, riscv.OpSH, riscv.OpSW, riscv.OpSD:
		u.store(idx, pc, in)
	case riscv.OpLRW, riscv.OpLRD:
		u.loadReserved(idx, pc, in)
	case riscv.OpSCW, riscv.OpSCD:
		u.storeConditional(idx, pc, in)
	case riscv.OpCSRRW, riscv.OpCSRRS, riscv.OpCSRRC, riscv.OpCSRRWI, riscv.OpCSRRSI, riscv.OpCSRRCI:
		return u.csr(idx, pc, in)
	default:
		if in.Op.IsAtomic() {
			u.amo(idx, pc, in)
			break
		}
		if in.Rd == 0 {
			break // arithmetic into x0 has no effect
		}
		u.alu(in)
	}
	return true
}

// Register-register operations: rd = rs1 <op> rs2 (64-bit, then 32-bit forms whose
// result is sign-extended).
var (
	rrOps = map[riscv.Op]asm.Op{
		riscv.OpADD: asm.AADD, riscv.OpSUB: asm.ASUB, riscv.OpAND: asm.AAND, riscv.OpOR: asm.AORR,
		riscv.OpXOR: asm.AEOR, riscv.OpSLL: asm.ALSL, riscv.OpSRL: asm.ALSR, riscv.OpSRA: asm.AASR,
		riscv.OpMUL: asm.AMUL, riscv.OpMULH: asm.ASMULH, riscv.OpMULHU: asm.AUMULH,
	}
	rrWordOps = map[riscv.Op]asm.Op{
		riscv.OpADDW: asm.AADDW, riscv.OpSUBW: asm.ASUBW, riscv.OpSLLW: asm.ALSLW,
		riscv.OpSRLW: asm.ALSRW, riscv.OpSRAW: asm.AASRW, riscv.OpMULW: asm.AMULW,
	}
	immOps = map[riscv.Op]asm.Op{
		riscv.OpANDI: asm.AAND, riscv.OpORI: asm.AORR, riscv.OpXORI: asm.AEOR,
		riscv.OpSLLI: asm.ALSL, riscv.OpSRLI: asm.ALSR, riscv.OpSRAI: asm.AASR,
	}
	immWordOps = map[riscv.Op]asm.Op{
		riscv.OpSLLIW: asm.ALSLW, riscv.OpSRLIW: asm.ALSRW, riscv.OpSRAIW: asm.AASRW,
	}
)

// alu lowers the arithmetic instructions (rd is not x0).
func (u *unit) alu(in riscv.Inst) {
	e := &u.e
	d := e.dest(in.Rd, tA)
	if op, ok := rrOps[in.Op]; ok {
		b := e.rz(in.Rs2, tB)
		a := e.rz(in.Rs1, tA)
		e.op3(op, asm.R(b), a, d)
	} else if op, ok := rrWordOps[in.Op]; ok {
		b := e.rz(in.Rs2, tB)
		a := e.rz(in.Rs1, tA)
		e.op3(op, asm.R(b), a, d)
		e.op(asm.ASXTW, asm.R(d), asm.R(d))
	} else if op, ok := immOps[in.Op]; ok {
		a := e.rn(in.Rs1, tA)
		e.op3(op, asm.Imm(in.Imm), a, d)
	} else if op, ok := immWordOps[in.Op]; ok {
		a := e.rn(in.Rs1, tA)
		e.op3(op, asm.Imm(in.Imm&31), a, d)
		e.op(asm.ASXTW, asm.R(d), asm.R(d))
	} else {
		switch in.Op {
		case riscv.OpADDI:
			if in.Rs1 == 0 {
				e.movImm(in.Imm, d)
				break
			}
			e.addImm(in.Imm, e.rz(in.Rs1, tA), d)
		case riscv.OpADDIW:
			a := e.rn(in.Rs1, tA)
			if in.Imm >= 0 {
				e.op3(asm.AADDW, asm.Imm(in.Imm), a, d)
			} else {
				e.op3(asm.ASUBW, asm.Imm(-in.Imm), a, d)
			}
			e.op(asm.ASXTW, asm.R(d), asm.R(d))
		case riscv.OpSLTI, riscv.OpSLTIU:
			a := e.rn(in.Rs1, tA)
			e.movImm(in.Imm, tB)
			e.b.InstR(asm.ACMP, asm.R(tB), a, asm.None)
			e.op(asm.ACSET, asm.Cond(map[bool]asm.Reg{true: asm.CondLT, false: asm.CondLO}[in.Op == riscv.OpSLTI]), asm.R(d))
		case riscv.OpSLT, riscv.OpSLTU:
			b := e.rz(in.Rs2, tB)
			a := e.rz(in.Rs1, tA)
			e.b.InstR(asm.ACMP, asm.R(b), a, asm.None)
			e.op(asm.ACSET, asm.Cond(map[bool]asm.Reg{true: asm.CondLT, false: asm.CondLO}[in.Op == riscv.OpSLT]), asm.R(d))
		case riscv.OpMULHSU:
			// rs1 signed × rs2 unsigned: the unsigned high half, less rs2 when rs1 < 0.
			b := e.rz(in.Rs2, tB)
			a := e.rn(in.Rs1, tA)
			e.op3(asm.AUMULH, asm.R(b), a, tC)
			e.b.InstR(asm.ACMP, asm.R(asm.XZR), a, asm.None)
			e.b.InstR4(asm.ACSEL, asm.Cond(asm.CondLT), b, asm.R(asm.XZR), asm.R(tA))
			e.op3(asm.ASUB, asm.R(tA), tC, d)
		case riscv.OpDIV, riscv.OpDIVU, riscv.OpREM, riscv.OpREMU:
			u.div(in, d, false)
		case riscv.OpDIVW, riscv.OpDIVUW, riscv.OpREMW, riscv.OpREMUW:
			u.div(in, d, true)
		default:
			panic(fmt.Sprintf("BUG: arm64: cannot lower %v inside a block", in.Op))
		}
	}
	e.commit(in.Rd, d)
}

// div lowers the divisions and remainders into d. arm64's division gives 0 for a
// zero divisor and the dividend for the signed overflow; RISC-V wants all ones for
// the quotient by zero (the remainder, dividend - 0*q, is then right by itself) and
// the same overflow results.
func (u *unit) div(in riscv.Inst, d asm.Reg, word bool) {
	e := &u.e
	signed := in.Op == riscv.OpDIV || in.Op == riscv.OpREM || in.Op == riscv.OpDIVW || in.Op == riscv.OpREMW
	quot := in.Op == riscv.OpDIV || in.Op == riscv.OpDIVU || in.Op == riscv.OpDIVW || in.Op == riscv.OpDIVUW
	b := e.rn(in.Rs2, tB)
	a := e.rz(in.Rs1, tA)
	divOp, mulOp, subOp, cmpOp := asm.AUDIV, asm.AMUL, asm.ASUB, asm.ACMP
	switch {
	case word && signed:
		divOp, mulOp, subOp, cmpOp = asm.ASDIVW, asm.AMULW, asm.ASUBW, asm.ACMPW
	case word:
		divOp, mulOp, subOp, cmpOp = asm.AUDIVW, asm.AMULW, asm.ASUBW, asm.ACMPW
	case signed:
		divOp = asm.ASDIV
	}
	e.op3(divOp, asm.R(b), a, tC)
	if quot {
		e.b.InstR(cmpOp, asm.Imm(0), b, asm.None)
		e.b.InstR4(asm.ACSINV, asm.Cond(asm.CondNE), tC, asm.R(asm.XZR), asm.R(d))
	} else {
		e.op3(mulOp, asm.R(b), tC, tC)
		e.op3(subOp, asm.R(tC), a, d)
	}
	if word {
		e.op(asm.ASXTW, asm.R(d), asm.R(d))
	}
}
