package amd64

import (
	"testing"

	"github.com/hybridvm/hybridvm/codegen/internal/asm"
	rv "github.com/hybridvm/hybridvm/internal/rvasm"
	"github.com/hybridvm/hybridvm/riscv"
)

// TestForwardSpans: an unmapped register written by an ALU instruction and read by
// later ones lives in RDX up to its last read before anything that may use RDX or
// fault; a write that reads its own register, a mapped register, or a read only
// after a load does not start a span.
func TestForwardSpans(t *testing.T) {
	m := testModule()
	if m.rm.host[rv.S11] != asm.NoReg || m.rm.host[rv.S10] != asm.NoReg || m.rm.host[rv.A0] == asm.NoReg || m.rm.host[rv.A2] == asm.NoReg {
		t.Fatal("test assumes s10 and s11 unmapped")
	}
	add := func(rd, a, b int) riscv.Inst { return riscv.Decode(rv.R(0x33, 0, 0, rd, a, b)) }
	sll := func(rd, a, b int) riscv.Inst { return riscv.Decode(rv.R(0x33, 1, 0, rd, a, b)) }
	ld := func(rd, base int) riscv.Inst { return riscv.Decode(rv.I(0x03, 3, rd, base, 0)) }
	tests := []struct {
		name string
		body []riscv.Inst
		want []fwdSpan
	}{
		{"def, two reads", []riscv.Inst{add(rv.S11, rv.A0, rv.A1), add(rv.A2, rv.S11, rv.A1), add(rv.A3, rv.A2, rv.S11)},
			[]fwdSpan{{start: 0, end: 2, reg: rv.S11}}},
		{"the span stops before a load", []riscv.Inst{add(rv.S11, rv.A0, rv.A1), add(rv.A2, rv.S11, rv.A1), ld(rv.A4, rv.SP), add(rv.A3, rv.A2, rv.S11)},
			[]fwdSpan{{start: 0, end: 1, reg: rv.S11}}},
		{"a shift by a register takes its count in RDX", []riscv.Inst{add(rv.S11, rv.A0, rv.A1), sll(rv.A2, rv.A1, rv.A0), add(rv.A3, rv.A2, rv.S11)}, nil},
		{"a write that reads its register", []riscv.Inst{add(rv.S11, rv.S11, rv.A1), add(rv.A2, rv.S11, rv.A1)}, nil},
		{"a mapped register", []riscv.Inst{add(rv.A0, rv.A2, rv.A1), add(rv.A2, rv.A0, rv.A1)}, nil},
		{"a span after a span", []riscv.Inst{add(rv.S11, rv.A0, rv.A1), add(rv.S10, rv.S11, rv.A1), add(rv.A3, rv.S10, rv.A1)},
			[]fwdSpan{{start: 0, end: 1, reg: rv.S11}}},
	}
	for _, tt := range tests {
		got := forwardSpans(nil, tt.body, &m.rm, &noFusion)
		if len(got) != len(tt.want) {
			t.Errorf("%s: spans %v, want %v", tt.name, got, tt.want)
			continue
		}
		for i := range got {
			if got[i] != tt.want[i] {
				t.Errorf("%s: spans %v, want %v", tt.name, got, tt.want)
			}
		}
	}
}
