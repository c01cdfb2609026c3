package translate_test

import (
	"testing"

	"github.com/hybridvm/hybridvm/internal/corpus"
	. "github.com/hybridvm/hybridvm/internal/rvasm"
	"github.com/hybridvm/hybridvm/machine"
)

// opValues are operands that hit the edge cases of the arithmetic: zero, one, minus
// one, the most negative values of 64 and 32 bits, values whose low words have the
// other sign, and shift amounts beyond the word.
var opValues = []int64{0, 1, -1, -1 << 63, 1<<63 - 1, -1 << 31, 1<<31 - 1, 0x1_8000_0000, -0x1_7fff_ffff, 63, 65, 0x1234_5678_9abc_def0}

// TestOpsAgree: every register-register and register-immediate arithmetic
// instruction, on every pair of edge-case operands (x0 among them), with results in
// registers of which some live in host registers and some in memory, agrees on every
// engine.
func TestOpsAgree(t *testing.T) {
	rops := map[string][3]uint32{ // opcode, funct3, funct7
		"add": {0x33, 0, 0}, "sub": {0x33, 0, 0x20}, "sll": {0x33, 1, 0}, "slt": {0x33, 2, 0},
		"sltu": {0x33, 3, 0}, "xor": {0x33, 4, 0}, "srl": {0x33, 5, 0}, "sra": {0x33, 5, 0x20},
		"or": {0x33, 6, 0}, "and": {0x33, 7, 0},
		"mul": {0x33, 0, 1}, "mulh": {0x33, 1, 1}, "mulhsu": {0x33, 2, 1}, "mulhu": {0x33, 3, 1},
		"div": {0x33, 4, 1}, "divu": {0x33, 5, 1}, "rem": {0x33, 6, 1}, "remu": {0x33, 7, 1},
		"addw": {0x3B, 0, 0}, "subw": {0x3B, 0, 0x20}, "sllw": {0x3B, 1, 0}, "srlw": {0x3B, 5, 0},
		"sraw": {0x3B, 5, 0x20}, "mulw": {0x3B, 0, 1}, "divw": {0x3B, 4, 1}, "divuw": {0x3B, 5, 1},
		"remw": {0x3B, 6, 1}, "remuw": {0x3B, 7, 1},
	}
	iops := map[string][2]uint32{ // opcode, funct3 (shift amounts are masked below)
		"addi": {0x13, 0}, "slti": {0x13, 2}, "sltiu": {0x13, 3}, "xori": {0x13, 4}, "ori": {0x13, 6},
		"andi": {0x13, 7}, "slli": {0x13, 1}, "srli": {0x13, 5}, "srai": {0x13, 5 | 8},
		"addiw": {0x1B, 0}, "slliw": {0x1B, 1}, "srliw": {0x1B, 5}, "sraiw": {0x1B, 5 | 8},
	}
	imms := []int64{0, 1, -1, 2047, -2048, 31, 0x555, -0x7ff}
	cache := machine.NewCache(16)
	run := func(name string, emit func(p *Program, rd, rs1, rs2 int, i int)) {
		p := New(base + 0x10000)
		for r := 1; r < 32; r++ {
			if r == 2 {
				continue // sp
			}
			p.LI(r, int64(r)*0x0101_0101_0101)
		}
		rd := 5
		for i := 0; i < len(opValues)*len(opValues); i++ {
			// rs1 and rs2 hold the values; x0 stands in for zero now and then.
			rs1, rs2 := 28, 29
			a, b := opValues[i/len(opValues)], opValues[i%len(opValues)]
			if a == 0 && i%3 == 0 {
				rs1 = 0
			}
			if b == 0 && i%3 != 2 {
				rs2 = 0
			}
			p.LI(28, a)
			p.LI(29, b)
			emit(p, rd, rs1, rs2, i)
			p.SD(rd, 2, -8*int64(i%64)-8)
			rd = 5 + (rd-5+1)%23 // x5..x27
		}
		p.LI(A7, 93)
		p.ECALL()
		corpus.CheckExec(t, corpus.ExecProgram{Name: name, ELF: ExecELF(base+0x10000, p.MustFinish()), ArenaSize: 1 << 20}, cache)
	}
	for name, op := range rops {
		run(name, func(p *Program, rd, rs1, rs2, _ int) { p.Emit(R(op[0], op[1], op[2], rd, rs1, rs2)) })
	}
	for name, op := range iops {
		run(name, func(p *Program, rd, rs1, _, i int) {
			imm := imms[i%len(imms)]
			switch f3 := op[1] &^ 8; {
			case f3 == 1 || f3 == 5:
				if op[0] == 0x1B {
					imm &= 31
				} else {
					imm &= 63
				}
				if op[1]&8 != 0 {
					imm |= 0x400
				}
				p.Emit(I(op[0], f3, rd, rs1, imm))
			default:
				p.Emit(I(op[0], f3, rd, rs1, imm))
			}
		})
	}
}
