package arm64

import (
	"github.com/hybridvm/hybridvm/codegen/internal/asm"
	"github.com/hybridvm/hybridvm/guest"
)

// emitter wraps the builder with the guest-register helpers. Large immediates are
// left to golang-asm, which builds them in R27 (never used otherwise).
type emitter struct {
	b  *asm.Builder
	rm *regMap
}

func (e *emitter) op(op asm.Op, from, to asm.Operand) { e.b.Inst(op, from, to) }

// op3 emits op from, mid, to (to = mid <op> from).
func (e *emitter) op3(op asm.Op, from asm.Operand, mid asm.Reg, to asm.Reg) {
	e.b.InstR(op, from, mid, asm.R(to))
}

func (e *emitter) jump(op asm.Op, l *asm.Label) { e.b.Jump(op, l) }

// cbz emits CBZ (or CBNZ) r, l.
func (e *emitter) cbz(op asm.Op, r asm.Reg, l *asm.Label) { e.b.JumpReg(op, r, l) }

func stMem(off int64) asm.Operand { return asm.Mem(rST, off) }

// ldSt loads the 8-byte state field at off into r; stSt stores r there.
func (e *emitter) ldSt(off int64, r asm.Reg) { e.op(asm.AMOVD, stMem(off), asm.R(r)) }
func (e *emitter) stSt(r asm.Reg, off int64) { e.op(asm.AMOVD, asm.R(r), stMem(off)) }

// isMapped reports whether guest register r lives in a host register.
func (e *emitter) isMapped(r uint8) bool { return r != 0 && e.rm.host[r] != asm.NoReg }

// rz returns a register holding guest register r for register-form operands: XZR for
// x0, its host register, or tmp loaded from State.X.
func (e *emitter) rz(r uint8, tmp asm.Reg) asm.Reg {
	switch {
	case r == 0:
		return asm.XZR
	case e.isMapped(r):
		return e.rm.host[r]
	}
	e.ldSt(xoff(r), tmp)
	return tmp
}

// rn is rz for operands where register 31 would mean SP (immediate forms): x0 is
// materialised in tmp.
func (e *emitter) rn(r uint8, tmp asm.Reg) asm.Reg {
	if r == 0 {
		e.op(asm.AMOVD, asm.R(asm.XZR), asm.R(tmp))
		return tmp
	}
	return e.rz(r, tmp)
}

// load copies guest register r into host register dst.
func (e *emitter) load(r uint8, dst asm.Reg) {
	if s := e.rz(r, dst); s != dst {
		e.op(asm.AMOVD, asm.R(s), asm.R(dst))
	}
}

// dest returns the register to compute guest register rd's new value in.
func (e *emitter) dest(rd uint8, tmp asm.Reg) asm.Reg {
	if e.isMapped(rd) {
		return e.rm.host[rd]
	}
	return tmp
}

// commit stores r into guest register rd when rd lives in memory (r came from dest).
func (e *emitter) commit(rd uint8, r asm.Reg) {
	if rd != 0 && !e.isMapped(rd) {
		e.stSt(r, xoff(rd))
	}
}

// done moves the value in r into guest register rd.
func (e *emitter) done(rd uint8, r asm.Reg) {
	switch {
	case rd == 0:
	case e.isMapped(rd):
		if e.rm.host[rd] != r {
			e.op(asm.AMOVD, asm.R(r), asm.R(e.rm.host[rd]))
		}
	default:
		e.stSt(r, xoff(rd))
	}
}

// movImm sets host register dst to v.
func (e *emitter) movImm(v int64, dst asm.Reg) {
	if v == 0 {
		e.op(asm.AMOVD, asm.R(asm.XZR), asm.R(dst))
		return
	}
	e.op(asm.AMOVD, asm.Imm(v), asm.R(dst))
}

// setImm sets guest register rd to v (tmp is scratch).
func (e *emitter) setImm(rd uint8, v int64, tmp asm.Reg) {
	switch {
	case rd == 0:
	case e.isMapped(rd):
		e.movImm(v, e.rm.host[rd])
	case v == 0:
		e.stSt(asm.XZR, xoff(rd))
	default:
		e.movImm(v, tmp)
		e.stSt(tmp, xoff(rd))
	}
}

// addImm sets dst = src + v (src is never XZR).
func (e *emitter) addImm(v int64, src, dst asm.Reg) {
	switch {
	case v == 0:
		if src != dst {
			e.op(asm.AMOVD, asm.R(src), asm.R(dst))
		}
	case v > 0:
		e.op3(asm.AADD, asm.Imm(v), src, dst)
	case v == -v:
		panic("BUG: arm64: adding the most negative immediate")
	default:
		e.op3(asm.ASUB, asm.Imm(-v), src, dst)
	}
}

// setExit stores an exit code (tmp is scratch).
func (e *emitter) setExit(code guest.ExitCode, tmp asm.Reg) {
	e.movImm(int64(code), tmp)
	e.op(asm.AMOVW, asm.R(tmp), stMem(guest.OffExit))
}
