package amd64

import (
	"strings"
	"testing"

	"github.com/hybridvm/hybridvm/codegen"
	"github.com/hybridvm/hybridvm/guest"
	rv "github.com/hybridvm/hybridvm/internal/rvasm"
	"github.com/hybridvm/hybridvm/riscv"
)

// Instructions for the tests below.
var (
	tAddi  = func(rd, rs int, imm int64) riscv.Inst { return riscv.Decode(rv.I(0x13, 0, rd, rs, imm)) }
	tAddiw = func(rd, rs int, imm int64) riscv.Inst { return riscv.Decode(rv.I(0x1B, 0, rd, rs, imm)) }
	tSlli  = func(rd, rs int, sh int64) riscv.Inst { return riscv.Decode(rv.I(0x13, 1, rd, rs, sh)) }
	tSlliw = func(rd, rs int, sh int64) riscv.Inst { return riscv.Decode(rv.I(0x1B, 1, rd, rs, sh)) }
	tAndi  = func(rd, rs int, imm int64) riscv.Inst { return riscv.Decode(rv.I(0x13, 7, rd, rs, imm)) }
	tAdd   = func(rd, a, b int) riscv.Inst { return riscv.Decode(rv.R(0x33, 0, 0, rd, a, b)) }
	tAddw  = func(rd, a, b int) riscv.Inst { return riscv.Decode(rv.R(0x3B, 0, 0, rd, a, b)) }
	tXor   = func(rd, a, b int) riscv.Inst { return riscv.Decode(rv.R(0x33, 4, 0, rd, a, b)) }
	tOr    = func(rd, a, b int) riscv.Inst { return riscv.Decode(rv.R(0x33, 6, 0, rd, a, b)) }
	tSrli  = func(rd, rs int, sh int64) riscv.Inst { return riscv.Decode(rv.I(0x13, 5, rd, rs, sh)) }
	tRemw  = func(rd, a, b int) riscv.Inst { return riscv.Decode(rv.R(0x3B, 6, 1, rd, a, b)) }
	tRemu  = func(rd, a, b int) riscv.Inst { return riscv.Decode(rv.R(0x33, 7, 1, rd, a, b)) }
	tLd    = func(rd, base int, imm int64) riscv.Inst { return riscv.Decode(rv.I(0x03, 3, rd, base, imm)) }
	tLbu   = func(rd, base int, imm int64) riscv.Inst { return riscv.Decode(rv.I(0x03, 4, rd, base, imm)) }
	tSd    = func(base, src int, imm int64) riscv.Inst { return riscv.Decode(rv.S(0x23, 3, base, src, imm)) }
	tBne   = func(a, b int) riscv.Inst { return riscv.Decode(rv.B(1, a, b, -8)) }
)

// keccak102c6 is keccak's loop at 0x102c6 (bench/kernels/keccak.elf, keccakf):
// a5 = (a4 % a3) * 8 + 288 + sp, loaded from at -240, a3 = 5 guarded at the entry.
func keccak102c6() (body []riscv.Inst, term riscv.Inst) {
	return []riscv.Inst{
		tRemw(rv.A5, rv.A4, rv.A3), tLd(rv.T5, rv.T4, 0), tAddi(rv.T4, rv.T4, 8), tAddiw(rv.A4, rv.A4, 1),
		tSlli(rv.A5, rv.A5, 3), tAddi(rv.A5, rv.A5, 288), tAdd(rv.A5, rv.A5, rv.SP), tLd(rv.A5, rv.A5, -240),
		tXor(rv.A5, rv.T5, rv.A5), tSd(rv.T4, rv.A5, -8),
	}, tBne(rv.A4, rv.A1)
}

// TestBoundIndexesKeccak: the intervals of keccak's computed indexes. At 0x102c6 the
// load's base is sp + [256, 320] (a remw by the guarded 5 in [-4, 4]); at 0x1027e
// (a loop counted through a copy, `addiw t4, t5, 1 ... sext.w t5, t4`, which
// planHoist does not count) both loads' bases are sp + [256, 320]; at 0x10354 (chi)
// the index also adds t6, an invariant register of unknown size, and at 0x102fa
// (rho-pi) the loop counter t4, read before its write: both stay unknown.
func TestBoundIndexesKeccak(t *testing.T) {
	sp := absVal{known: true, base: rv.SP, lo: 256, hi: 320}
	body, term := keccak102c6()
	by := make([]int64, len(body))
	by[0] = 5
	if got := boundIndexes(body, by, nil)[7]; got != sp {
		t.Errorf("0x102c6: %+v", got)
	}
	p, ok := planHoist(body, term, func(n int) []bool { return make([]bool, n) }, by, nil)
	if !ok || !p.counted || !p.unchecked[7] {
		t.Fatalf("0x102c6 plan: %+v %v", p, ok)
	}
	if h := p.hulls[1]; h != (hoistHull{b: rv.SP, via: rv.SP, lo: 16, hi: 88}) {
		t.Errorf("0x102c6 hull: %+v", h)
	}
	if got := boundIndexes(body, nil, nil)[7]; got.known {
		t.Errorf("0x102c6, remw by an unguarded a3: %+v", got)
	}
	body = []riscv.Inst{ // 0x1027e
		tAddiw(rv.T4, rv.T5, 1), tRemw(rv.A4, rv.T4, rv.A3), tAddiw(rv.A5, rv.T5, 4), tAddiw(rv.T5, rv.T4, 0),
		tAddi(rv.T6, rv.T6, 8), tRemw(rv.A5, rv.A5, rv.A3), tSlli(rv.A4, rv.A4, 3), tAddi(rv.A4, rv.A4, 288),
		tAdd(rv.A4, rv.A4, rv.SP), tLd(rv.T4, rv.A4, -280), tSlli(rv.A4, rv.T4, 1), tSrli(rv.T4, rv.T4, 63),
		tOr(rv.A4, rv.A4, rv.T4), tSlli(rv.A5, rv.A5, 3), tAddi(rv.A5, rv.A5, 288), tAdd(rv.A5, rv.A5, rv.SP),
		tLd(rv.A5, rv.A5, -280), tXor(rv.A5, rv.A5, rv.A4), tSd(rv.T6, rv.A5, -8),
	}
	by = make([]int64, len(body))
	by[1], by[5] = 5, 5
	idx := boundIndexes(body, by, nil)
	if idx[9] != sp || idx[16] != sp {
		t.Errorf("0x1027e: %+v %+v", idx[9], idx[16])
	}
	p, ok = planHoist(body, tBne(rv.T5, rv.A2), func(n int) []bool { return make([]bool, n) }, by, nil)
	if !ok || p.counted || len(p.hulls) != 1 || !p.unchecked[9] || !p.unchecked[16] || p.unchecked[18] {
		t.Fatalf("0x1027e plan: %+v %v", p, ok)
	}
	if h := p.hulls[0]; h != (hoistHull{b: rv.SP, via: rv.SP, lo: -24, hi: 48}) {
		t.Errorf("0x1027e hull: %+v", h)
	}
	body = []riscv.Inst{ // 0x10354, the first load
		tAddi(rv.A5, rv.S0, 0), tAddiw(rv.S0, rv.S0, 1), tRemw(rv.A4, rv.S0, rv.A3), tAddw(rv.A4, rv.A4, rv.T6),
		tSlli(rv.A4, rv.A4, 3), tAddi(rv.A4, rv.A4, 288), tAdd(rv.A4, rv.A4, rv.SP), tLd(rv.A4, rv.A4, -200),
	}
	by = make([]int64, len(body))
	by[2] = 5
	if got := boundIndexes(body, by, nil)[7]; got.known {
		t.Errorf("0x10354, addw of an invariant: %+v", got)
	}
	body = []riscv.Inst{ // 0x102fa, the store
		tRemw(rv.T2, rv.T5, rv.A3), tSlliw(rv.A5, rv.T2, 2), tAddw(rv.A5, rv.A5, rv.T2), tAddw(rv.A5, rv.A5, rv.T4),
		tSlli(rv.A5, rv.A5, 3), tAddi(rv.A5, rv.A5, 288), tAdd(rv.A5, rv.A5, rv.SP), tSd(rv.A5, rv.A4, -200),
		tAddiw(rv.T4, rv.T4, 1),
	}
	by = make([]int64, len(body))
	by[0] = 5
	st := boundIndexes(body, by, nil)
	if st[7].known {
		t.Errorf("0x102fa, the counter read before its write: %+v", st[7])
	}
	body[3] = tAddw(rv.A5, rv.A5, rv.Zero) // without the counter: sp + [128, 448]
	if got := boundIndexes(body, by, nil)[7]; got != (absVal{known: true, base: rv.SP, lo: 128, hi: 448}) {
		t.Errorf("0x102fa without the counter: %+v", got)
	}
}

// TestBoundIndexesRejects: values the interpretation must not bound.
func TestBoundIndexesRejects(t *testing.T) {
	cases := []struct {
		name string
		body []riscv.Inst
		want absVal // at the last instruction, a load through a5
	}{
		{"andi", []riscv.Inst{tAndi(rv.A5, rv.A0, 255), tAdd(rv.A5, rv.A5, rv.A1), tLd(rv.A2, rv.A5, 0)},
			absVal{known: true, base: rv.A1, lo: 0, hi: 255}},
		{"andi with a negative immediate", []riscv.Inst{tAndi(rv.A5, rv.A0, -8), tAdd(rv.A5, rv.A5, rv.A1), tLd(rv.A2, rv.A5, 0)}, absVal{}},
		{"written twice, the second time unbounded", []riscv.Inst{tAndi(rv.A5, rv.A0, 7), tAdd(rv.A5, rv.A5, rv.A1),
			tAdd(rv.A5, rv.A5, rv.A0), tLd(rv.A2, rv.A5, 0)}, absVal{}},
		{"written twice, the second time bounded", []riscv.Inst{tAddi(rv.A5, rv.A0, 7), tAndi(rv.A5, rv.A0, 7),
			tAdd(rv.A5, rv.A5, rv.A1), tLd(rv.A2, rv.A5, 0)}, absVal{known: true, base: rv.A1, lo: 0, hi: 7}},
		{"read before written", []riscv.Inst{tAdd(rv.A6, rv.A5, rv.A1), tAndi(rv.A5, rv.A0, 7), tLd(rv.A2, rv.A6, 0)}, absVal{}},
		{"the index's own last value", []riscv.Inst{tAddi(rv.A5, rv.A5, 8), tLd(rv.A2, rv.A5, 0)}, absVal{}},
		{"two bases", []riscv.Inst{tAndi(rv.A5, rv.A0, 7), tAdd(rv.A5, rv.A5, rv.A1), tAdd(rv.A5, rv.A5, rv.A3), tLd(rv.A2, rv.A5, 0)}, absVal{}},
		{"a base shifted", []riscv.Inst{tAndi(rv.A5, rv.A0, 7), tAdd(rv.A5, rv.A5, rv.A1), tSlli(rv.A5, rv.A5, 1), tLd(rv.A2, rv.A5, 0)}, absVal{}},
		{"remw by an unguarded register", []riscv.Inst{tRemw(rv.A5, rv.A0, rv.A3), tAdd(rv.A5, rv.A5, rv.A1), tLd(rv.A2, rv.A5, 0)}, absVal{}},
		{"remu by a loaded constant", []riscv.Inst{tAddi(rv.T6, rv.Zero, 40), tRemu(rv.A5, rv.A0, rv.T6), tAdd(rv.A5, rv.A1, rv.A5), tLd(rv.A2, rv.A5, 0)},
			absVal{known: true, base: rv.A1, lo: 0, hi: 39}},
		{"remu by zero", []riscv.Inst{tRemu(rv.A5, rv.A0, rv.Zero), tAdd(rv.A5, rv.A1, rv.A5), tLd(rv.A2, rv.A5, 0)}, absVal{}},
		{"addw within int32", []riscv.Inst{tAndi(rv.A5, rv.A0, 7), tAddi(rv.T5, rv.Zero, 2047), tSlli(rv.T5, rv.T5, 20),
			tAddw(rv.A5, rv.A5, rv.T5), tAdd(rv.A5, rv.A5, rv.A1), tLd(rv.A2, rv.A5, 0)},
			absVal{known: true, base: rv.A1, lo: 2047 << 20, hi: 2047<<20 + 7}},
		{"addw past int32", []riscv.Inst{tAndi(rv.A5, rv.A0, 7), tAddi(rv.T5, rv.Zero, 2047), tSlli(rv.T5, rv.T5, 21),
			tAddw(rv.A5, rv.A5, rv.T5), tAdd(rv.A5, rv.A5, rv.A1), tLd(rv.A2, rv.A5, 0)}, absVal{}},
		{"add past int32 (64-bit: exact)", []riscv.Inst{tAndi(rv.A5, rv.A0, 7), tAddi(rv.T5, rv.Zero, 2047), tSlli(rv.T5, rv.T5, 20),
			tAdd(rv.T5, rv.T5, rv.T5), tAdd(rv.A5, rv.A5, rv.T5), tAdd(rv.A5, rv.A5, rv.A1), tLd(rv.A2, rv.A5, 0)},
			absVal{known: true, base: rv.A1, lo: 2047 << 21, hi: 2047<<21 + 7}},
		{"slli by more than 20", []riscv.Inst{tAndi(rv.A5, rv.A0, 7), tSlli(rv.A5, rv.A5, 21), tAdd(rv.A5, rv.A5, rv.A1), tLd(rv.A2, rv.A5, 0)}, absVal{}},
		{"slliw past int32", []riscv.Inst{tAndi(rv.A5, rv.A0, 255), tSlliw(rv.A5, rv.A5, 24), tAdd(rv.A5, rv.A5, rv.A1), tLd(rv.A2, rv.A5, 0)}, absVal{}},
		{"addiw below int32", []riscv.Inst{tAddi(rv.T5, rv.Zero, -2048), tSlli(rv.T5, rv.T5, 20), tAndi(rv.A5, rv.A0, 7),
			tAdd(rv.A5, rv.A5, rv.T5), tAddiw(rv.A5, rv.A5, -1), tAdd(rv.A5, rv.A5, rv.A1), tLd(rv.A2, rv.A5, 0)}, absVal{}},
		{"a shift past 2^40", []riscv.Inst{tAndi(rv.A5, rv.A0, 2047), tSlli(rv.A5, rv.A5, 20), tSlli(rv.A5, rv.A5, 20),
			tAdd(rv.A5, rv.A5, rv.A1), tLd(rv.A2, rv.A5, 0)}, absVal{}},
		{"lbu", []riscv.Inst{tLbu(rv.A5, rv.A0, 3), tAdd(rv.A5, rv.A5, rv.A1), tLd(rv.A2, rv.A5, 0)},
			absVal{known: true, base: rv.A1, lo: 0, hi: 255}},
	}
	for _, c := range cases {
		idx := boundIndexes(c.body, nil, nil)
		if got := idx[len(c.body)-1]; got != c.want {
			t.Errorf("%s: %+v, want %+v", c.name, got, c.want)
		}
	}
}

// TestComputedLoadUnchecked: keccak's loop at 0x102c6 lowered, `li a3, 5` before it
// (the divisor's guessed constant): the loop's second copy (entered when the entry's
// checks hold) loads through the computed index with no bounds check, the first
// checks it.
func TestComputedLoadUnchecked(t *testing.T) {
	const pc = 0x8030_0000
	pre := []riscv.Inst{tAddi(rv.A3, rv.Zero, 5), {Op: riscv.OpECALL, Len: 4}}
	body, term := keccak102c6()
	insts := append(body, term)
	gas := int64(0)
	for _, in := range insts {
		gas += in.Weight()
	}
	start := uint64(pc + 8)
	blocks := []*codegen.Block{
		{Block: guest.Block{Start: pc, End: pc + 8, Insts: pre, Gas: 2}, Term: codegen.TermEcall},
		{Block: guest.Block{Start: start, End: start + uint64(4*len(insts)), Insts: insts, Gas: gas, Target: start}, Term: codegen.TermBranch},
	}
	u := newUnit(testModule(), blocks)
	u.lowerBlock(1)
	u.emitShared()
	for i := 0; i < len(u.cold); i++ {
		c := u.cold[i]
		u.emitCold(&c)
	}
	code, err := u.b.Assemble()
	if err != nil {
		t.Fatal(err)
	}
	lines := objdump(t, code)
	// Each copy starts with its gas charge (sub $charge, %r13); the second ends at its
	// back edge, the first jne after it (its division has no compare).
	var starts []int
	for i, l := range lines {
		if strings.HasPrefix(l, "sub $") && strings.HasSuffix(l, ",%r13") {
			starts = append(starts, i)
		}
	}
	if len(starts) != 2 {
		t.Fatalf("%d gas charges, want 2:\n%s", len(starts), strings.Join(lines, "\n"))
	}
	end := starts[1]
	for end < len(lines) && !strings.HasPrefix(lines[end], "jne ") {
		end++
	}
	// The bounds check of a doubleword load: cmp $ArenaSize-8, %rax.
	count := func(ls []string, s string) (n int) {
		for _, l := range ls {
			if strings.Contains(l, s) {
				n++
			}
		}
		return n
	}
	const check = "cmp $0x3ffffff8,%rax"
	checks := []int{count(lines[starts[0]:starts[1]], check), count(lines[starts[1]:end], check)}
	if loads := count(lines[starts[1]:end], "(%r14,"); loads != 3 {
		t.Errorf("%d accesses in the second copy, want 3", loads)
	}
	if checks[0] == 0 || checks[1] != 0 {
		t.Errorf("bounds checks per copy %v, want some, then none:\n%s", checks, strings.Join(lines, "\n"))
	}
}
