package amd64

import (
	"strings"
	"testing"

	"github.com/hybridvm/hybridvm/codegen"
	"github.com/hybridvm/hybridvm/guest"

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
	p, ok := planHoist(body, bne(rv.A5, rv.A0), bools, nil, nil)
	if !ok || p.r != rv.A5 || p.q != rv.A0 || p.step != 768 || len(p.hulls) != 2 || !p.unchecked[0] || !p.unchecked[1] {
		t.Fatalf("matmul: %+v %v", p, ok)
	}
	if h := p.hulls[0]; h != (hoistHull{b: rv.A3, via: rv.A3, step: 8, lo: 0, hi: 8}) {
		t.Errorf("hull of a3: %+v", h)
	}
	if _, ok := planHoist(body, bne(rv.A4, rv.A0), bools, nil, nil); ok {
		t.Error("a branch on a register the body loads into")
	}
	body[3] = add(rv.A3, rv.A3, rv.A1) // a3 no longer steps by a constant
	if p, ok := planHoist(body, bne(rv.A5, rv.A0), bools, nil, nil); !ok || len(p.hulls) != 1 || p.unchecked[0] {
		t.Errorf("a3 not induction: %+v %v", p, ok)
	}
}

// TestPlanHoistAddiw: keccak's loop at 0x10354 (a counter stepped by addiw, an
// induction register loaded through, another stored through after its step) hoists
// the load's check and the store's window check; a load through the addiw counter
// itself is not hoisted, and a counter written twice does not count.
func TestPlanHoistAddiw(t *testing.T) {
	ld := func(rd, base int, imm int64) riscv.Inst { return riscv.Decode(rv.I(0x03, 3, rd, base, imm)) }
	sd := func(base, src int, imm int64) riscv.Inst { return riscv.Decode(rv.S(0x23, 3, base, src, imm)) }
	addi := func(rd, rs int, imm int64) riscv.Inst { return riscv.Decode(rv.I(0x13, 0, rd, rs, imm)) }
	addiw := func(rd, rs int, imm int64) riscv.Inst { return riscv.Decode(rv.I(0x1B, 0, rd, rs, imm)) }
	xor := func(rd, a, b int) riscv.Inst { return riscv.Decode(rv.R(0x33, 4, 0, rd, a, b)) }
	bne := func(a, b int) riscv.Inst { return riscv.Decode(rv.B(1, a, b, -14)) }
	bools := func(n int) []bool { return make([]bool, n) }
	body := []riscv.Inst{
		addi(rv.A5, rv.S0, 0), addiw(rv.S0, rv.S0, 1), ld(rv.S1, rv.T4, 0), addi(rv.T5, rv.T5, 8),
		addi(rv.T4, rv.T4, 8), xor(rv.A5, rv.A5, rv.S1), sd(rv.T5, rv.A5, -8), ld(rv.A4, rv.S0, 16),
	}
	p, ok := planHoist(body, bne(rv.S0, rv.A2), bools, nil, nil)
	if !ok || p.r != rv.S0 || p.q != rv.A2 || p.step != 1 || !p.w32 || len(p.hulls) != 2 {
		t.Fatalf("keccak: %+v %v", p, ok)
	}
	if h := p.hulls[0]; h != (hoistHull{b: rv.T4, via: rv.T4, step: 8, lo: 0, hi: 8}) {
		t.Errorf("hull of t4: %+v", h)
	}
	// The store sees t5 after its step: offset 8 - 8, and the window check's 8 bytes.
	if h := p.hulls[1]; h != (hoistHull{b: rv.T5, via: rv.T5, step: 8, lo: 0, hi: 8, store: true}) {
		t.Errorf("hull of t5: %+v", h)
	}
	if !p.unchecked[2] || !p.unchecked[6] || p.unchecked[7] {
		t.Errorf("unchecked: %v", p.unchecked)
	}
	body[0] = addiw(rv.S0, rv.S0, 2) // s0 written twice
	if _, ok := planHoist(body, bne(rv.S0, rv.A2), bools, nil, nil); ok {
		t.Error("a counter written twice")
	}
}

// TestPlanHoistStoreHull: byte and doubleword stores through one invariant base make
// one hull from the lowest start to the highest start plus 8 (what the fast window
// check admits), separate from the loads through the same base.
func TestPlanHoistStoreHull(t *testing.T) {
	sb := func(base, src int, imm int64) riscv.Inst { return riscv.Decode(rv.S(0x23, 0, base, src, imm)) }
	sd := func(base, src int, imm int64) riscv.Inst { return riscv.Decode(rv.S(0x23, 3, base, src, imm)) }
	lw := func(rd, base int, imm int64) riscv.Inst { return riscv.Decode(rv.I(0x03, 2, rd, base, imm)) }
	addi := func(rd, rs int, imm int64) riscv.Inst { return riscv.Decode(rv.I(0x13, 0, rd, rs, imm)) }
	bne := func(a, b int) riscv.Inst { return riscv.Decode(rv.B(1, a, b, -14)) }
	body := []riscv.Inst{sb(rv.A1, rv.A3, 20), lw(rv.A4, rv.A1, 4), sd(rv.A1, rv.A4, -16), addi(rv.A0, rv.A0, -4)}
	p, ok := planHoist(body, bne(rv.A2, rv.A0), func(n int) []bool { return make([]bool, n) }, nil, nil)
	if !ok || p.r != rv.A0 || p.step != -4 || p.w32 || len(p.hulls) != 2 {
		t.Fatalf("%+v %v", p, ok)
	}
	if h := p.hulls[0]; h != (hoistHull{b: rv.A1, via: rv.A1, lo: -16, hi: 28, store: true}) {
		t.Errorf("store hull: %+v", h)
	}
	if h := p.hulls[1]; h != (hoistHull{b: rv.A1, via: rv.A1, lo: 4, hi: 8}) {
		t.Errorf("load hull: %+v", h)
	}
}

// TestHoistedStoreLowering: a store the loop's entry proved inside its window is one
// MOV into [R14 + base + (imm - ArenaBase)]: no window compare, no LEA.
func TestHoistedStoreLowering(t *testing.T) {
	in := riscv.Decode(rv.S(0x23, 3, rv.A1, rv.A4, 24)) // sd a4, 24(a1)
	m := testModule()
	pc := uint64(0x8030_0000)
	blk := &codegen.Block{Block: guest.Block{Start: pc, End: pc + 8, Insts: []riscv.Inst{in, {Op: riscv.OpECALL, Len: 4}}}, Term: codegen.TermEcall}
	u := newUnit(m, []*codegen.Block{blk})
	u.blk, u.unchecked = blk, []bool{true}
	u.lowerInst(0, pc, in)
	code, err := u.b.Assemble()
	if err != nil {
		t.Fatal(err)
	}
	got := objdump(t, code)
	if len(got) != 1 || !strings.HasPrefix(got[0], "mov %") || !strings.Contains(got[0], "-0x7fffffe8(%r14,") {
		t.Errorf("hoisted sd: %q", got)
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

// TestHoistableBelowBase: with the arena at 2^31 (the contract layout), a hull that
// starts below its base register (sd a5, -8(t5)) still fits the entry's immediates:
// its offset is added apart from -ArenaBase.
func TestHoistableBelowBase(t *testing.T) {
	m := testModule()
	u := newUnit(m, nil)
	p := hoistPlan{hulls: []hoistHull{{b: rv.T5, step: 8, lo: -8, hi: 0, store: true}, {b: rv.T4, step: 8, lo: -16, hi: 8}}}
	if !u.hoistable(&p) {
		t.Errorf("hulls below their bases at ArenaBase %#x not hoistable", m.Cfg.Layout.ArenaBase)
	}
}

// TestGroupHoisted: a memory group whose accesses the loop's entry all checked
// (sha256's message schedule: lw 0(a1) ... sw 60(a1)) is lowered without its hull
// check; one access left checked keeps the group.
func TestGroupHoisted(t *testing.T) {
	lw := riscv.Decode(rv.I(0x03, 2, rv.A3, rv.A1, 0))
	addw := riscv.Decode(rv.R(0x3B, 0, 0, rv.A5, rv.A3, rv.A4))
	sw := riscv.Decode(rv.S(0x23, 2, rv.A1, rv.A5, 60))
	body := []riscv.Inst{lw, addw, sw}
	g, ok := findGroup(body, 0)
	if !ok || g.end != 3 {
		t.Fatalf("group: %+v %v", g, ok)
	}
	u := newUnit(testModule(), nil)
	if u.unchecked = []bool{true, false, true}; !u.groupHoisted(g, body) {
		t.Error("all accesses hoisted, the group kept")
	}
	if u.unchecked = []bool{true, false, false}; u.groupHoisted(g, body) {
		t.Error("the store checked, the group dropped")
	}
}
