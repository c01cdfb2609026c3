package amd64

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
	u.idx = idx
	if u.fuse.skip != nil && idx < len(u.fuse.skip) {
		if u.fuse.skip[idx] {
			return true // folded into a later rotate (fuse.go)
		}
		if r, ok := u.fuse.rotAt(idx); ok {
			u.lowerRotate(in, r)
			return true
		}
	}
	switch in.Op {
	case riscv.OpFENCE:
	case riscv.OpLUI:
		e.setImm(in.Rd, in.Imm, tA)
	case riscv.OpAUIPC:
		e.setImm(in.Rd, int64(pc+uint64(in.Imm)), tA)
	case riscv.OpADDI:
		u.addi(in.Rd, in.Rs1, in.Imm)
	case riscv.OpXORI:
		if in.Imm == -1 { // not
			u.unary(asm.NOTQ, in.Rd, in.Rs1)
			break
		}
		u.immOp(asm.XORQ, in)
	case riscv.OpORI:
		u.immOp(asm.ORQ, in)
	case riscv.OpANDI:
		u.immOp(asm.ANDQ, in)
	case riscv.OpSLLI:
		u.immOp(asm.SHLQ, in)
	case riscv.OpSRLI:
		u.immOp(asm.SHRQ, in)
	case riscv.OpSRAI:
		u.immOp(asm.SARQ, in)
	case riscv.OpSLTI:
		u.setCond(in.Rd, in.Rs1, 0, asm.Imm(in.Imm), asm.SETLT)
	case riscv.OpSLTIU:
		u.setCond(in.Rd, in.Rs1, 0, asm.Imm(in.Imm), asm.SETCS)
	case riscv.OpADD, riscv.OpOR, riscv.OpXOR:
		switch {
		case in.Rs1 == 0: // mv
			u.mv(in.Rd, in.Rs2)
		case in.Rs2 == 0:
			u.mv(in.Rd, in.Rs1)
		default:
			u.binOp(map[riscv.Op]asm.Op{riscv.OpADD: asm.ADDQ, riscv.OpOR: asm.ORQ, riscv.OpXOR: asm.XORQ}[in.Op], in, true)
		}
	case riscv.OpSUB:
		switch {
		case in.Rs2 == 0:
			u.mv(in.Rd, in.Rs1)
		case in.Rs1 == 0: // neg
			u.unary(asm.NEGQ, in.Rd, in.Rs2)
		default:
			u.binOp(asm.SUBQ, in, false)
		}
	case riscv.OpAND:
		u.binOp(asm.ANDQ, in, true)
	case riscv.OpSLT:
		u.setCond(in.Rd, in.Rs1, in.Rs2, e.src(in.Rs2), asm.SETLT)
	case riscv.OpSLTU:
		u.setCond(in.Rd, in.Rs1, in.Rs2, e.src(in.Rs2), asm.SETCS)
	case riscv.OpSLL:
		u.shiftOp(asm.SHLQ, in)
	case riscv.OpSRL:
		u.shiftOp(asm.SHRQ, in)
	case riscv.OpSRA:
		u.shiftOp(asm.SARQ, in)

	case riscv.OpADDIW:
		if in.Imm == 0 { // sext.w
			if u.sextMove != nil && idx < len(u.sextMove) && u.sextMove[idx] {
				u.mv(in.Rd, in.Rs1) // already sign-extended (sext.go)
				break
			}
			u.sext32(in.Rd, in.Rs1)
			break
		}
		f := func(t asm.Reg) {
			if e.isMapped(in.Rs1) {
				e.op(asm.LEAL, asm.Mem(e.rm.host[in.Rs1], in.Imm), asm.R(t))
				return
			}
			e.op(asm.MOVL, e.src(in.Rs1), asm.R(t))
			e.op(asm.ADDL, asm.Imm(in.Imm), asm.R(t))
		}
		if u.nonNegWord(idx) { // a bounded counter's increment (hoistbound.go)
			u.wordNonNeg(in, f)
			break
		}
		u.wordOp(in, 0, f)
	case riscv.OpSLLIW, riscv.OpSRLIW, riscv.OpSRAIW:
		op := map[riscv.Op]asm.Op{riscv.OpSLLIW: asm.SHLL, riscv.OpSRLIW: asm.SHRL, riscv.OpSRAIW: asm.SARL}[in.Op]
		f := func(t asm.Reg) {
			u.movl(in.Rs1, t)
			if in.Imm&31 != 0 {
				e.op(op, asm.Imm(in.Imm&31), asm.R(t))
			}
		}
		if in.Op == riscv.OpSRLIW && in.Imm&31 != 0 || in.Op == riscv.OpSLLIW && u.nonNegWord(idx) {
			u.wordNonNeg(in, f)
			break
		}
		u.wordOp(in, 0, f)
	case riscv.OpADDW, riscv.OpSUBW:
		op := asm.ADDL
		if in.Op == riscv.OpSUBW {
			op = asm.SUBL
		}
		f := func(t asm.Reg) {
			u.movl(in.Rs1, t)
			e.op(op, e.src(in.Rs2), asm.R(t))
		}
		if u.nonNegWord(idx) && (in.Rd != in.Rs2 || in.Rd == in.Rs1) { // (f reads rs2 after writing rd)
			u.wordNonNeg(in, f)
			break
		}
		u.wordOp(in, in.Rs2, f)
	case riscv.OpSLLW, riscv.OpSRLW, riscv.OpSRAW:
		if u.m.bmi2 {
			op := map[riscv.Op]asm.Op{riscv.OpSLLW: asm.SHLXL, riscv.OpSRLW: asm.SHRXL, riscv.OpSRAW: asm.SARXL}[in.Op]
			u.wordOp(in, 0, func(t asm.Reg) {
				cnt := e.reg(in.Rs2, tD)
				e.op3(op, asm.R(cnt), u.srcRM(in.Rs1, tA), asm.R(t)) // 32-bit shifts use the count mod 32
			})
			break
		}
		op := map[riscv.Op]asm.Op{riscv.OpSLLW: asm.SHLL, riscv.OpSRLW: asm.SHRL, riscv.OpSRAW: asm.SARL}[in.Op]
		u.withCX(func() {
			u.wordOp(in, 0, func(t asm.Reg) {
				e.load(in.Rs2, tC)
				e.op(asm.MOVL, e.src(in.Rs1), asm.R(t))
				e.op(op, asm.R(tC), asm.R(t))
			})
		})
	case riscv.OpMULW:
		u.wordOp(in, in.Rs2, func(t asm.Reg) {
			e.op(asm.MOVL, e.src(in.Rs1), asm.R(t))
			if in.Rs2 == 0 {
				e.op(asm.XORL, asm.R(t), asm.R(t))
				return
			}
			e.op(asm.IMULL, e.src(in.Rs2), asm.R(t))
		})

	case riscv.OpMUL:
		if in.Rs1 == 0 || in.Rs2 == 0 {
			e.setImm(in.Rd, 0, tA)
			break
		}
		u.binOp(asm.IMULQ, in, true)
	case riscv.OpMULH, riscv.OpMULHU, riscv.OpMULHSU:
		u.mulHigh(in)
	case riscv.OpDIV, riscv.OpDIVU, riscv.OpREM, riscv.OpREMU:
		paired, second := u.pairRole()
		u.div64(in, paired, second)
	case riscv.OpDIVW, riscv.OpDIVUW, riscv.OpREMW, riscv.OpREMUW:
		if u.divByConst(idx) {
			u.divConst(in, u.divBy[idx], u.nonNegDiv(idx)) // the loop's entry checked the divisor (divguard.go)
			break
		}
		if paired, second := u.pairRole(); !u.divGuessed(in, paired, second) {
			u.div32(in, paired, second)
		}

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
		panic(fmt.Sprintf("BUG: amd64: cannot lower %v inside a block", in.Op))
	}
	return true
}

// move copies src into host register dst (an immediate 0 becomes XORL).
func (u *unit) move(src asm.Operand, dst asm.Reg) {
	e := &u.e
	switch {
	case src.IsReg() && src.Reg() == dst:
	case src.IsImm():
		e.movImm(src.Value(), dst)
	default:
		e.op(asm.MOVQ, src, asm.R(dst))
	}
}

// mv copies guest register rs into rd.
func (u *unit) mv(rd, rs uint8) {
	e := &u.e
	switch {
	case rd == 0 || rd == rs:
	case rs == 0:
		e.setImm(rd, 0, tA)
	case e.isMapped(rd):
		u.move(e.src(rs), e.rm.host[rd])
	case e.isMapped(rs):
		e.op(asm.MOVQ, e.src(rs), stMem(xoff(rd)))
	default:
		e.load(rs, tA)
		e.commit(rd, tA)
	}
}

// unary: rd = op rs (NOTQ, NEGQ).
func (u *unit) unary(op asm.Op, rd, rs uint8) {
	e := &u.e
	if rd == 0 {
		return
	}
	d := e.dest(rd, tA)
	u.move(e.src(rs), d)
	e.op(op, asm.None, asm.R(d))
	e.commit(rd, d)
}

// sext32: rd = rs sign-extended from its low 32 bits (sext.w).
func (u *unit) sext32(rd, rs uint8) {
	e := &u.e
	if rd == 0 {
		return
	}
	if !u.keepUpper() && rs != 0 { // only the low half matters: a copy, or nothing
		u.mv(rd, rs)
		return
	}
	if rs == 0 {
		e.setImm(rd, 0, tA)
		return
	}
	d := e.dest(rd, tA)
	e.op(asm.MOVLQSX, e.src(rs), asm.R(d))
	e.commit(rd, d)
}

// done moves a result computed in r into guest register rd.
func (u *unit) done(rd uint8, r asm.Reg) {
	e := &u.e
	if e.isMapped(rd) {
		if h := e.rm.host[rd]; h != r {
			e.op(asm.MOVQ, asm.R(r), asm.R(h))
		}
		return
	}
	e.commit(rd, r)
}

func (u *unit) addi(rd, rs1 uint8, imm int64) {
	e := &u.e
	if rd == 0 {
		return
	}
	if rs1 == 0 {
		e.setImm(rd, imm, tA)
		return
	}
	if rd == rs1 && !e.isMapped(rd) { // in place in its slot
		if imm != 0 {
			e.op(asm.ADDQ, asm.Imm(imm), stMem(xoff(rd)))
		}
		return
	}
	d := e.dest(rd, tA)
	switch {
	case e.isMapped(rs1) && e.rm.host[rs1] != d && imm != 0:
		e.op(asm.LEAQ, asm.Mem(e.rm.host[rs1], imm), asm.R(d))
	default:
		u.move(e.src(rs1), d)
		if imm != 0 {
			e.op(asm.ADDQ, asm.Imm(imm), asm.R(d))
		}
	}
	e.commit(rd, d)
}

// immOp: rd = rs1 op imm (logic and shifts by an immediate).
func (u *unit) immOp(op asm.Op, in riscv.Inst) {
	e := &u.e
	if in.Rd == 0 {
		return
	}
	if in.Rd == in.Rs1 && !e.isMapped(in.Rd) { // in place in its slot
		e.op(op, asm.Imm(in.Imm), stMem(xoff(in.Rd)))
		return
	}
	d := e.dest(in.Rd, tA)
	u.move(e.src(in.Rs1), d)
	e.op(op, asm.Imm(in.Imm), asm.R(d))
	e.commit(in.Rd, d)
}

// binOp: rd = rs1 op rs2 for a two-operand x86 op.
func (u *unit) binOp(op asm.Op, in riscv.Inst, commutative bool) {
	e := &u.e
	if in.Rd == 0 {
		return
	}
	// Three registers: an add is one LEA.
	if op == asm.ADDQ && e.isMapped(in.Rd) && e.isMapped(in.Rs1) && e.isMapped(in.Rs2) && in.Rd != in.Rs1 && in.Rd != in.Rs2 {
		e.op(asm.LEAQ, asm.MemIdx(e.rm.host[in.Rs1], e.rm.host[in.Rs2], 1, 0), asm.R(e.rm.host[in.Rd]))
		return
	}
	// rd = rd op rs2 with rd in memory: operate on its slot in place.
	if op != asm.IMULQ && !e.isMapped(in.Rd) && (in.Rd == in.Rs1 || (commutative && in.Rd == in.Rs2)) && in.Rs1 != in.Rs2 {
		other := in.Rs2
		if in.Rd == in.Rs2 {
			other = in.Rs1
		}
		src := e.src(other)
		if src.IsMem() {
			e.load(other, tA)
			src = asm.R(tA)
		}
		e.op(op, src, stMem(xoff(in.Rd)))
		return
	}
	d := e.dest(in.Rd, tA)
	a, b := e.src(in.Rs1), e.src(in.Rs2)
	if b.IsReg() && b.Reg() == d && in.Rs1 != in.Rs2 {
		if commutative {
			a, b = b, a
		} else {
			d = tA
		}
	}
	u.move(a, d)
	if !(b.IsImm() && b.Value() == 0 && op != asm.ANDQ && op != asm.IMULQ) {
		e.op(op, b, asm.R(d))
	}
	u.done(in.Rd, d)
}

// setCond: rd = (rs1 <cond> b) for SLT(U)(I); b is rs2's operand or the immediate
// (rs2 is 0 for the immediate forms).
func (u *unit) setCond(rd, rs1, rs2 uint8, b asm.Operand, set asm.Op) {
	e := &u.e
	if rd == 0 {
		return
	}
	a := e.src(rs1)
	if a.IsImm() || (a.IsMem() && b.IsMem()) {
		e.load(rs1, tA)
		a = asm.R(tA)
	}
	e.op(asm.CMPQ, a, b)
	e.op(set, asm.None, asm.R(tA))
	d := e.dest(rd, tA)
	e.op(asm.MOVBQZX, asm.R(tA), asm.R(d))
	e.commit(rd, d)
}

// shiftOp: rd = rs1 shifted by rs2 (x86 masks 64-bit shift counts to 6 bits, as RISC-V).
func (u *unit) shiftOp(op asm.Op, in riscv.Inst) {
	e := &u.e
	if in.Rd == 0 {
		return
	}
	if u.m.bmi2 {
		bop := map[asm.Op]asm.Op{asm.SHLQ: asm.SHLXQ, asm.SHRQ: asm.SHRXQ, asm.SARQ: asm.SARXQ}[op]
		cnt := e.reg(in.Rs2, tD)
		d := e.dest(in.Rd, tA)
		e.op3(bop, asm.R(cnt), u.srcRM(in.Rs1, tA), asm.R(d))
		e.commit(in.Rd, d)
		return
	}
	u.withCX(func() {
		e.load(in.Rs2, tC)
		d := e.dest(in.Rd, tA)
		u.move(e.src(in.Rs1), d)
		e.op(op, asm.R(tC), asm.R(d))
		e.commit(in.Rd, d)
	})
}

// srcRM is rs's operand for an instruction that takes a register or memory but no
// immediate (x0 is materialised in tmp).
func (u *unit) srcRM(rs uint8, tmp asm.Reg) asm.Operand {
	if rs == 0 {
		u.e.load(0, tmp)
		return asm.R(tmp)
	}
	return u.e.src(rs)
}

// withCX runs f with RCX free as a scratch register: the guest register that lives
// in RCX (if any) is stored to its slot first and treated as unmapped meanwhile,
// then reloaded. f must not contain fault paths (their exit would store RCX's scratch
// value as the guest register).
func (u *unit) withCX(f func()) {
	e := &u.e
	g := uint8(0)
	for r, h := range e.rm.host {
		if h == tC {
			g = uint8(r)
		}
	}
	if g == 0 {
		f()
		return
	}
	e.op(asm.MOVQ, asm.R(tC), stMem(xoff(g)))
	e.rm.host[g] = asm.NoReg
	e.spilledCX = g
	f()
	e.spilledCX = 0
	e.rm.host[g] = tC
	e.op(asm.MOVQ, stMem(xoff(g)), asm.R(tC))
}

// movl loads the low 32 bits of guest register rs into t for a W operation whose
// sources are only read in their low half (nothing when rs already lives in t: the
// operation ignores t's upper half).
func (u *unit) movl(rs uint8, t asm.Reg) {
	e := &u.e
	if src := e.src(rs); !(src.IsReg() && src.Reg() == t) {
		e.op(asm.MOVL, src, asm.R(t))
	}
}

// wordOp computes a W-form result with f into a 32-bit register and sign-extends it
// into rd. When no later instruction of the block needs rd's upper 32 bits before
// rewriting it (see upperNeeded) and rd lives in a host register, f computes straight
// into it and the sign extension is skipped; late is the source f reads after its
// first write (that must not be rd then, unless it is also rs1).
func (u *unit) wordOp(in riscv.Inst, late uint8, f func(t asm.Reg)) {
	e := &u.e
	if in.Rd == 0 {
		return
	}
	if !u.keepUpper() && e.isMapped(in.Rd) && (late == 0 || late != in.Rd || late == in.Rs1) {
		f(e.rm.host[in.Rd])
		return
	}
	if e.isMapped(in.Rd) && in.Rd == in.Rs1 && (late == 0 || late != in.Rd || late == in.Rs1) {
		// In place: rd's low half, then its sign extension (no copy through RAX).
		h := e.rm.host[in.Rd]
		f(h)
		e.op(asm.MOVLQSX, asm.R(h), asm.R(h))
		return
	}
	f(tA)
	if !u.keepUpper() {
		u.done(in.Rd, tA)
		return
	}
	d := e.dest(in.Rd, tA)
	e.op(asm.MOVLQSX, asm.R(tA), asm.R(d))
	e.commit(in.Rd, d)
}

// wordNonNeg is wordOp for a W result below 2^31 (srliw by 1 to 31): the zero
// extension that writing the 32-bit register gives is its sign extension, so f always
// computes straight into rd's register (or RAX, stored whole to rd's slot).
func (u *unit) wordNonNeg(in riscv.Inst, f func(t asm.Reg)) {
	e := &u.e
	if in.Rd == 0 {
		return
	}
	if e.isMapped(in.Rd) {
		f(e.rm.host[in.Rd])
		return
	}
	f(tA)
	u.done(in.Rd, tA)
}

// keepUpper reports whether the instruction being lowered must produce a correct
// upper half (see upperNeeded).
func (u *unit) keepUpper() bool {
	return u.needUpper == nil || u.idx >= len(u.needUpper) || u.needUpper[u.idx]
}

// upperNeeded says, for each instruction of a block body that writes a register,
// whether the register's upper 32 bits can be observed before it is written again:
// by an instruction that reads all 64 bits, by a possible fault (which exposes every
// register), or at the block's end. The W forms, the W-sized stores and the shift
// amounts read only low bits, so a chain of 32-bit arithmetic need not sign-extend
// every intermediate result.
// A sext.w marked in full (sextRedundantInto; nil: none) is lowered as a move, so
// it reads all of its source. An access marked in unchecked (the loads and stores a
// loop's entry checked, hoist.go; nil: none) cannot fault.
func upperNeeded(body []riscv.Inst, full, unchecked []bool) []bool {
	return upperNeededInto(make([]bool, len(body)), body, full, unchecked)
}

// upperNeededInto is upperNeeded into res (len(body) long, all false).
func upperNeededInto(res []bool, body []riscv.Inst, full, unchecked []bool) []bool {
	upperNeededFrom(res, body, full, unchecked, ^uint32(0))
	return res
}

// upperNeededFrom is upperNeededInto given the registers whose upper halves can be
// observed at the body's end (end; bit r: x_r); the accesses marked in unchecked (the
// loads and stores the loop's entry checked, hoist.go; nil: none) cannot fault. It
// returns the registers whose upper halves can be observed from the body's start (a
// self-loop's needs at its back edge, see sextexit.go).
func upperNeededFrom(res []bool, body []riscv.Inst, full, unchecked []bool, end uint32) (start uint32) {
	const all = ^uint32(0)
	need := end // bit r: register r's upper half can be observed
	for i := len(body) - 1; i >= 0; i-- {
		in := body[i]
		keep := true
		if writesRd(in) {
			keep = need&(1<<(in.Rd&31)) != 0
			res[i] = keep
			need &^= 1 << (in.Rd & 31)
		}
		if !faultFree(in) && !(i < len(unchecked) && unchecked[i]) {
			// A fault exposes every register as it was before the instruction,
			// its own destination included (it is not written).
			need = all
		}
		lo1, lo2 := lowSources(in)
		if !keep && lowPreserving(in) {
			// The low half of the result depends only on the low halves of the
			// sources, and only the low half of the result is needed.
			lo1, lo2 = true, true
		}
		if full != nil && full[i] {
			lo1 = false
		}
		if !lo1 {
			need |= 1 << (in.Rs1 & 31)
		}
		if !lo2 {
			need |= 1 << (in.Rs2 & 31)
		}
	}
	return need
}

// lowPreserving reports whether the low 32 bits of the instruction's result depend
// only on the low 32 bits of its sources (additions, logic, left shifts, products).
func lowPreserving(in riscv.Inst) bool {
	switch in.Op {
	case riscv.OpADD, riscv.OpSUB, riscv.OpAND, riscv.OpOR, riscv.OpXOR, riscv.OpMUL,
		riscv.OpADDI, riscv.OpANDI, riscv.OpORI, riscv.OpXORI, riscv.OpSLLI:
		return true
	}
	return false
}

// writesRd reports whether the instruction writes rd.
func writesRd(in riscv.Inst) bool {
	return in.Rd != 0 && !in.Op.IsStore() && !in.Op.IsBranch()
}

// lowSources reports whether the instruction reads only the low 32 bits (or fewer) of
// rs1 and of rs2.
func lowSources(in riscv.Inst) (rs1, rs2 bool) {
	switch in.Op {
	case riscv.OpADDW, riscv.OpSUBW, riscv.OpMULW, riscv.OpSLLW, riscv.OpSRLW, riscv.OpSRAW,
		riscv.OpDIVW, riscv.OpDIVUW, riscv.OpREMW, riscv.OpREMUW:
		return true, true
	case riscv.OpADDIW, riscv.OpSLLIW, riscv.OpSRLIW, riscv.OpSRAIW:
		return true, true
	case riscv.OpSB, riscv.OpSH, riscv.OpSW, riscv.OpSLL, riscv.OpSRL, riscv.OpSRA:
		return false, true
	}
	return false, false
}

// mulHigh: MULH, MULHU, MULHSU (the high 64 bits of the 128-bit product).
func (u *unit) mulHigh(in riscv.Inst) {
	e := &u.e
	if in.Rd == 0 {
		return
	}
	if in.Rs1 == 0 || in.Rs2 == 0 {
		e.setImm(in.Rd, 0, tA)
		return
	}
	e.load(in.Rs1, tA)
	switch in.Op {
	case riscv.OpMULH:
		e.op(asm.IMULQ, e.src(in.Rs2), asm.None)
	case riscv.OpMULHU:
		e.op(asm.MULQ, e.src(in.Rs2), asm.None)
	case riscv.OpMULHSU:
		// Unsigned product, corrected for a negative rs1: hi -= rs2 when rs1 < 0.
		e.op(asm.MULQ, e.src(in.Rs2), asm.None)
		e.load(in.Rs1, tA)
		e.op(asm.SARQ, asm.Imm(63), asm.R(tA))
		e.op(asm.ANDQ, e.src(in.Rs2), asm.R(tA))
		e.op(asm.SUBQ, asm.R(tA), asm.R(tD))
	}
	u.done(in.Rd, tD)
}

// div64: DIV, DIVU, REM, REMU. x86 division traps on a zero divisor and on signed
// overflow, RISC-V does not (unprivileged spec, "Division Operations"): a zero
// divisor gives all ones (quotient) or the dividend (remainder); dividing by -1 is
// negation (which also gives the overflow case's dividend) with remainder 0. The
// divisor is used where it lives (a host register or its state slot).
func (u *unit) div64(in riscv.Inst, paired, second bool) {
	e := &u.e
	if in.Rd == 0 {
		return
	}
	if second {
		u.pairSecond(in)
		return
	}
	signed := in.Op == riscv.OpDIV || in.Op == riscv.OpREM
	quot := in.Op == riscv.OpDIV || in.Op == riscv.OpDIVU
	if in.Rs2 == 0 {
		u.divByZero(in, quot, false)
		return
	}
	div := e.src(in.Rs2)
	done := u.b.NewLabel()
	// The special divisors are handled out of line, so a division runs straight
	// through.
	e.op(asm.CMPQ, div, asm.Imm(0))
	e.jump(asm.JEQ, u.coldLabel(func() {
		if paired {
			u.saveSpecial(in, quot, false, false)
		}
		u.divByZero(in, quot, false)
		e.jump(asm.JMP, done)
	}))
	if signed {
		e.op(asm.CMPQ, div, asm.Imm(-1))
		e.jump(asm.JEQ, u.coldLabel(func() {
			if paired {
				u.saveSpecial(in, quot, false, true)
			}
			if quot {
				e.load(in.Rs1, tA)
				e.op(asm.NEGQ, asm.None, asm.R(tA))
				u.done(in.Rd, tA)
			} else {
				e.setImm(in.Rd, 0, tA)
			}
			e.jump(asm.JMP, done)
		}))
	}
	e.load(in.Rs1, tA)
	if signed {
		e.op(asm.CQO, asm.None, asm.None)
		e.op(asm.IDIVQ, div, asm.None)
	} else {
		e.op(asm.XORL, asm.R(tD), asm.R(tD))
		e.op(asm.DIVQ, div, asm.None)
	}
	if paired {
		u.saveOther(otherResult(quot), false)
	}
	if quot {
		u.done(in.Rd, tA)
	} else {
		u.done(in.Rd, tD)
	}
	u.b.Bind(done)
}

// divByZero sets rd to the result of dividing by zero: all ones for a quotient, the
// dividend (sign-extended from 32 bits for the W forms) for a remainder.
func (u *unit) divByZero(in riscv.Inst, quot, word bool) {
	e := &u.e
	switch {
	case quot:
		e.setImm(in.Rd, -1, tA)
	case word:
		u.sext32(in.Rd, in.Rs1)
	default:
		u.mv(in.Rd, in.Rs1)
	}
}

// div32: DIVW, DIVUW, REMW, REMUW, with the same special cases on 32-bit values and
// every result sign-extended from 32 bits.
func (u *unit) div32(in riscv.Inst, paired, second bool) {
	e := &u.e
	if in.Rd == 0 {
		return
	}
	if second {
		u.pairSecond(in)
		return
	}
	signed := in.Op == riscv.OpDIVW || in.Op == riscv.OpREMW
	quot := in.Op == riscv.OpDIVW || in.Op == riscv.OpDIVUW
	if in.Rs2 == 0 {
		u.divByZero(in, quot, true)
		return
	}
	div := e.src(in.Rs2)
	done := u.b.NewLabel()
	e.op(asm.CMPL, div, asm.Imm(0))
	e.jump(asm.JEQ, u.coldLabel(func() {
		if paired {
			u.saveSpecial(in, quot, true, false)
		}
		u.divByZero(in, quot, true)
		e.jump(asm.JMP, done)
	}))
	if signed {
		e.op(asm.CMPL, div, asm.Imm(-1))
		e.jump(asm.JEQ, u.coldLabel(func() {
			if paired {
				u.saveSpecial(in, quot, true, true)
			}
			if quot {
				e.op(asm.MOVL, u.srcRM(in.Rs1, tA), asm.R(tA))
				e.op(asm.NEGL, asm.None, asm.R(tA))
				e.op(asm.MOVLQSX, asm.R(tA), asm.R(tA))
				u.done(in.Rd, tA)
			} else {
				e.setImm(in.Rd, 0, tA)
			}
			e.jump(asm.JMP, done)
		}))
	}
	e.op(asm.MOVL, u.srcRM(in.Rs1, tA), asm.R(tA))
	if signed {
		e.op(asm.CDQ, asm.None, asm.None)
		e.op(asm.IDIVL, div, asm.None)
	} else {
		e.op(asm.XORL, asm.R(tD), asm.R(tD))
		e.op(asm.DIVL, div, asm.None)
	}
	if paired {
		u.saveOther(otherResult(quot), true)
	}
	res := tA
	if !quot {
		res = tD
	}
	d := e.dest(in.Rd, res)
	e.op(asm.MOVLQSX, asm.R(res), asm.R(d))
	e.commit(in.Rd, d)
	u.b.Bind(done)
}
