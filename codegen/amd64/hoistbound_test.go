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

// keccakChi is the start of keccak's chi loop at 0x10354 (`mv a5, s0; addiw s0, s0,
// 1; remw a4, s0, a3; addiw a5, a5, 2; remw a5, a5, a3`, a3 = 5 guarded) closed by
// `bne s0, a2`, with a load through t4 so that the loop has a hull.
func keccakChi() ([]riscv.Inst, riscv.Inst) {
	return []riscv.Inst{
		tAddi(rv.A5, rv.S0, 0), tAddiw(rv.S0, rv.S0, 1), tRemw(rv.A4, rv.S0, rv.A3), tAddiw(rv.A5, rv.A5, 2),
		tRemw(rv.A5, rv.A5, rv.A3), tLd(rv.S1, rv.T4, 0), tAddi(rv.T4, rv.T4, 8), tXor(rv.A0, rv.A4, rv.A5),
	}, tBne(rv.S0, rv.A2)
}

// TestCounterRange: with the counter's range known (the bound guarded to 5), chi's
// dividends are non-negative and its remainders in [0, 4]; rho-pi's store, indexed by
// the counter, is sp + [128, 480]. Without the range, neither.
func TestCounterRange(t *testing.T) {
	body, _ := keccakChi()
	by := make([]int64, len(body))
	by[2], by[4] = 5, 5
	bools := func(n int) []bool { return make([]bool, n) }
	nonNegDividends := func(body []riscv.Inst, by []int64, ctr *ctrRange, bools func(int) []bool) []bool {
		divs, _ := nonNegMarks(body, by, ctr, bools)
		return divs
	}
	nonNegWords := func(body []riscv.Inst, by []int64, ctr *ctrRange, bools func(int) []bool) []bool {
		_, words := nonNegMarks(body, by, ctr, bools)
		return words
	}
	ctr := &ctrRange{r: rv.S0, lo: 0, hi: 4}
	nn := nonNegDividends(body, by, ctr, bools)
	if nn == nil || !nn[2] || !nn[4] {
		t.Errorf("chi's dividends: %v", nn)
	}
	if nn := nonNegDividends(body, by, nil, bools); nn != nil {
		t.Errorf("chi's dividends without the counter's range: %v", nn)
	}
	// The counter's increment, s0 + 1 in [1, 5], needs no sign extension; a5 + 2 (a5
	// a copy of s0 before it, in [0, 4]) neither: [2, 6].
	if nw := nonNegWords(body, by, ctr, bools); nw == nil || !nw[1] || !nw[3] || nw[0] {
		t.Errorf("chi's addiw in [0, 2^31): %v", nw)
	}
	if nw := nonNegWords(body, by, nil, bools); nw != nil {
		t.Errorf("chi's addiw without the counter's range: %v", nw)
	}
	inc := []riscv.Inst{tAddiw(rv.S0, rv.S0, 1)}
	if nw := nonNegWords(inc, nil, &ctrRange{r: rv.S0, lo: 0, hi: 1<<31 - 2}, bools); nw == nil || !nw[0] {
		t.Errorf("s0 + 1 for s0 in [0, 2^31-2]: %v", nw)
	}
	if nw := nonNegWords(inc, nil, &ctrRange{r: rv.S0, lo: 0, hi: 1<<31 - 1}, bools); nw != nil {
		t.Errorf("s0 + 1 for s0 in [0, 2^31-1] may wrap: %v", nw)
	}
	if nw := nonNegWords([]riscv.Inst{tAddiw(rv.S0, rv.S0, -1)}, nil, ctr, bools); nw != nil {
		t.Errorf("s0 - 1 for s0 in [0, 4] may be negative: %v", nw)
	}
	var rem absVal
	var w absWalk
	w.start(body, by, ctr)
	for m, in := range body {
		if m == 3 {
			rem = w.st[rv.A4]
		}
		w.step(m, in)
	}
	if rem != exact(0, 4) {
		t.Errorf("s0 %% 5 for s0 in [1, 5]: %+v", rem)
	}
	rho := []riscv.Inst{
		tRemw(rv.T2, rv.T5, rv.A3), tSlliw(rv.A5, rv.T2, 2), tAddw(rv.A5, rv.A5, rv.T2), tAddw(rv.A5, rv.A5, rv.T4),
		tSlli(rv.A5, rv.A5, 3), tAddi(rv.A5, rv.A5, 288), tAdd(rv.A5, rv.A5, rv.SP), tSd(rv.A5, rv.A4, -200),
		tAddiw(rv.T4, rv.T4, 1),
	}
	by = make([]int64, len(rho))
	by[0] = 5
	if got := boundIndexes(rho, by, &ctrRange{r: rv.T4, lo: 0, hi: 4})[7]; got != (absVal{known: true, base: rv.SP, lo: 128, hi: 480}) {
		t.Errorf("rho-pi's store with the counter in [0, 4]: %+v", got)
	}
}

// boundUnit is a unit of two blocks: `li a2, bound; li a3, 5` (an ecall ends it), and
// the self-loop body+term at 0x8030_1000.
func boundUnit(bound int64, body []riscv.Inst, term riscv.Inst) (*unit, *codegen.Block) {
	pc := uint64(0x8030_0000)
	pre := []riscv.Inst{tAddi(rv.A2, rv.Zero, bound), tAddi(rv.A3, rv.Zero, 5), {Op: riscv.OpECALL, Len: 4}}
	for i := range pre {
		pre[i].Len = 4
	}
	b0 := &codegen.Block{Block: guest.Block{Start: pc, End: pc + 12, Insts: pre, Gas: 3}, Term: codegen.TermEcall}
	insts := append(append([]riscv.Inst{}, body...), term)
	var gas int64
	for i := range insts {
		insts[i].Len = 4
		gas += insts[i].Weight()
	}
	lp := uint64(0x8030_1000)
	b1 := &codegen.Block{Block: guest.Block{Start: lp, End: lp + 4*uint64(len(insts)), Insts: insts, Gas: gas, Target: lp}, Term: codegen.TermBranch}
	u := newUnit(testModule(), []*codegen.Block{b0, b1})
	u.blk = b1
	return u, b1
}

// TestPlanBound: chi's loop guards its bound (a2, loaded with 5 in the unit) and marks
// both divisions; a bound the unit does not load, or a loop the range would not help,
// is not guarded.
func TestPlanBound(t *testing.T) {
	body, term := keccakChi()
	u, _ := boundUnit(5, body, term)
	d, _ := u.planDivs(body)
	p, ok := planHoist(body, term, u.bools, d.by, nil)
	if !ok || !p.counted {
		t.Fatalf("chi: %+v %v", p, ok)
	}
	b, ok := u.planBound(p, body, term, d.by)
	if !ok || b.bound != 5 || b.nonNeg == nil || !b.nonNeg[2] || !b.nonNeg[4] {
		t.Errorf("chi's bound: %+v %v", b, ok)
	}
	other := tBne(rv.S0, rv.A1) // a1: no li in the unit
	u, _ = boundUnit(5, body, other)
	p, _ = planHoist(body, other, u.bools, d.by, nil)
	if b, ok := u.planBound(p, body, other, d.by); ok {
		t.Errorf("a bound the unit does not load: %+v", b)
	}
	plain := []riscv.Inst{tLd(rv.S1, rv.T4, 0), tAddi(rv.T4, rv.T4, 8), tAddiw(rv.S0, rv.S0, 1)}
	u, _ = boundUnit(5, plain, term)
	p, _ = planHoist(plain, term, u.bools, nil, nil)
	if b, ok := u.planBound(p, plain, term, nil); ok {
		t.Errorf("nothing for the range to prove: %+v", b)
	}
}

var testInst = regexp.MustCompile(`test (%[a-z0-9]+),(%[a-z0-9]+)`)

// signTests counts the TESTs of a register with itself in a disassembly.
func signTests(dis string) int {
	n := 0
	for _, m := range testInst.FindAllStringSubmatch(dis, -1) {
		if m[1] == m[2] {
			n++
		}
	}
	return n
}

// TestBoundLowering: in chi's loop the copy the entry guards divides by 5 without a
// test for a negative dividend; the checked copy keeps the test.
func TestBoundLowering(t *testing.T) {
	body, term := keccakChi()
	u, _ := boundUnit(5, body, term)
	u.lowerBlock(1)
	code, err := assembleUnit(u)
	if err != nil {
		t.Fatal(err)
	}
	lines := objdump(t, code)
	all := strings.Join(lines, "\n")
	// A sign test is TEST of a register with itself (the dividend, in the result's
	// register).
	if muls, tests := strings.Count(all, "imul $0x66666667"), signTests(all); muls != 4 || tests != 2 {
		t.Errorf("%d reciprocal multiplies (want 4: two per copy), %d sign tests (want 2: the checked copy's):\n\t%s",
			muls, tests, strings.Join(lines, "\n\t"))
	}
}

// keccakRhoPi is the part of keccak's rho-pi loop at 0x102fa that indexes its store:
// `remw t2, t5, a3` of a register the body steps by 3 (`addiw t5, t5, 3`), then
// `slliw a5, t2, 2; addw a5, a5, t2; addw a5, a5, t4` (t4 the counter), closed by
// `addiw t4, t4, 1; bne t4, a2`, with a load through t6 so that the loop has a hull.
func keccakRhoPi() ([]riscv.Inst, riscv.Inst) {
	return []riscv.Inst{
		tRemw(rv.T2, rv.T5, rv.A3), tLd(rv.A4, rv.T6, 0), tAddi(rv.T6, rv.T6, 40), tAddiw(rv.T5, rv.T5, 3),
		tSlliw(rv.A5, rv.T2, 2), tAddw(rv.A5, rv.A5, rv.T2), tAddw(rv.A5, rv.A5, rv.T4), tXor(rv.A0, rv.A4, rv.A5),
		tAddiw(rv.T4, rv.T4, 1),
	}, tBne(rv.T4, rv.A2)
}

// TestBoundIVs: rho-pi's t5, stepped by 3 and divided, is guarded to [0, 2^31-1-15]
// (five iterations at most) besides the counter: its division then needs no test for
// a negative dividend, and the index it gives (5*t2 + t4 in [0, 24]) no sign
// extension. The entry compares t5 once; the guarded copy has no sign test.
func TestBoundIVs(t *testing.T) {
	body, term := keccakRhoPi()
	u, blk := boundUnit(5, body, term)
	last := len(blk.Insts) - 1
	d, _ := u.planDivs(blk.Insts[:last])
	p, _ := planHoist(body, term, u.bools, d.by, nil)
	b, ok := u.planBound(p, body, term, d.by)
	if !ok || len(b.ivs) != 1 || b.ivs[0] != (ivGuard{r: rv.T5, max: 1<<31 - 1 - 15, hi: 1<<31 - 1 - 3}) {
		t.Fatalf("plan %v, guards %+v", ok, b.ivs)
	}
	if !b.nonNeg[0] || !b.wordNonNeg[3] || !b.wordNonNeg[5] || !b.wordNonNeg[6] || !b.wordNonNeg[8] {
		t.Errorf("marks: dividends %v, words %v", b.nonNeg, b.wordNonNeg)
	}
	// Stepped twice, by more than 2^20, or by too much for the iterations: no guard.
	step := func(s int64) riscv.Inst { return riscv.Inst{Op: riscv.OpADDIW, Rd: rv.T5, Rs1: rv.T5, Imm: s} }
	div := tRemw(rv.T2, rv.T5, rv.A3)
	for _, c := range []struct {
		name string
		body []riscv.Inst
		hi   int64 // the counter's range [0, hi]
	}{
		{"stepped twice", []riscv.Inst{div, step(3), step(1)}, 4},
		{"stepped by 2^21", []riscv.Inst{div, step(1 << 21)}, 4},
		{"2^20 for 4097 iterations", []riscv.Inst{div, step(1 << 20)}, 4096},
	} {
		if ivs := boundIVs(c.body, &ctrRange{r: rv.T4, lo: 0, hi: c.hi}, 1, []int64{5}); len(ivs) != 0 {
			t.Errorf("%s: guards %+v", c.name, ivs)
		}
	}
	if ivs := boundIVs([]riscv.Inst{div, step(1 << 20)}, &ctrRange{r: rv.T4, lo: 0, hi: 4}, 1, []int64{5}); len(ivs) != 1 {
		t.Errorf("2^20 for 5 iterations: guards %+v", ivs)
	}
	u.lowerBlock(1)
	code, err := assembleUnit(u)
	if err != nil {
		t.Fatal(err)
	}
	all := strings.Join(objdump(t, code), "\n")
	if !strings.Contains(all, "$0x7ffffff0") || signTests(all) != 1 {
		t.Errorf("want the guard of t5 and one sign test (the checked copy's):\n%s", all)
	}
}

// keccakChiLoads is keccak's chi loop at 0x10354 with its two loads indexed by the
// invariant t6 (`addw a4, a4, t6`, then `slli 3; addi 288; add sp`), stepped by the
// counter s0 against a2 = 5, a3 = 5 guarded.
func keccakChiLoads() ([]riscv.Inst, riscv.Inst) {
	return []riscv.Inst{
		tAddi(rv.A5, rv.S0, 0), tAddiw(rv.S0, rv.S0, 1), tRemw(rv.A4, rv.S0, rv.A3), tAddiw(rv.A5, rv.A5, 2),
		tRemw(rv.A5, rv.A5, rv.A3), tAddw(rv.A4, rv.A4, rv.T6), tSlli(rv.A4, rv.A4, 3), tAddi(rv.A4, rv.A4, 288),
		tAdd(rv.A4, rv.A4, rv.SP), tLd(rv.A4, rv.A4, -200), tAddw(rv.A5, rv.A5, rv.T6), tSlli(rv.A5, rv.A5, 3),
		tAddi(rv.A5, rv.A5, 288), tAdd(rv.A5, rv.A5, rv.SP), tLd(rv.A5, rv.A5, -200), tXor(rv.A0, rv.A4, rv.A5),
	}, tBne(rv.S0, rv.A2)
}

// TestGuardedIndex: with t6 guarded to [0, 2^30], chi's loads are sp + 8*t6 + [88,
// 128) (one hull the entry checks), and their `addw`s need no sign extension; without
// the guard, neither. A range that could wrap the addw is not an index.
func TestGuardedIndex(t *testing.T) {
	body, term := keccakChiLoads()
	by := make([]int64, len(body))
	by[2], by[4] = 5, 5
	ctr := &ctrRange{r: rv.S0, lo: 0, hi: 4, guards: []uint8{rv.T6}}
	want := absVal{known: true, base: rv.SP, idx: rv.T6, scale: 8, lo: 288, hi: 320}
	if idx := boundIndexes(body, by, ctr); idx[9] != want || idx[14] != want {
		t.Errorf("chi's loads: %+v %+v, want %+v", idx[9], idx[14], want)
	}
	if idx := boundIndexes(body, by, &ctrRange{r: rv.S0, lo: 0, hi: 4}); idx[9].known || idx[14].known {
		t.Errorf("chi's loads without the guard: %+v %+v", idx[9], idx[14])
	}
	bools := func(n int) []bool { return make([]bool, n) }
	if _, words := nonNegMarks(body, by, ctr, bools); words == nil || !words[5] || !words[10] {
		t.Errorf("chi's addw marks: %v", words)
	}
	wide := []riscv.Inst{tAndi(rv.A4, rv.A4, 2047), tSlli(rv.A4, rv.A4, 20), tAddw(rv.A4, rv.A4, rv.T6), tSlli(rv.A4, rv.A4, 3),
		tAdd(rv.A4, rv.A4, rv.SP), tLd(rv.A4, rv.A4, 0)}
	if idx := boundIndexes(wide, nil, ctr); idx[5].known {
		t.Errorf("[0, 2047<<20] + t6 may wrap: %+v", idx[5])
	}
	if g := guardCandidates(body); len(g) != 1 || g[0] != rv.T6 {
		t.Errorf("candidates %v, want t6", g)
	}

	u, blk := boundUnit(5, body, term)
	last := len(blk.Insts) - 1
	d, _ := u.planDivs(blk.Insts[:last])
	p, _ := planHoist(body, term, u.bools, d.by, nil)
	b, ok := u.planBound(p, body, term, d.by)
	if !ok || len(b.guards) != 1 || !b.unchecked[9] || !b.unchecked[14] {
		t.Fatalf("plan %v: guards %v, unchecked %v", ok, b.guards, b.unchecked)
	}
	u.lowerBlock(1)
	code, err := assembleUnit(u)
	if err != nil {
		t.Fatal(err)
	}
	all := strings.Join(objdump(t, code), "\n")
	if !strings.Contains(all, "$0x40000000") || !strings.Contains(all, ",8),%rax") {
		t.Errorf("want t6's guard and the hull at sp + 8*t6:\n%s", all)
	}
}
