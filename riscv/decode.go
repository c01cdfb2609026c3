package riscv

// Decode decodes the instruction whose low bits are in raw. When raw's two lowest bits
// are not 11 the instruction is compressed and only raw's low 16 bits are used; callers
// fetching from memory may always pass 32 bits (the upper half is ignored for a
// compressed instruction). An encoding the machine does not implement decodes to
// OpIllegal with the right Len, never to an error.
func Decode(raw uint32) Inst {
	if raw&3 != 3 {
		return decodeCompressed(uint16(raw))
	}
	in := decode32(raw)
	in.Raw = raw
	in.Len = 4
	return in
}

// DecodeInto is Decode writing the instruction to *in (no copy of the result for
// callers that decode into a slice).
func DecodeInto(in *Inst, raw uint32) {
	if raw&3 != 3 {
		*in = decodeC(raw & 0xffff)
		in.Raw, in.Len = raw&0xffff, 2
		return
	}
	*in = decode32(raw)
	in.Raw, in.Len = raw, 4
}

// Len returns the length in bytes of the instruction whose first 16 bits are lo.
func Len(lo uint16) int {
	if lo&3 != 3 {
		return 2
	}
	return 4
}

// Field extraction for the 32-bit formats (RISC-V unprivileged spec, chapter 2.2):
//
//	 31      25 24  20 19  15 14  12 11   7 6      0
//	| funct7   | rs2  | rs1  |funct3| rd   | opcode |  R-type
//	| imm[11:0]       | rs1  |funct3| rd   | opcode |  I-type
//	| imm[11:5]| rs2  | rs1  |funct3|imm4:0| opcode |  S-type
//	|12|10:5   | rs2  | rs1  |funct3|4:1|11| opcode |  B-type
//	| imm[31:12]                    | rd   | opcode |  U-type
//	|20|10:1        |11| 19:12      | rd   | opcode |  J-type
func rd(raw uint32) uint8      { return uint8(raw>>7) & 31 }
func rs1(raw uint32) uint8     { return uint8(raw>>15) & 31 }
func rs2(raw uint32) uint8     { return uint8(raw>>20) & 31 }
func funct3(raw uint32) uint32 { return (raw >> 12) & 7 }
func funct7(raw uint32) uint32 { return raw >> 25 }

func immI(raw uint32) int64 { return int64(int32(raw) >> 20) }
func immS(raw uint32) int64 {
	return int64(int32(raw)>>25<<5) | int64((raw>>7)&31)
}
func immB(raw uint32) int64 {
	return int64(int32(raw)>>31<<12) | int64((raw>>7)&1)<<11 |
		int64((raw>>25)&63)<<5 | int64((raw>>8)&15)<<1
}
func immU(raw uint32) int64 { return int64(int32(raw & 0xFFFFF000)) }
func immJ(raw uint32) int64 {
	return int64(int32(raw)>>31<<20) | int64((raw>>12)&0xFF)<<12 |
		int64((raw>>20)&1)<<11 | int64((raw>>21)&0x3FF)<<1
}

// Major opcodes (bits 6:0).
const (
	opcLoad   = 0x03
	opcMisc   = 0x0F
	opcOpImm  = 0x13
	opcAUIPC  = 0x17
	opcOpImmW = 0x1B
	opcStore  = 0x23
	opcAMO    = 0x2F
	opcOp     = 0x33
	opcLUI    = 0x37
	opcOpW    = 0x3B
	opcBranch = 0x63
	opcJALR   = 0x67
	opcJAL    = 0x6F
	opcSystem = 0x73
)

var (
	branchOps = [8]Op{OpBEQ, OpBNE, OpIllegal, OpIllegal, OpBLT, OpBGE, OpBLTU, OpBGEU}
	loadOps   = [8]Op{OpLB, OpLH, OpLW, OpLD, OpLBU, OpLHU, OpLWU, OpIllegal}
	storeOps  = [8]Op{OpSB, OpSH, OpSW, OpSD, OpIllegal, OpIllegal, OpIllegal, OpIllegal}
	opImmOps  = [8]Op{OpADDI, OpSLLI, OpSLTI, OpSLTIU, OpXORI, OpSRLI, OpORI, OpANDI}
	opOps     = [8]Op{OpADD, OpSLL, OpSLT, OpSLTU, OpXOR, OpSRL, OpOR, OpAND}
	mulOps    = [8]Op{OpMUL, OpMULH, OpMULHSU, OpMULHU, OpDIV, OpDIVU, OpREM, OpREMU}
	mulWOps   = [8]Op{OpMULW, OpIllegal, OpIllegal, OpIllegal, OpDIVW, OpDIVUW, OpREMW, OpREMUW}
	csrOps    = [8]Op{OpIllegal, OpCSRRW, OpCSRRS, OpCSRRC, OpIllegal, OpCSRRWI, OpCSRRSI, OpCSRRCI}
)

// amoOps maps funct5 (bits 31:27) of the AMO major opcode to the word operation (OpIllegal
// for unassigned values); the doubleword operation is the word one plus amoDOffset.
var amoOps = [32]Op{
	0x02: OpLRW, 0x03: OpSCW, 0x01: OpAMOSWAPW, 0x00: OpAMOADDW, 0x04: OpAMOXORW,
	0x0C: OpAMOANDW, 0x08: OpAMOORW, 0x10: OpAMOMINW, 0x14: OpAMOMAXW,
	0x18: OpAMOMINUW, 0x1C: OpAMOMAXUW,
}

const amoDOffset = OpLRD - OpLRW

func decode32(raw uint32) Inst {
	ill := Inst{Op: OpIllegal}
	f3 := funct3(raw)
	switch raw & 0x7F {
	case opcLUI:
		return Inst{Op: OpLUI, Rd: rd(raw), Imm: immU(raw)}
	case opcAUIPC:
		return Inst{Op: OpAUIPC, Rd: rd(raw), Imm: immU(raw)}
	case opcJAL:
		return Inst{Op: OpJAL, Rd: rd(raw), Imm: immJ(raw)}
	case opcJALR:
		if f3 != 0 {
			return ill
		}
		return Inst{Op: OpJALR, Rd: rd(raw), Rs1: rs1(raw), Imm: immI(raw)}
	case opcBranch:
		op := branchOps[f3]
		if op == OpIllegal {
			return ill
		}
		return Inst{Op: op, Rs1: rs1(raw), Rs2: rs2(raw), Imm: immB(raw)}
	case opcLoad:
		op := loadOps[f3]
		if op == OpIllegal {
			return ill
		}
		return Inst{Op: op, Rd: rd(raw), Rs1: rs1(raw), Imm: immI(raw)}
	case opcStore:
		op := storeOps[f3]
		if op == OpIllegal {
			return ill
		}
		return Inst{Op: op, Rs1: rs1(raw), Rs2: rs2(raw), Imm: immS(raw)}
	case opcOpImm:
		op := opImmOps[f3]
		imm := immI(raw)
		switch op {
		case OpSLLI:
			// RV64: shamt is 6 bits; imm[11:6] must be zero.
			if raw>>26 != 0 {
				return ill
			}
			imm &= 63
		case OpSRLI:
			switch raw >> 26 {
			case 0:
			case 0x10:
				op = OpSRAI
			default:
				return ill
			}
			imm &= 63
		}
		return Inst{Op: op, Rd: rd(raw), Rs1: rs1(raw), Imm: imm}
	case opcOpImmW:
		switch f3 {
		case 0:
			return Inst{Op: OpADDIW, Rd: rd(raw), Rs1: rs1(raw), Imm: immI(raw)}
		case 1:
			if funct7(raw) != 0 {
				return ill
			}
			return Inst{Op: OpSLLIW, Rd: rd(raw), Rs1: rs1(raw), Imm: int64(rs2(raw))}
		case 5:
			op := OpSRLIW
			switch funct7(raw) {
			case 0:
			case 0x20:
				op = OpSRAIW
			default:
				return ill
			}
			return Inst{Op: op, Rd: rd(raw), Rs1: rs1(raw), Imm: int64(rs2(raw))}
		}
		return ill
	case opcOp:
		var op Op
		switch funct7(raw) {
		case 0:
			op = opOps[f3]
		case 1:
			op = mulOps[f3]
		case 0x20:
			switch f3 {
			case 0:
				op = OpSUB
			case 5:
				op = OpSRA
			default:
				return ill
			}
		default:
			return ill
		}
		return Inst{Op: op, Rd: rd(raw), Rs1: rs1(raw), Rs2: rs2(raw)}
	case opcOpW:
		op := OpIllegal
		switch funct7(raw) {
		case 0:
			switch f3 {
			case 0:
				op = OpADDW
			case 1:
				op = OpSLLW
			case 5:
				op = OpSRLW
			}
		case 1:
			op = mulWOps[f3]
		case 0x20:
			switch f3 {
			case 0:
				op = OpSUBW
			case 5:
				op = OpSRAW
			}
		}
		if op == OpIllegal {
			return ill
		}
		return Inst{Op: op, Rd: rd(raw), Rs1: rs1(raw), Rs2: rs2(raw)}
	case opcMisc:
		switch f3 {
		case 0:
			// FENCE (and its FENCE.TSO / PAUSE variants): a single hart has nothing to order.
			return Inst{Op: OpFENCE, Imm: immI(raw)}
		case 1:
			return Inst{Op: OpFENCEI}
		}
		return ill
	case opcSystem:
		switch f3 {
		case 0:
			switch raw {
			case 0x00000073:
				return Inst{Op: OpECALL}
			case 0x00100073:
				return Inst{Op: OpEBREAK}
			}
			return ill
		default:
			op := csrOps[f3]
			if op == OpIllegal {
				return ill
			}
			return Inst{Op: op, Rd: rd(raw), Rs1: rs1(raw), CSR: uint16(raw >> 20)}
		}
	case opcAMO:
		if f3 != 2 && f3 != 3 {
			return ill
		}
		op := amoOps[raw>>27]
		if op == OpIllegal {
			return ill
		}
		if (op == OpLRW) && rs2(raw) != 0 {
			return ill
		}
		if f3 == 3 {
			op += amoDOffset
		}
		return Inst{Op: op, Rd: rd(raw), Rs1: rs1(raw), Rs2: rs2(raw), AqRl: uint8(raw>>25) & 3}
	}
	return ill
}
