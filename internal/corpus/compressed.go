package corpus

// Encoders for the RV64C instructions random programs use (RISC-V unprivileged
// spec, chapter 16); a test checks each against riscv.Decode.

func cbits(v uint32, hi, lo uint) uint32 { return (v >> lo) & (1<<(hi-lo+1) - 1) }

// cCI encodes the CI format: funct3 | imm[5] | rd | imm[4:0] | op.
func cCI(f3 uint32, rd int, imm int64, op uint32) uint16 {
	u := uint32(imm)
	return uint16(f3<<13 | cbits(u, 5, 5)<<12 | uint32(rd)<<7 | cbits(u, 4, 0)<<2 | op)
}

// C.ADDI, C.ADDIW, C.LI, C.SLLI.
func cADDI(rd int, imm int64) uint16  { return cCI(0, rd, imm, 1) }
func cADDIW(rd int, imm int64) uint16 { return cCI(1, rd, imm, 1) }
func cLI(rd int, imm int64) uint16    { return cCI(2, rd, imm, 1) }
func cSLLI(rd int, sh int64) uint16   { return cCI(0, rd, sh, 2) }

// cLUI: nzimm[17:12] in imm (imm is the value >> 12, 6-bit signed, non-zero).
func cLUI(rd int, imm int64) uint16 { return cCI(3, rd, imm, 1) }

// cShiftAnd: C.SRLI (kind 0), C.SRAI (1), C.ANDI (2) on rd' (x8-x15).
func cShiftAnd(kind uint32, rd int, imm int64) uint16 {
	u := uint32(imm)
	return uint16(4<<13 | cbits(u, 5, 5)<<12 | kind<<10 | uint32(rd-8)<<7 | cbits(u, 4, 0)<<2 | 1)
}

// cArith: C.SUB, C.XOR, C.OR, C.AND (w = 0, op 0-3), C.SUBW, C.ADDW (w = 1, op 0-1).
func cArith(w, op uint32, rd, rs2 int) uint16 {
	return uint16(4<<13 | w<<12 | 3<<10 | uint32(rd-8)<<7 | op<<5 | uint32(rs2-8)<<2 | 1)
}

// C.MV and C.ADD.
func cMV(rd, rs2 int) uint16  { return uint16(4<<13 | uint32(rd)<<7 | uint32(rs2)<<2 | 2) }
func cADD(rd, rs2 int) uint16 { return uint16(4<<13 | 1<<12 | uint32(rd)<<7 | uint32(rs2)<<2 | 2) }

// C.LW/C.SW (word = true) and C.LD/C.SD: rd/rs2' and rs1' in x8-x15, offset scaled.
func cLoadStore(store, word bool, r, rs1 int, off uint32) uint16 {
	f3 := uint32(3)
	if word {
		f3 = 2
	}
	if store {
		f3 += 4
	}
	var imm uint32
	if word { // uimm[5:3] at 12:10, uimm[2] at 6, uimm[6] at 5
		imm = cbits(off, 5, 3)<<10 | cbits(off, 2, 2)<<6 | cbits(off, 6, 6)<<5
	} else { // uimm[5:3] at 12:10, uimm[7:6] at 6:5
		imm = cbits(off, 5, 3)<<10 | cbits(off, 7, 6)<<5
	}
	return uint16(f3<<13 | imm | uint32(rs1-8)<<7 | uint32(r-8)<<2)
}

// C.LWSP/C.LDSP and C.SWSP/C.SDSP.
func cLoadSP(word bool, rd int, off uint32) uint16 {
	if word { // uimm[5] at 12, uimm[4:2] at 6:4, uimm[7:6] at 3:2
		return uint16(2<<13 | cbits(off, 5, 5)<<12 | uint32(rd)<<7 | cbits(off, 4, 2)<<4 | cbits(off, 7, 6)<<2 | 2)
	}
	// uimm[5] at 12, uimm[4:3] at 6:5, uimm[8:6] at 4:2
	return uint16(3<<13 | cbits(off, 5, 5)<<12 | uint32(rd)<<7 | cbits(off, 4, 3)<<5 | cbits(off, 8, 6)<<2 | 2)
}

func cStoreSP(word bool, rs2 int, off uint32) uint16 {
	if word { // uimm[5:2] at 12:9, uimm[7:6] at 8:7
		return uint16(6<<13 | cbits(off, 5, 2)<<9 | cbits(off, 7, 6)<<7 | uint32(rs2)<<2 | 2)
	}
	// uimm[5:3] at 12:10, uimm[8:6] at 9:7
	return uint16(7<<13 | cbits(off, 5, 3)<<10 | cbits(off, 8, 6)<<7 | uint32(rs2)<<2 | 2)
}

// C.BEQZ/C.BNEZ rs1' with a byte offset (even, within ±256).
func cBranchZ(ne bool, rs1 int, off int64) uint16 {
	u := uint32(off)
	f3 := uint32(6)
	if ne {
		f3 = 7
	}
	return uint16(f3<<13 | cbits(u, 8, 8)<<12 | cbits(u, 4, 3)<<10 | uint32(rs1-8)<<7 |
		cbits(u, 7, 6)<<5 | cbits(u, 2, 1)<<3 | cbits(u, 5, 5)<<2 | 1)
}

// C.J with a byte offset (even, within ±2 KiB).
func cJ(off int64) uint16 {
	u := uint32(off)
	return uint16(5<<13 | cbits(u, 11, 11)<<12 | cbits(u, 4, 4)<<11 | cbits(u, 9, 8)<<9 |
		cbits(u, 10, 10)<<8 | cbits(u, 6, 6)<<7 | cbits(u, 7, 7)<<6 | cbits(u, 3, 1)<<3 | cbits(u, 5, 5)<<2 | 1)
}

// C.ADDI4SPN rd', nzuimm (multiple of 4, non-zero, < 1024).
func cADDI4SPN(rd int, imm uint32) uint16 {
	return uint16(cbits(imm, 5, 4)<<11 | cbits(imm, 9, 6)<<7 | cbits(imm, 2, 2)<<6 | cbits(imm, 3, 3)<<5 | uint32(rd-8)<<2)
}

// compressed emits one random compressed instruction (or a compressed branch or jump
// over a known number of 32-bit instructions).
func (g *gen) compressed() {
	t, p := g.t, g.p
	rdP := 10 + t.n(6) // a0-a5: compressed destinations avoid the fixed-role s0/s1
	srcP := 8 + t.n(8)
	imm6 := int64(int8(t.byte()<<2) >> 2)
	switch c := t.n(16); c {
	case 0:
		p.Emit16(cADDI(t.dest(), imm6))
	case 1:
		if rd := t.dest(); rd != 0 {
			p.Emit16(cADDIW(rd, imm6))
		}
	case 2:
		p.Emit16(cLI(t.dest(), imm6))
	case 3:
		if rd := t.dest(); rd != 0 && rd != 2 && imm6 != 0 {
			p.Emit16(cLUI(rd, imm6))
		}
	case 4:
		p.Emit16(cSLLI(t.dest(), int64(t.n(64))))
	case 5:
		kind := uint32(t.n(3))
		if kind == 2 {
			p.Emit16(cShiftAnd(kind, rdP, imm6))
		} else {
			p.Emit16(cShiftAnd(kind, rdP, int64(t.n(64))))
		}
	case 6:
		if w := uint32(t.n(2)); w == 0 {
			p.Emit16(cArith(0, uint32(t.n(4)), rdP, srcP))
		} else {
			p.Emit16(cArith(1, uint32(t.n(2)), rdP, srcP))
		}
	case 7:
		if rs2 := t.src(); rs2 != 0 {
			p.Emit16(cMV(t.dest(), rs2))
		}
	case 8:
		if rs2 := t.src(); rs2 != 0 {
			p.Emit16(cADD(t.dest(), rs2))
		}
	case 9, 10: // C.LW/C.LD/C.SW/C.SD in the data segment (s0) or the arena's last 64 bytes (s1)
		word, base := t.n(2) == 0, 8+t.n(2)
		off := uint32(t.n(32)) * 8
		if word {
			off = uint32(t.n(32)) * 4
		}
		if base == regEdge {
			off %= 64 - 8
			if word {
				off &^= 3
			} else {
				off &^= 7
			}
		}
		if c == 9 {
			p.Emit16(cLoadStore(false, word, rdP, base, off))
		} else {
			p.Emit16(cLoadStore(true, word, srcP, base, off))
		}
	case 11: // stack-pointer relative (sp points into the data segment)
		if rd := t.dest(); rd != 0 {
			p.Emit16(cLoadSP(t.n(2) == 0, rd, uint32(t.n(64))*8))
		}
	case 12:
		p.Emit16(cStoreSP(t.n(2) == 0, t.src(), uint32(t.n(64))*8))
	case 13: // C.BEQZ/C.BNEZ over k 32-bit instructions
		k := 1 + t.n(3)
		p.Emit16(cBranchZ(t.n(2) == 0, srcP, int64(2+4*k)))
		for i := 0; i < k; i++ {
			p.ADDI(rdP, rdP, 1)
		}
	case 14: // C.J over k 32-bit instructions
		k := 1 + t.n(3)
		p.Emit16(cJ(int64(2 + 4*k)))
		for i := 0; i < k; i++ {
			p.ADDI(rdP, rdP, 3)
		}
	default:
		p.Emit16(cADDI4SPN(rdP, uint32(4+4*t.n(255))))
	}
}
