package amd64

import (
	"testing"

	rv "github.com/hybridvm/hybridvm/internal/rvasm"
	"github.com/hybridvm/hybridvm/riscv"
)

// TestPlanHoist: matmul's inner loop hoists both loads' checks (two induction
// registers, the branch on one of them against an invariant); a branch on a register
// written otherwise, or a load through a register written otherwise, does not.
func TestPlanHoist(t *testing.T) {
	ld := func(rd, base int, imm int64) riscv.Inst { return riscv.Decode(rv.I(0x03, 3, rd, base, imm)) }
	addi := func(rd, rs int, imm int64) riscv.Inst { return riscv.Decode(rv.I(0x13, 0, rd, rs, imm)) }
	mul := func(rd, a, b int) riscv.Inst { return riscv.Decode(rv.R(0x33, 0, 1, rd, a, b)) }
	add := func(rd, a, b int) riscv.Inst { return riscv.Decode(rv.R(0x33, 0, 0, rd, a, b)) }
	bne := func(a, b int) riscv.Inst { return riscv.Decode(rv.B(1, a, b, -14)) }
	bools := func(n int) []bool { return make([]bool, n) }
	body := []riscv.Inst{ld(rv.A4, rv.A3, 0), ld(rv.A1, rv.A5, 0), addi(rv.A5, rv.A5, 768), addi(rv.A3, rv.A3, 8), mul(rv.A4, rv.A4, rv.A1), add(rv.A2, rv.A2, rv.A4)}
	p, ok := planHoist(body, bne(rv.A5, rv.A0), bools)
	if !ok || p.r != rv.A5 || p.q != rv.A0 || p.step != 768 || len(p.hulls) != 2 || !p.unchecked[0] || !p.unchecked[1] {
		t.Fatalf("matmul: %+v %v", p, ok)
	}
	if h := p.hulls[0]; h != (hoistHull{b: rv.A3, step: 8, lo: 0, hi: 8}) {
		t.Errorf("hull of a3: %+v", h)
	}
	if _, ok := planHoist(body, bne(rv.A4, rv.A0), bools); ok {
		t.Error("a branch on a register the body loads into")
	}
	body[3] = add(rv.A3, rv.A3, rv.A1) // a3 no longer steps by a constant
	if p, ok := planHoist(body, bne(rv.A5, rv.A0), bools); !ok || len(p.hulls) != 1 || p.unchecked[0] {
		t.Errorf("a3 not induction: %+v %v", p, ok)
	}
}

// TestInverse: the inverse modulo 2^64 of odd numbers.
func TestInverse(t *testing.T) {
	for _, x := range []uint64{1, 3, 5, 7, 255, 1023, 2047, 1<<63 + 1} {
		if got := inverse(x) * x; got != 1 {
			t.Errorf("inverse(%d) * %d = %d", x, x, got)
		}
	}
}
