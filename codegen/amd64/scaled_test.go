package amd64

import (
	"testing"

	rv "github.com/hybridvm/hybridvm/internal/rvasm"
	"github.com/hybridvm/hybridvm/riscv"
)

// TestFindScaledAdd: slli/[addi]/add into one register is one LEA, and a load into
// that register from it right after folds in; anything else is left alone.
func TestFindScaledAdd(t *testing.T) {
	slli := func(rd, rs int, sh int64) riscv.Inst { return riscv.Decode(rv.I(0x13, 1, rd, rs, sh)) }
	addi := func(rd, rs int, imm int64) riscv.Inst { return riscv.Decode(rv.I(0x13, 0, rd, rs, imm)) }
	add := func(rd, a, b int) riscv.Inst { return riscv.Decode(rv.R(0x33, 0, 0, rd, a, b)) }
	ld := func(rd, base int, imm int64) riscv.Inst { return riscv.Decode(rv.I(0x03, 3, rd, base, imm)) }
	const arenaBase = 0x10000
	tests := []struct {
		name string
		body []riscv.Inst
		ok   bool
		want scaledAdd
	}{
		{"slli, addi, add, ld", []riscv.Inst{slli(rv.A4, rv.A4, 3), addi(rv.A4, rv.A4, 288), add(rv.A4, rv.A4, rv.SP), ld(rv.A4, rv.A4, -200)},
			true, scaledAdd{start: 0, end: 3, x: rv.A4, idx: rv.A4, b: rv.SP, shift: 3, disp: 288, load: true, loadIdx: 3, loadInst: ld(rv.A4, rv.A4, -200)}},
		{"add with the base first, no addi, a store after", []riscv.Inst{slli(rv.A5, rv.T2, 2), add(rv.A5, rv.A1, rv.A5), addi(rv.A0, rv.A0, 1)},
			true, scaledAdd{start: 0, end: 2, x: rv.A5, idx: rv.T2, b: rv.A1, shift: 2}},
		{"a load into another register does not fold", []riscv.Inst{slli(rv.A5, rv.T2, 1), add(rv.A5, rv.A5, rv.A1), ld(rv.A0, rv.A5, 0)},
			true, scaledAdd{start: 0, end: 2, x: rv.A5, idx: rv.T2, b: rv.A1, shift: 1}},
		{"shift by 4: no scale", []riscv.Inst{slli(rv.A5, rv.T2, 4), add(rv.A5, rv.A5, rv.A1)}, false, scaledAdd{}},
		{"add of the shifted register to itself", []riscv.Inst{slli(rv.A5, rv.T2, 2), add(rv.A5, rv.A5, rv.A5)}, false, scaledAdd{}},
		{"add into another register", []riscv.Inst{slli(rv.A5, rv.T2, 2), add(rv.A6, rv.A5, rv.A1)}, false, scaledAdd{}},
	}
	for _, tt := range tests {
		got, ok := findScaledAdd(tt.body, 0, &noFusion, arenaBase)
		if ok != tt.ok || ok && got != tt.want {
			t.Errorf("%s: %+v %v, want %+v %v", tt.name, got, ok, tt.want, tt.ok)
		}
	}
}
