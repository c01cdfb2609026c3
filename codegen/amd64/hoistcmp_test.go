package amd64

import (
	"regexp"
	"strings"
	"testing"

	"github.com/hybridvm/hybridvm/codegen"
	"github.com/hybridvm/hybridvm/guest"
	rv "github.com/hybridvm/hybridvm/internal/rvasm"
	"github.com/hybridvm/hybridvm/riscv"
)

// sieveLoop is sieve's inner loop body (`composite[m] = 1` for m = p*p .. n step p)
// and its closing branch: `sb a6, 0(a3); add a5, a5, a4; add a3, a3, a4; bgeu a2, a5`.
func sieveLoop() ([]riscv.Inst, riscv.Inst) {
	sb := riscv.Decode(rv.S(0x23, 0, rv.A3, rv.A6, 0))
	add := func(rd, a, b int) riscv.Inst { return riscv.Decode(rv.R(0x33, 0, 0, rd, a, b)) }
	return []riscv.Inst{sb, add(rv.A5, rv.A5, rv.A4), add(rv.A3, rv.A3, rv.A4)}, riscv.Decode(rv.B(7, rv.A2, rv.A5, -10))
}

// TestPlanCmpHoist: sieve's inner loop hoists its store's window check (a3 moves with
// the compared a5, both stepped by the invariant a4); the other ordered comparisons
// and a constant step plan alike; a bound, a step or a base written otherwise does
// not.
func TestPlanCmpHoist(t *testing.T) {
	bools := func(n int) []bool { return make([]bool, n) }
	body, term := sieveLoop()
	p, ok := planCmpHoist(body, term, bools)
	if !ok || p.cmp == nil || p.r != rv.A5 || p.q != rv.A2 || p.cmp.s != rv.A4 || p.cmp.strict || p.cmp.signed || !p.unchecked[0] {
		t.Fatalf("sieve: %+v %+v %v", p, p.cmp, ok)
	}
	if len(p.hulls) != 1 || p.hulls[0] != (hoistHull{b: rv.A3, via: rv.A3, step: 1, lo: 0, hi: 8, store: true}) {
		t.Errorf("sieve's hull: %+v", p.hulls)
	}
	// The store after a3's step: the hull moves by the step too.
	after := []riscv.Inst{body[1], body[2], body[0]}
	if p, ok := planCmpHoist(after, term, bools); !ok || len(p.hulls) != 1 || p.hulls[0].step != 2 || !p.unchecked[2] {
		t.Errorf("store after the step: %+v %v", p, ok)
	}
	for _, tt := range []struct {
		name           string
		term           riscv.Inst
		strict, signed bool
	}{
		{"bltu a5, a2", riscv.Decode(rv.B(6, rv.A5, rv.A2, -10)), true, false},
		{"bge a2, a5", riscv.Decode(rv.B(5, rv.A2, rv.A5, -10)), false, true},
		{"blt a5, a2", riscv.Decode(rv.B(4, rv.A5, rv.A2, -10)), true, true},
	} {
		p, ok := planCmpHoist(body, tt.term, bools)
		if !ok || p.r != rv.A5 || p.q != rv.A2 || p.cmp.strict != tt.strict || p.cmp.signed != tt.signed {
			t.Errorf("%s: %+v %+v %v", tt.name, p, p.cmp, ok)
		}
	}
	addi := func(rd, rs int, imm int64) riscv.Inst { return riscv.Decode(rv.I(0x13, 0, rd, rs, imm)) }
	add := func(rd, a, b int) riscv.Inst { return riscv.Decode(rv.R(0x33, 0, 0, rd, a, b)) }
	constant := []riscv.Inst{body[0], addi(rv.A5, rv.A5, 3), addi(rv.A3, rv.A3, 3)}
	if p, ok := planCmpHoist(constant, term, bools); !ok || p.cmp.s != 0 || p.cmp.c != 3 || len(p.hulls) != 1 || p.hulls[0].step != 1 {
		t.Errorf("constant step: %+v %v", p, ok)
	}
	for name, b := range map[string][]riscv.Inst{
		"bound written":             {body[0], body[1], body[2], addi(rv.A2, rv.A2, 1)},
		"step written":              {body[0], body[1], body[2], addi(rv.A4, rv.A4, 1)},
		"counter written twice":     {body[0], body[1], body[2], body[1]},
		"negative constant step":    {body[0], addi(rv.A5, rv.A5, -3), addi(rv.A3, rv.A3, -3)},
		"counter not stepped":       {body[0], add(rv.A5, rv.A4, rv.A4), body[2]},
		"counter stepped by itself": {body[0], add(rv.A5, rv.A5, rv.A5), body[2]},
	} {
		if p, ok := planCmpHoist(b, term, bools); ok {
			t.Errorf("%s: planned %+v", name, p)
		}
	}
	// A base stepped by another register is not the counter's partner: not hoisted.
	other := []riscv.Inst{body[0], body[1], add(rv.A3, rv.A3, rv.A1)}
	if p, ok := planCmpHoist(other, term, bools); ok {
		t.Errorf("base stepped otherwise: planned %+v", p)
	}
}

// TestCmpHoistLowering: sieve's loop gets a copy whose store is one MOV through a3
// (no window compare), entered after the entry's checks.
func TestCmpHoistLowering(t *testing.T) {
	body, term := sieveLoop()
	pc := uint64(0x8030_0000)
	insts := append(body, term)
	var gas int64
	for i := range insts {
		insts[i].Len = 4
		gas += insts[i].Weight()
	}
	blk := &codegen.Block{Block: guest.Block{Start: pc, End: pc + 16, Insts: insts, Gas: gas, Target: pc}, Term: codegen.TermBranch}
	lines := lowerLoop(t, blk)
	direct := regexp.MustCompile(`^mov %\w+,-?0x[0-9a-f]+\(%r14,%r(bx|cx|si|di|bp|8|9|1[0-2])`)
	n := 0
	for _, l := range lines {
		if direct.MatchString(l) {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d stores through a3 without a check, want 1:\n\t%s", n, strings.Join(lines, "\n\t"))
	}
}
