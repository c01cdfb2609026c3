package amd64

import (
	"math/bits"

	"github.com/hybridvm/hybridvm/codegen/internal/asm"
	"github.com/hybridvm/hybridvm/riscv"
)

// Sign extensions carried around a self-loop. sext.go knows only what a block
// computes itself, but sha256's round loop ends with sext.w of registers that the next
// iteration copies from one another (`mv a3, a0` at the top, `addw a0, ...` and
// `sext.w a3, a3` further down): each is sign-extended at the back edge whenever the
// registers it comes from were at the loop's entry. sextLoopFacts finds such a set of
// registers: if each is the sign extension of its low half at the loop's entry, each
// still is at the back edge, and some sext.w of the body is redundant thanks to
// them. The loop's entry from outside compares each with its own sign extension
// (sextCheck, beside hoist.go's and divguard.go's checks, see lower.go's
// lowerHoisted) and enters the copy that assumes them when they all hold, the usual
// copy otherwise. That copy's back edge keeps them, so they are checked once per
// entry, and its redundant sext.w are moves (or nothing).
//
// Only registers the body reads before writing them are checked, and only those
// some redundant sext.w rests on (directly or through the back edge). The
// upper-half analysis (upperNeededInto) needs nothing more: a register holds its
// full value at the block's boundaries, and a redundant sext.w reads all of its
// source as before.

// maxSextChecks bounds the entry's work (three instructions a register): sha256's
// loops need six and seven.
const maxSextChecks = 8

// sextLoopFacts returns the registers (bit r: x_r) the loop's entry checks for
// self-loop body body (its terminator excluded), 0 when no sext.w of body would
// become redundant or more than maxSextChecks registers would need a check.
func sextLoopFacts(body []riscv.Inst) uint32 {
	if !hasSextW(body) {
		return 0
	}
	// The greatest set of registers that one pass of the body keeps sign-extended.
	s := ^uint32(0)
	for {
		next := s & sextAfter(body, s|1)
		if next == s {
			break
		}
		s = next
	}
	// dep[r]: the entry facts on which register r's current fact rests.
	var dep [32]uint32
	for r := 1; r < 32; r++ {
		if s&(1<<r) != 0 {
			dep[r] = 1 << r
		}
	}
	sx, need := s|1, uint32(0)
	for _, in := range body {
		if isSextW(in) && sx&(1<<(in.Rs1&31)) != 0 {
			need |= dep[in.Rs1&31]
		}
		if !writesRd(in) {
			continue
		}
		rd := in.Rd & 31
		switch {
		case sextResult(in, 1): // whatever the sources hold
			dep[rd] = 0
			sx |= 1 << rd
		case sextResult(in, sx):
			dep[rd] = dep[in.Rs1&31] | dep[in.Rs2&31]
			sx |= 1 << rd
		default:
			dep[rd] = 0
			sx &^= 1 << rd
		}
	}
	// A fact used must hold again at the back edge: add what its end value rests on.
	for {
		next := need
		for r := 1; r < 32; r++ {
			if need&(1<<r) != 0 {
				next |= dep[r]
			}
		}
		if next == need {
			if bits.OnesCount32(need) > maxSextChecks {
				return 0
			}
			return need
		}
		need = next
	}
}

// sextAfter returns which registers are sign-extended after body when those of sx
// are before it.
func sextAfter(body []riscv.Inst, sx uint32) uint32 {
	for _, in := range body {
		sx = sextStep(in, sx)
	}
	return sx
}

func isSextW(in riscv.Inst) bool { return in.Op == riscv.OpADDIW && in.Imm == 0 }

func hasSextW(body []riscv.Inst) bool {
	for _, in := range body {
		if isSextW(in) {
			return true
		}
	}
	return false
}

// sextCheck emits the loop entry's compares for the registers regs (sextLoopFacts):
// it jumps to slow unless each equals the sign extension of its low half. It uses
// RAX.
func (u *unit) sextCheck(regs uint32, slow *asm.Label) {
	e := &u.e
	for r := uint8(1); r < 32; r++ {
		if regs&(1<<r) == 0 {
			continue
		}
		src := e.src(r)
		e.op(asm.MOVLQSX, src, asm.R(tA))
		e.op(asm.CMPQ, asm.R(tA), src)
		e.jump(asm.JNE, slow)
	}
}
