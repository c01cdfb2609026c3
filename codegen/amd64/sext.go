package amd64

import "github.com/hybridvm/hybridvm/riscv"

// Redundant sign extensions. RV64 compilers emit `sext.w rd, rs` (addiw rd, rs, 0)
// after 64-bit operations on 32-bit values, often where rs already is the sign
// extension of its low half (crc32's `xor` of a `lw` and an `srlw`; a copy of a W
// result). sextRedundant finds those within a block body: such a sext.w is a move
// (or nothing, when rd is rs). Only what the block itself computes counts: a
// register is unknown at the block's entry, unless the copy of a self-loop being
// lowered was entered after sextloop.go's checks (entry).
//
// The lowering must then really hold rs's full value: the upper-half analysis
// (upperNeededInto) treats such a sext.w as a read of all of rs, so every value the
// proof rests on is computed in full.

// sextRedundant marks in a slice from alloc (n bools, all false) each sext.w of
// body whose source is known to be sign-extended from 32 bits there, the registers
// of entry (bit r: x_r) being sign-extended at the body's start; nil when body has no
// sext.w that could be redundant.
func sextRedundant(body []riscv.Inst, entry uint32, alloc func(n int) []bool) []bool {
	for i, in := range body {
		if isSextW(in) && (i > 0 || entry != 0) {
			return sextRedundantInto(alloc(len(body)), body, entry)
		}
	}
	return nil
}

// sextRedundantInto is sextRedundant into res (len(body) long, all false).
func sextRedundantInto(res []bool, body []riscv.Inst, entry uint32) []bool {
	sx := entry | 1 // bit r: register r holds the sign extension of its low half (x0 does)
	for i, in := range body {
		if isSextW(in) && sx&(1<<(in.Rs1&31)) != 0 {
			res[i] = true
		}
		sx = sextStep(in, sx)
	}
	return res
}

// sextStep returns which registers are sign-extended after in when those of sx are
// before it.
func sextStep(in riscv.Inst, sx uint32) uint32 {
	switch {
	case !writesRd(in):
	case sextResult(in, sx):
		sx |= 1 << (in.Rd & 31)
	default:
		sx &^= 1 << (in.Rd & 31)
	}
	return sx
}

// sextResult reports whether in's result is the sign extension of its low 32 bits,
// given which registers are (bit r of sx).
func sextResult(in riscv.Inst, sx uint32) bool {
	has := func(r uint8) bool { return sx&(1<<(r&31)) != 0 }
	switch in.Op {
	case riscv.OpADDIW, riscv.OpSLLIW, riscv.OpSRLIW, riscv.OpSRAIW,
		riscv.OpADDW, riscv.OpSUBW, riscv.OpSLLW, riscv.OpSRLW, riscv.OpSRAW,
		riscv.OpMULW, riscv.OpDIVW, riscv.OpDIVUW, riscv.OpREMW, riscv.OpREMUW,
		riscv.OpLB, riscv.OpLH, riscv.OpLW, riscv.OpLBU, riscv.OpLHU,
		riscv.OpLUI, riscv.OpSLT, riscv.OpSLTU, riscv.OpSLTI, riscv.OpSLTIU:
		return true
	case riscv.OpADDI:
		return in.Rs1 == 0 || in.Imm == 0 && has(in.Rs1) // li (12 bits); mv
	case riscv.OpANDI:
		return in.Imm >= 0 || has(in.Rs1) // below 2^11; or the AND of two extensions
	case riscv.OpORI, riscv.OpXORI:
		return has(in.Rs1) // the immediate is a sign extension too
	case riscv.OpAND, riscv.OpOR, riscv.OpXOR:
		return has(in.Rs1) && has(in.Rs2)
	case riscv.OpADD:
		return (in.Rs1 == 0 || in.Rs2 == 0) && has(in.Rs1) && has(in.Rs2) // mv
	case riscv.OpSRLI:
		return in.Imm&63 >= 33 // below 2^31
	case riscv.OpSRAI:
		return in.Imm&63 >= 32
	}
	return false
}
