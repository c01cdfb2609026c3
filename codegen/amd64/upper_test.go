package amd64

import (
	"testing"

	rv "github.com/hybridvm/hybridvm/internal/rvasm"
	"github.com/hybridvm/hybridvm/riscv"
)

// TestUpperNeeded: which results of a block must have a correct upper half. Each row
// is a block body and, per instruction, whether its result's upper 32 bits can be
// observed (x: does not write a register).
func TestUpperNeeded(t *testing.T) {
	d := func(raw uint32) riscv.Inst { return riscv.Decode(raw) }
	addw := func(rd, a, b int) riscv.Inst { return d(rv.R(0x3B, 0, 0, rd, a, b)) }
	srliw := func(rd, a int, sh int64) riscv.Inst { return d(rv.I(0x1B, 5, rd, a, sh)) }
	add := func(rd, a, b int) riscv.Inst { return d(rv.R(0x33, 0, 0, rd, a, b)) }
	sw := func(v, base int) riscv.Inst { return d(rv.S(0x23, 2, base, v, 0)) }
	ld := func(rd, base int) riscv.Inst { return d(rv.I(0x03, 3, rd, base, 0)) }
	tests := []struct {
		name string
		body []riscv.Inst
		want string
	}{
		{"a chain of W ops: only the last result is live at the end",
			[]riscv.Inst{addw(rv.T0, rv.A0, rv.A1), srliw(rv.T0, rv.T0, 3), addw(rv.T0, rv.T0, rv.A2)}, "--+"},
		{"a 64-bit add reads the whole register",
			[]riscv.Inst{addw(rv.T0, rv.A0, rv.A1), add(rv.T1, rv.T0, rv.A2), srliw(rv.T1, rv.A3, 1)}, "+-+"},
		{"a W store reads only the low half",
			[]riscv.Inst{addw(rv.T0, rv.A0, rv.A1), sw(rv.T0, rv.SP), addw(rv.T0, rv.A2, rv.A3)}, "+x+"},
		{"a possible fault exposes every register",
			[]riscv.Inst{addw(rv.T0, rv.A0, rv.A1), ld(rv.T1, rv.SP), addw(rv.T0, rv.A2, rv.A3)}, "+++"},
		{"logic on W results whose upper half nobody sees needs no upper half either",
			[]riscv.Inst{srliw(rv.T0, rv.A0, 3), d(rv.R(0x33, 6, 0, rv.T1, rv.T0, rv.A1)), addw(rv.T2, rv.T1, rv.A2), addw(rv.T0, rv.A3, rv.A4), addw(rv.T1, rv.A3, rv.A5)}, "--+++"},
		{"a right shift brings the upper half down",
			[]riscv.Inst{addw(rv.T0, rv.A0, rv.A1), d(rv.I(0x13, 5, rv.T1, rv.T0, 40)), addw(rv.T2, rv.T1, rv.A2), addw(rv.T0, rv.A3, rv.A4), addw(rv.T1, rv.A3, rv.A5)}, "+-+++"},
		{"overwritten before any use",
			[]riscv.Inst{addw(rv.T0, rv.A0, rv.A1), addw(rv.T0, rv.A2, rv.A3)}, "-+"},
	}
	for _, tt := range tests {
		got := ""
		for i, need := range upperNeeded(tt.body, nil, nil) {
			switch {
			case !writesRd(tt.body[i]):
				got += "x"
			case need:
				got += "+"
			default:
				got += "-"
			}
		}
		if got != tt.want {
			t.Errorf("%s: %s, want %s", tt.name, got, tt.want)
		}
	}
	// A load whose bounds a loop's entry checked (hoist.go) cannot fault.
	body := []riscv.Inst{addw(rv.T0, rv.A0, rv.A1), ld(rv.T1, rv.SP), addw(rv.T0, rv.A2, rv.A3)}
	if got := upperNeeded(body, nil, []bool{false, true, false}); got[0] || !got[1] || !got[2] {
		t.Errorf("a hoisted load: %v, want [false true true]", got)
	}
}
