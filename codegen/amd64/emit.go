package amd64

import (
	"fmt"

	"github.com/hybridvm/hybridvm/codegen/internal/asm"
	"github.com/hybridvm/hybridvm/guest"
)

// Fixed host registers (see the package comment).
const (
	rST  = asm.R15
	rMem = asm.R14
	rGas = asm.R13
	tA   = asm.AX
	tC   = asm.CX
	tD   = asm.DX
)

// gasShift is where the gas field of R13 starts; the retired count is below it.
const gasShift = 18

// mappable are the host registers that hold guest registers, in preference order.
// RCX comes last: the few instructions that need it (variable shifts without BMI2,
// AMOs) spill its guest register around themselves (see withCX).
var mappable = [...]asm.Reg{asm.BX, asm.SI, asm.DI, asm.R8, asm.R9, asm.R10, asm.R11, asm.R12, asm.BP, asm.CX}

// regMap says which host register holds each guest register (NoReg: in State.X).
type regMap struct {
	host [32]asm.Reg
}

// ownIdx numbers the sixteen general registers from 0 (asm.Reg values are large:
// arrays by ownIdx stay small).
func ownIdx(h asm.Reg) int { return int(h - asm.AX) }

// mapped lists the (guest, host) pairs.
func (m *regMap) mapped() (pairs [][2]int) {
	for g, h := range m.host {
		if h != asm.NoReg {
			pairs = append(pairs, [2]int{g, int(h)})
		}
	}
	return pairs
}

func fits32(v int64) bool { return v == int64(int32(v)) }

func xoff(r uint8) int64 { return guest.OffX + 8*int64(r) }

// emitter wraps the builder with the checks golang-asm does not make: an immediate
// that does not fit an instruction's sign-extended imm32 is silently truncated by the
// assembler, so every immediate goes through here and a misfit is a BUG panic (the
// lowering always materialises large constants in a register first).
type emitter struct {
	b  *asm.Builder
	rm *regMap
	// spilledCX is the guest register whose host register RCX is borrowed as a
	// scratch register right now (0: none); see unit.withCX.
	spilledCX uint8
}

func (e *emitter) op(op asm.Op, from, to asm.Operand) {
	if asm.WideImm(&from) || asm.WideImm(&to) {
		checkImm(op, from, to)
	}
	e.b.Inst(op, from, to)
}

// checkImm panics unless op takes a 64-bit immediate (MOVQ to a register only).
//
//go:noinline
func checkImm(op asm.Op, from, to asm.Operand) {
	if asm.WideImm(&from) && !(op == asm.MOVQ && to.IsReg()) {
		panic(fmt.Sprintf("BUG: amd64: immediate %#x does not fit op %d", from.Value(), op))
	}
	if asm.WideImm(&to) {
		panic(fmt.Sprintf("BUG: amd64: immediate %#x does not fit op %d", to.Value(), op))
	}
}

func (e *emitter) op3(op asm.Op, from, mid, to asm.Operand) {
	if from.IsImm() && !fits32(from.Value()) {
		panic(fmt.Sprintf("BUG: amd64: immediate %#x does not fit op %d", from.Value(), op))
	}
	e.b.Inst3(op, from, mid, to)
}

func (e *emitter) jump(op asm.Op, l *asm.Label) { e.b.Jump(op, l) }

// src is the operand holding guest register r: an immediate 0 for x0, its host
// register, or its slot in State.X.
func (e *emitter) src(r uint8) asm.Operand {
	if r == 0 {
		return asm.Imm(0)
	}
	if h := e.rm.host[r]; h != asm.NoReg {
		return asm.R(h)
	}
	return stMem(xoff(r))
}

// isMapped reports whether guest register r lives in a host register.
func (e *emitter) isMapped(r uint8) bool { return r != 0 && e.rm.host[r] != asm.NoReg }

// reg returns a register holding guest register r's value: its host register, or
// tmp loaded from memory (or zeroed for x0).
func (e *emitter) reg(r uint8, tmp asm.Reg) asm.Reg {
	if e.isMapped(r) {
		return e.rm.host[r]
	}
	e.load(r, tmp)
	return tmp
}

// load copies guest register r into host register dst.
func (e *emitter) load(r uint8, dst asm.Reg) {
	switch {
	case r == 0:
		e.op(asm.XORL, asm.R(dst), asm.R(dst))
	case e.isMapped(r):
		if e.rm.host[r] != dst {
			e.op(asm.MOVQ, asm.R(e.rm.host[r]), asm.R(dst))
		}
	default:
		e.op(asm.MOVQ, stMem(xoff(r)), asm.R(dst))
	}
}

// dest returns the register to compute guest register rd's new value in: its host
// register, or tmp when rd lives in memory (store it with commit).
func (e *emitter) dest(rd uint8, tmp asm.Reg) asm.Reg {
	if e.isMapped(rd) {
		return e.rm.host[rd]
	}
	return tmp
}

// commit stores r into guest register rd when rd lives in memory (r came from dest).
func (e *emitter) commit(rd uint8, r asm.Reg) {
	if rd != 0 && !e.isMapped(rd) {
		e.op(asm.MOVQ, asm.R(r), stMem(xoff(rd)))
	}
}

// movImm sets host register dst to v.
func (e *emitter) movImm(v int64, dst asm.Reg) {
	if v == 0 {
		e.op(asm.XORL, asm.R(dst), asm.R(dst))
		return
	}
	e.op(asm.MOVQ, asm.Imm(v), asm.R(dst))
}

// setImm sets guest register rd to v (tmp is a scratch register for wide constants
// going to memory).
func (e *emitter) setImm(rd uint8, v int64, tmp asm.Reg) {
	switch {
	case rd == 0:
	case e.isMapped(rd):
		e.movImm(v, e.rm.host[rd])
	case fits32(v):
		e.op(asm.MOVQ, asm.Imm(v), stMem(xoff(rd)))
	default:
		e.op(asm.MOVQ, asm.Imm(v), asm.R(tmp))
		e.op(asm.MOVQ, asm.R(tmp), stMem(xoff(rd)))
	}
}

// store64Imm stores the 64-bit constant v at [R15+off] without a scratch register.
func (e *emitter) store64Imm(v uint64, off int64) {
	if fits32(int64(v)) {
		e.op(asm.MOVQ, asm.Imm(int64(v)), stMem(off))
		return
	}
	e.op(asm.MOVL, asm.Imm(int64(int32(uint32(v)))), stMem(off))
	e.op(asm.MOVL, asm.Imm(int64(int32(uint32(v>>32)))), stMem(off+4))
}

// addImm adds the constant v to host register r (r += v), using tmp when v is wide.
func (e *emitter) addImm(v int64, r, tmp asm.Reg) {
	switch {
	case v == 0:
	case fits32(v):
		e.op(asm.ADDQ, asm.Imm(v), asm.R(r))
	default:
		e.op(asm.MOVQ, asm.Imm(v), asm.R(tmp))
		e.op(asm.ADDQ, asm.R(tmp), asm.R(r))
	}
}

// setExit stores an exit code.
func (e *emitter) setExit(code guest.ExitCode) {
	e.op(asm.MOVL, asm.Imm(int64(code)), stMem(guest.OffExit))
}

// stBias is how far past the state's first byte R15 points: guest register slots
// (offsets 0 to 248) are then within a signed byte of R15 and every access to one
// encodes a 1-byte displacement instead of 4.
const stBias = 128

// stMem is the state field at offset off (a guest.Off* constant).
func stMem(off int64) asm.Operand { return asm.Mem(rST, off-stBias) }
