package amd64

import (
	"strings"
	"testing"

	"github.com/hybridvm/hybridvm/codegen"
	"github.com/hybridvm/hybridvm/guest"
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

// TestFindShiftAdd: slliw by 1 to 3 and an addw of its result and its source into
// the same register are one pair; anything else is left alone.
func TestFindShiftAdd(t *testing.T) {
	slliw := func(rd, rs int, sh int64) riscv.Inst { return riscv.Decode(rv.I(0x1B, 1, rd, rs, sh)) }
	addw := func(rd, a, b int) riscv.Inst { return riscv.Decode(rv.R(0x3B, 0, 0, rd, a, b)) }
	add := func(rd, a, b int) riscv.Inst { return riscv.Decode(rv.R(0x33, 0, 0, rd, a, b)) }
	tests := []struct {
		name string
		body []riscv.Inst
		ok   bool
	}{
		{"x*5, shifted value first", []riscv.Inst{slliw(rv.A5, rv.T2, 2), addw(rv.A5, rv.A5, rv.T2)}, true},
		{"x*9, source first", []riscv.Inst{slliw(rv.A5, rv.T2, 3), addw(rv.A5, rv.T2, rv.A5)}, true},
		{"x*17: no scale", []riscv.Inst{slliw(rv.A5, rv.T2, 4), addw(rv.A5, rv.A5, rv.T2)}, false},
		{"in place: the source is gone", []riscv.Inst{slliw(rv.T2, rv.T2, 2), addw(rv.T2, rv.T2, rv.T2)}, false},
		{"64-bit add (a scaled add's)", []riscv.Inst{slliw(rv.A5, rv.T2, 2), add(rv.A5, rv.A5, rv.T2)}, false},
		{"add of another register", []riscv.Inst{slliw(rv.A5, rv.T2, 2), addw(rv.A5, rv.A5, rv.A1)}, false},
		{"add into another register", []riscv.Inst{slliw(rv.A5, rv.T2, 2), addw(rv.A6, rv.A5, rv.T2)}, false},
		{"the shift last", []riscv.Inst{slliw(rv.A5, rv.T2, 2)}, false},
	}
	for _, tt := range tests {
		s, ok := findShiftAdd(tt.body, 0, &noFusion)
		if ok != tt.ok || ok && (s.x != rv.A5 || s.r != rv.T2 || s.shift != uint8(tt.body[0].Imm)) {
			t.Errorf("%s: %+v %v, want %v", tt.name, s, ok, tt.ok)
		}
	}
}

// TestShiftAddLowering: the pair is one LEA from its source (a register, or loaded
// from its slot first), then the W result's sign extension.
func TestShiftAddLowering(t *testing.T) {
	const pc = 0x8030_0000
	for _, tt := range []struct {
		src  int
		want []string // instruction prefixes
	}{
		{rv.A1, []string{"lea (%", "movslq %"}},
		{rv.S11, []string{"mov 0x58(%r15),%", "lea (%", "movslq %"}},
	} {
		body := []riscv.Inst{riscv.Decode(rv.I(0x1B, 1, rv.A2, tt.src, 2)), riscv.Decode(rv.R(0x3B, 0, 0, rv.A2, rv.A2, tt.src))}
		s, ok := findShiftAdd(body, 0, &noFusion)
		if !ok {
			t.Fatalf("source x%d: no pair", tt.src)
		}
		m := testModule()
		blk := &codegen.Block{Block: guest.Block{Start: pc, End: pc + 12, Insts: append(body, riscv.Inst{Op: riscv.OpECALL, Len: 4})}, Term: codegen.TermEcall}
		u := newUnit(m, []*codegen.Block{blk})
		u.blk = blk
		u.lowerShiftAdd(s)
		code, err := u.b.Assemble()
		if err != nil {
			t.Fatal(err)
		}
		lines := objdump(t, code)
		ok = len(lines) == len(tt.want)
		for i := 0; ok && i < len(lines); i++ {
			ok = strings.HasPrefix(lines[i], tt.want[i])
		}
		if !ok || !strings.Contains(strings.Join(lines, "\n"), ",4),%") {
			t.Errorf("source x%d:\n%s", tt.src, strings.Join(lines, "\n"))
		}
	}
}
