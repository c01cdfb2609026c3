package riscv

// Inst is one decoded instruction. Compressed instructions are expanded: Op, registers
// and Imm are those of the 32-bit instruction they stand for, Len is 2 and Raw holds the
// 16-bit encoding.
type Inst struct {
	Op  Op
	Rd  uint8 // destination register (0 when the instruction writes none)
	Rs1 uint8 // first source; for CSRR*I the 5-bit immediate (zimm)
	Rs2 uint8 // second source
	Len uint8 // encoded length in bytes: 2 (compressed) or 4
	// AqRl holds the aq (bit 1) and rl (bit 0) flags of LR, SC and AMOs. A single hart
	// needs no ordering, so they only matter to the disassembler.
	AqRl uint8
	CSR  uint16 // CSR number of a CSR instruction
	Raw  uint32 // the raw encoding (low 16 bits for a compressed instruction)
	// Imm is the sign-extended immediate: the offset of loads, stores, branches and jumps,
	// the operand of register-immediate operations, the shift amount of shifts by an
	// immediate, and the already-shifted value of LUI and AUIPC.
	Imm int64
}

// Compressed reports whether the instruction was encoded in 16 bits.
func (in Inst) Compressed() bool { return in.Len == 2 }

// Weight is the gas the instruction costs (docs/abi.md, "Gas").
func (in Inst) Weight() int64 { return int64(opInfo[in.Op].weight) }

// EndsBlock reports whether the instruction ends a basic block: every control transfer,
// ECALL, EBREAK, FENCE.I (which changes the code) and illegal instructions.
func (in Inst) EndsBlock() bool { return opInfo[in.Op].flags&flagEndsBlock != 0 }
