package riscv

// decodeCompressed expands a 16-bit RV64C instruction (RISC-V unprivileged spec, chapter
// 16, "C" extension) into the 32-bit instruction it stands for. Floating-point forms and
// reserved encodings decode to OpIllegal; HINTs (for example C.ADDI or C.LI with rd = x0)
// are legal and decode to their no-effect expansion.
//
// The register fields of the compressed formats:
//
//	 15  13 12 11  10 9   7 6  5 4   2 1 0
//	|funct3|   imm/rd/rs1     |  rs2  | op |  CR/CI/CSS (full 5-bit registers at 11:7, 6:2)
//	|funct3|  imm  | rs1' |imm| rd'   | op |  CL/CS/CIW (3-bit registers x8..x15)
func decodeCompressed(c uint16) Inst {
	r := uint32(c)
	in := decodeC(r)
	in.Raw = r
	in.Len = 2
	return in
}

func bit(r uint32, i uint) uint32 { return (r >> i) & 1 }
func bits(r uint32, hi, lo uint) uint32 {
	return (r >> lo) & (1<<(hi-lo+1) - 1)
}

// sext sign-extends the low n bits of v.
func sext(v uint32, n uint) int64 {
	return int64(int32(v<<(32-n)) >> (32 - n))
}

func decodeC(r uint32) Inst {
	ill := Inst{Op: OpIllegal}
	f3 := bits(r, 15, 13)
	rdFull := uint8(bits(r, 11, 7))
	rs2Full := uint8(bits(r, 6, 2))
	rdP := uint8(bits(r, 4, 2)) + 8  // rd' / rs2' at 4:2
	rs1P := uint8(bits(r, 9, 7)) + 8 // rs1' / rd' at 9:7
	// CI-format 6-bit signed immediate: imm[5] = bit 12, imm[4:0] = bits 6:2.
	ciImm := sext(bit(r, 12)<<5|bits(r, 6, 2), 6)
	ciShamt := int64(bit(r, 12)<<5 | bits(r, 6, 2))

	switch r & 3 {
	case 0:
		switch f3 {
		case 0: // C.ADDI4SPN: addi rd', x2, nzuimm[9:2]
			imm := bits(r, 12, 11)<<4 | bits(r, 10, 7)<<6 | bit(r, 6)<<2 | bit(r, 5)<<3
			if imm == 0 {
				return ill // includes the all-zero instruction
			}
			return Inst{Op: OpADDI, Rd: rdP, Rs1: 2, Imm: int64(imm)}
		case 2: // C.LW
			imm := bits(r, 12, 10)<<3 | bit(r, 6)<<2 | bit(r, 5)<<6
			return Inst{Op: OpLW, Rd: rdP, Rs1: rs1P, Imm: int64(imm)}
		case 3: // C.LD
			imm := bits(r, 12, 10)<<3 | bits(r, 6, 5)<<6
			return Inst{Op: OpLD, Rd: rdP, Rs1: rs1P, Imm: int64(imm)}
		case 6: // C.SW
			imm := bits(r, 12, 10)<<3 | bit(r, 6)<<2 | bit(r, 5)<<6
			return Inst{Op: OpSW, Rs1: rs1P, Rs2: rdP, Imm: int64(imm)}
		case 7: // C.SD
			imm := bits(r, 12, 10)<<3 | bits(r, 6, 5)<<6
			return Inst{Op: OpSD, Rs1: rs1P, Rs2: rdP, Imm: int64(imm)}
		}
		return ill // C.FLD, C.FSD, reserved
	case 1:
		switch f3 {
		case 0: // C.ADDI (C.NOP when rd = x0)
			return Inst{Op: OpADDI, Rd: rdFull, Rs1: rdFull, Imm: ciImm}
		case 1: // C.ADDIW (RV64); rd = x0 is reserved
			if rdFull == 0 {
				return ill
			}
			return Inst{Op: OpADDIW, Rd: rdFull, Rs1: rdFull, Imm: ciImm}
		case 2: // C.LI
			return Inst{Op: OpADDI, Rd: rdFull, Rs1: 0, Imm: ciImm}
		case 3:
			if rdFull == 2 { // C.ADDI16SP: nzimm[9|4|6|8:7|5] at bits 12|6|5|4:3|2
				imm := sext(bit(r, 12)<<9|bit(r, 6)<<4|bit(r, 5)<<6|bits(r, 4, 3)<<7|bit(r, 2)<<5, 10)
				if imm == 0 {
					return ill
				}
				return Inst{Op: OpADDI, Rd: 2, Rs1: 2, Imm: imm}
			}
			// C.LUI: nzimm[17] = bit 12, nzimm[16:12] = bits 6:2.
			if ciImm == 0 {
				return ill
			}
			return Inst{Op: OpLUI, Rd: rdFull, Imm: ciImm << 12}
		case 4:
			switch bits(r, 11, 10) {
			case 0: // C.SRLI
				return Inst{Op: OpSRLI, Rd: rs1P, Rs1: rs1P, Imm: ciShamt}
			case 1: // C.SRAI
				return Inst{Op: OpSRAI, Rd: rs1P, Rs1: rs1P, Imm: ciShamt}
			case 2: // C.ANDI
				return Inst{Op: OpANDI, Rd: rs1P, Rs1: rs1P, Imm: ciImm}
			}
			ops := [8]Op{OpSUB, OpXOR, OpOR, OpAND, OpSUBW, OpADDW, OpIllegal, OpIllegal}
			op := ops[bit(r, 12)<<2|bits(r, 6, 5)]
			if op == OpIllegal {
				return ill
			}
			return Inst{Op: op, Rd: rs1P, Rs1: rs1P, Rs2: rdP}
		case 5: // C.J: imm[11|4|9:8|10|6|7|3:1|5] at bits 12|11|10:9|8|7|6|5:3|2
			return Inst{Op: OpJAL, Rd: 0, Imm: cjImm(r)}
		case 6, 7: // C.BEQZ, C.BNEZ: imm[8|4:3] at 12|11:10, imm[7:6|2:1|5] at 6:5|4:3|2
			imm := sext(bit(r, 12)<<8|bits(r, 11, 10)<<3|bits(r, 6, 5)<<6|bits(r, 4, 3)<<1|bit(r, 2)<<5, 9)
			op := OpBEQ
			if f3 == 7 {
				op = OpBNE
			}
			return Inst{Op: op, Rs1: rs1P, Rs2: 0, Imm: imm}
		}
	case 2:
		switch f3 {
		case 0: // C.SLLI
			return Inst{Op: OpSLLI, Rd: rdFull, Rs1: rdFull, Imm: ciShamt}
		case 2: // C.LWSP: uimm[5] at 12, uimm[4:2] at 6:4, uimm[7:6] at 3:2
			if rdFull == 0 {
				return ill
			}
			imm := bit(r, 12)<<5 | bits(r, 6, 4)<<2 | bits(r, 3, 2)<<6
			return Inst{Op: OpLW, Rd: rdFull, Rs1: 2, Imm: int64(imm)}
		case 3: // C.LDSP: uimm[5] at 12, uimm[4:3] at 6:5, uimm[8:6] at 4:2
			if rdFull == 0 {
				return ill
			}
			imm := bit(r, 12)<<5 | bits(r, 6, 5)<<3 | bits(r, 4, 2)<<6
			return Inst{Op: OpLD, Rd: rdFull, Rs1: 2, Imm: int64(imm)}
		case 4:
			if bit(r, 12) == 0 {
				if rs2Full == 0 { // C.JR; rs1 = x0 is reserved
					if rdFull == 0 {
						return ill
					}
					return Inst{Op: OpJALR, Rd: 0, Rs1: rdFull}
				}
				return Inst{Op: OpADD, Rd: rdFull, Rs1: 0, Rs2: rs2Full} // C.MV
			}
			if rs2Full == 0 {
				if rdFull == 0 {
					return Inst{Op: OpEBREAK} // C.EBREAK
				}
				return Inst{Op: OpJALR, Rd: 1, Rs1: rdFull} // C.JALR
			}
			return Inst{Op: OpADD, Rd: rdFull, Rs1: rdFull, Rs2: rs2Full} // C.ADD
		case 6: // C.SWSP: uimm[5:2] at 12:9, uimm[7:6] at 8:7
			imm := bits(r, 12, 9)<<2 | bits(r, 8, 7)<<6
			return Inst{Op: OpSW, Rs1: 2, Rs2: rs2Full, Imm: int64(imm)}
		case 7: // C.SDSP: uimm[5:3] at 12:10, uimm[8:6] at 9:7
			imm := bits(r, 12, 10)<<3 | bits(r, 9, 7)<<6
			return Inst{Op: OpSD, Rs1: 2, Rs2: rs2Full, Imm: int64(imm)}
		}
		return ill // C.FLDSP, C.FSDSP
	}
	return ill
}

func cjImm(r uint32) int64 {
	v := bit(r, 12)<<11 | bit(r, 11)<<4 | bits(r, 10, 9)<<8 | bit(r, 8)<<10 |
		bit(r, 7)<<6 | bit(r, 6)<<7 | bits(r, 5, 3)<<1 | bit(r, 2)<<5
	return sext(v, 12)
}
