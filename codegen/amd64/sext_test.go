package amd64

import (
	"strings"
	"testing"

	rv "github.com/hybridvm/hybridvm/internal/rvasm"
	"github.com/hybridvm/hybridvm/riscv"
)

// TestSextRedundant: which sext.w of a block body find their source already
// sign-extended by the body itself.
func TestSextRedundant(t *testing.T) {
	in := func(op riscv.Op, rd, rs1, rs2 int, imm int64) riscv.Inst {
		return riscv.Inst{Op: op, Rd: uint8(rd), Rs1: uint8(rs1), Rs2: uint8(rs2), Imm: imm, Len: 4}
	}
	sext := func(rd, rs int) riscv.Inst { return in(riscv.OpADDIW, rd, rs, 0, 0) }
	for _, tt := range []struct {
		name string
		body []riscv.Inst
		want int // index of the sext.w under test
		move bool
	}{
		{"unknown at entry", []riscv.Inst{sext(rv.A5, rv.A5)}, 0, false},
		{"after lw", []riscv.Inst{in(riscv.OpLW, rv.A5, rv.A0, 0, 0), sext(rv.A4, rv.A5)}, 1, true},
		{"after lwu", []riscv.Inst{in(riscv.OpLWU, rv.A5, rv.A0, 0, 0), sext(rv.A4, rv.A5)}, 1, false},
		{"xor of lw and srlw", []riscv.Inst{in(riscv.OpLW, rv.A5, rv.A0, 0, 0), in(riscv.OpSRLIW, rv.A3, rv.A2, 0, 8), in(riscv.OpXOR, rv.A5, rv.A5, rv.A3, 0), sext(rv.A5, rv.A5)}, 3, true},
		{"xor with an unknown register", []riscv.Inst{in(riscv.OpLW, rv.A5, rv.A0, 0, 0), in(riscv.OpXOR, rv.A5, rv.A5, rv.A3, 0), sext(rv.A5, rv.A5)}, 2, false},
		{"add of two extensions", []riscv.Inst{in(riscv.OpLW, rv.A5, rv.A0, 0, 0), in(riscv.OpADD, rv.A5, rv.A5, rv.A5, 0), sext(rv.A5, rv.A5)}, 2, false},
		{"overwritten by a 64-bit shift", []riscv.Inst{in(riscv.OpADDW, rv.A5, rv.A1, rv.A2, 0), in(riscv.OpSLLI, rv.A5, rv.A5, 0, 3), sext(rv.A5, rv.A5)}, 2, false},
		{"andi with a positive mask", []riscv.Inst{in(riscv.OpANDI, rv.A5, rv.A1, 0, 0xff), sext(rv.A5, rv.A5)}, 1, true},
		{"srli by 32", []riscv.Inst{in(riscv.OpSRLI, rv.A5, rv.A1, 0, 32), sext(rv.A5, rv.A5)}, 1, false},
		{"srli by 33", []riscv.Inst{in(riscv.OpSRLI, rv.A5, rv.A1, 0, 33), sext(rv.A5, rv.A5)}, 1, true},
		{"li", []riscv.Inst{in(riscv.OpADDI, rv.A5, 0, 0, -5), sext(rv.A4, rv.A5)}, 1, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := sextRedundantInto(make([]bool, len(tt.body)), tt.body, 0)
			if got[tt.want] != tt.move {
				t.Errorf("sext.w at %d redundant: %v, want %v", tt.want, got[tt.want], tt.move)
			}
			for i, m := range got {
				if m && i != tt.want {
					t.Errorf("instruction %d marked", i)
				}
			}
		})
	}
}

// TestSrliwZeroExtends: srliw by 1 to 31 gives a value below 2^31, whose sign
// extension is the zero extension of writing a 32-bit register: no movslq, whether rd
// lives in a host register (a0) or in its slot (t1). By 0 it is a sext.w.
func TestSrliwZeroExtends(t *testing.T) {
	srliw := func(rd, rs int, n int64) riscv.Inst { return riscv.Decode(rv.I(0x1B, 5, rd, rs, n)) }
	for _, tt := range []struct {
		in   riscv.Inst
		sext bool
	}{
		{srliw(rv.A0, rv.A1, 3), false},
		{srliw(rv.A0, rv.A0, 31), false},
		{srliw(rv.T1, rv.A1, 17), false},
		{srliw(rv.T1, rv.T2, 1), false},
		{srliw(rv.A0, rv.A1, 0), true},
	} {
		lines := objdump(t, lowerOne(t, tt.in, 0x8030_0000))
		text := strings.Join(lines, "\n")
		if got := strings.Contains(text, "movslq"); got != tt.sext {
			t.Errorf("%v: sign extension %v, want %v:\n%s", tt.in, got, tt.sext, text)
		}
	}
}
