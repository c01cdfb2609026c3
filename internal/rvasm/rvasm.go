// Package rvasm is a small RV64IMAC assembler for tests: it encodes instructions from Go,
// resolves labels, and wraps the result in a static ELF executable, so engine tests can
// build exact programs without an external toolchain. It is not a general assembler: it
// encodes what tests need, and its encodings are checked against the decoder.
//
// It imports nothing from the project.
package rvasm

import (
	"encoding/binary"
	"fmt"
)

// Register numbers by ABI name.
const (
	Zero = iota
	RA
	SP
	GP
	TP
	T0
	T1
	T2
	S0
	S1
	A0
	A1
	A2
	A3
	A4
	A5
	A6
	A7
	S2
	S3
	S4
	S5
	S6
	S7
	S8
	S9
	S10
	S11
	T3
	T4
	T5
	T6
)

// Encoders for the 32-bit formats.
func R(opcode, f3, f7 uint32, rd, rs1, rs2 int) uint32 {
	return f7<<25 | uint32(rs2)<<20 | uint32(rs1)<<15 | f3<<12 | uint32(rd)<<7 | opcode
}
func I(opcode, f3 uint32, rd, rs1 int, imm int64) uint32 {
	return uint32(imm&0xFFF)<<20 | uint32(rs1)<<15 | f3<<12 | uint32(rd)<<7 | opcode
}
func S(opcode, f3 uint32, rs1, rs2 int, imm int64) uint32 {
	u := uint32(imm)
	return (u>>5&0x7F)<<25 | uint32(rs2)<<20 | uint32(rs1)<<15 | f3<<12 | (u&31)<<7 | opcode
}
func B(f3 uint32, rs1, rs2 int, imm int64) uint32 {
	u := uint32(imm)
	return (u>>12&1)<<31 | (u>>5&0x3F)<<25 | uint32(rs2)<<20 | uint32(rs1)<<15 | f3<<12 |
		(u>>1&0xF)<<8 | (u>>11&1)<<7 | 0x63
}
func U(opcode uint32, rd int, imm int64) uint32 {
	return uint32(imm)&0xFFFFF000 | uint32(rd)<<7 | opcode
}
func J(rd int, imm int64) uint32 {
	u := uint32(imm)
	return (u>>20&1)<<31 | (u>>1&0x3FF)<<21 | (u>>11&1)<<20 | (u>>12&0xFF)<<12 | uint32(rd)<<7 | 0x6F
}

// Program accumulates instructions and data for the text segment.
type Program struct {
	Base   uint64 // address of the first instruction
	code   []byte
	labels map[string]uint64
	fixups []fixup
	err    error
}

type fixup struct {
	at    int // byte offset of the instruction
	label string
	kind  byte // 'B' branch, 'J' jal, 'A' auipc+addi pair
}

// New starts a program whose first instruction is at base.
func New(base uint64) *Program { return &Program{Base: base, labels: map[string]uint64{}} }

// PC is the address of the next instruction.
func (p *Program) PC() uint64 { return p.Base + uint64(len(p.code)) }

// Label defines a label at the current position.
func (p *Program) Label(name string) {
	if _, dup := p.labels[name]; dup && p.err == nil {
		p.err = fmt.Errorf("label %q defined twice", name)
	}
	p.labels[name] = p.PC()
}

// Emit appends a raw 32-bit instruction.
func (p *Program) Emit(raw uint32) { p.code = binary.LittleEndian.AppendUint32(p.code, raw) }

// Emit16 appends a raw 16-bit (compressed) instruction.
func (p *Program) Emit16(raw uint16) { p.code = binary.LittleEndian.AppendUint16(p.code, raw) }

// Bytes appends raw data (into the text segment).
func (p *Program) Bytes(b []byte) { p.code = append(p.code, b...) }

// Common instructions.
func (p *Program) ADDI(rd, rs1 int, imm int64)  { p.Emit(I(0x13, 0, rd, rs1, imm)) }
func (p *Program) ADDIW(rd, rs1 int, imm int64) { p.Emit(I(0x1B, 0, rd, rs1, imm)) }
func (p *Program) ADD(rd, rs1, rs2 int)         { p.Emit(R(0x33, 0, 0, rd, rs1, rs2)) }
func (p *Program) SUB(rd, rs1, rs2 int)         { p.Emit(R(0x33, 0, 0x20, rd, rs1, rs2)) }
func (p *Program) MUL(rd, rs1, rs2 int)         { p.Emit(R(0x33, 0, 1, rd, rs1, rs2)) }
func (p *Program) DIV(rd, rs1, rs2 int)         { p.Emit(R(0x33, 4, 1, rd, rs1, rs2)) }
func (p *Program) SLLI(rd, rs1 int, sh int64)   { p.Emit(I(0x13, 1, rd, rs1, sh&63)) }
func (p *Program) SRLI(rd, rs1 int, sh int64)   { p.Emit(I(0x13, 5, rd, rs1, sh&63)) }
func (p *Program) LUI(rd int, imm int64)        { p.Emit(U(0x37, rd, imm)) }
func (p *Program) AUIPC(rd int, imm int64)      { p.Emit(U(0x17, rd, imm)) }
func (p *Program) LD(rd, rs1 int, imm int64)    { p.Emit(I(0x03, 3, rd, rs1, imm)) }
func (p *Program) LW(rd, rs1 int, imm int64)    { p.Emit(I(0x03, 2, rd, rs1, imm)) }
func (p *Program) LBU(rd, rs1 int, imm int64)   { p.Emit(I(0x03, 4, rd, rs1, imm)) }
func (p *Program) SD(rs2, rs1 int, imm int64)   { p.Emit(S(0x23, 3, rs1, rs2, imm)) }
func (p *Program) SW(rs2, rs1 int, imm int64)   { p.Emit(S(0x23, 2, rs1, rs2, imm)) }
func (p *Program) SB(rs2, rs1 int, imm int64)   { p.Emit(S(0x23, 0, rs1, rs2, imm)) }
func (p *Program) JALR(rd, rs1 int, imm int64)  { p.Emit(I(0x67, 0, rd, rs1, imm)) }
func (p *Program) ECALL()                       { p.Emit(0x00000073) }
func (p *Program) EBREAK()                      { p.Emit(0x00100073) }
func (p *Program) FENCEI()                      { p.Emit(0x0000100F) }

// LI loads any 64-bit constant into rd (LUI/ADDI(W)/SLLI sequences, as assemblers do).
func (p *Program) LI(rd int, v int64) {
	if v >= -2048 && v < 2048 {
		p.ADDI(rd, Zero, v)
		return
	}
	if v == int64(int32(v)) {
		lo := v << 52 >> 52 // sign-extended low 12 bits
		p.LUI(rd, v-lo)     // ADDIW below wraps in 32 bits, so v-lo = 2^31 still works
		if lo != 0 {
			p.ADDIW(rd, rd, lo)
		}
		return
	}
	// 64-bit: load the upper part (without its trailing zeros), shift it up, add the
	// low 12 bits, as assemblers expand li.
	lo := v << 52 >> 52
	hi := (v - lo) >> 12
	shift := int64(12)
	for hi&1 == 0 {
		hi >>= 1
		shift++
	}
	p.LI(rd, hi)
	p.SLLI(rd, rd, shift)
	if lo != 0 {
		p.ADDI(rd, rd, lo)
	}
}

// Branches and jumps to labels (resolved by Finish).
func (p *Program) branch(f3 uint32, rs1, rs2 int, label string) {
	p.fixups = append(p.fixups, fixup{len(p.code), label, 'B'})
	p.Emit(B(f3, rs1, rs2, 0))
}
func (p *Program) BEQ(rs1, rs2 int, l string)  { p.branch(0, rs1, rs2, l) }
func (p *Program) BNE(rs1, rs2 int, l string)  { p.branch(1, rs1, rs2, l) }
func (p *Program) BLT(rs1, rs2 int, l string)  { p.branch(4, rs1, rs2, l) }
func (p *Program) BGE(rs1, rs2 int, l string)  { p.branch(5, rs1, rs2, l) }
func (p *Program) BLTU(rs1, rs2 int, l string) { p.branch(6, rs1, rs2, l) }
func (p *Program) BGEU(rs1, rs2 int, l string) { p.branch(7, rs1, rs2, l) }
func (p *Program) JAL(rd int, label string) {
	p.fixups = append(p.fixups, fixup{len(p.code), label, 'J'})
	p.Emit(J(rd, 0))
}
func (p *Program) J(label string) { p.JAL(Zero, label) }

// LA loads a label's address (AUIPC + ADDI).
func (p *Program) LA(rd int, label string) {
	p.fixups = append(p.fixups, fixup{len(p.code), label, 'A'})
	p.AUIPC(rd, 0)
	p.ADDI(rd, rd, 0)
}

// Finish resolves labels and returns the code bytes.
func (p *Program) Finish() ([]byte, error) {
	if p.err != nil {
		return nil, p.err
	}
	for _, f := range p.fixups {
		target, ok := p.labels[f.label]
		if !ok {
			return nil, fmt.Errorf("undefined label %q", f.label)
		}
		pc := p.Base + uint64(f.at)
		off := int64(target - pc)
		raw := binary.LittleEndian.Uint32(p.code[f.at:])
		switch f.kind {
		case 'B':
			if off < -4096 || off >= 4096 {
				return nil, fmt.Errorf("branch to %q out of range", f.label)
			}
			raw = B((raw>>12)&7, int(raw>>15&31), int(raw>>20&31), off)
		case 'J':
			if off < -(1<<20) || off >= 1<<20 {
				return nil, fmt.Errorf("jump to %q out of range", f.label)
			}
			raw = J(int(raw>>7&31), off)
		case 'A':
			lo := off << 52 >> 52
			rd := int(raw >> 7 & 31)
			binary.LittleEndian.PutUint32(p.code[f.at+4:], I(0x13, 0, rd, rd, lo))
			raw = U(0x17, rd, off-lo)
		}
		binary.LittleEndian.PutUint32(p.code[f.at:], raw)
	}
	return p.code, nil
}

// MustFinish is Finish for tests: it panics on a malformed test program.
func (p *Program) MustFinish() []byte {
	b, err := p.Finish()
	if err != nil {
		panic("BUG: rvasm: " + err.Error())
	}
	return b
}
