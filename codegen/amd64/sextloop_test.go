package amd64

import (
	"strings"
	"testing"

	"github.com/hybridvm/hybridvm/codegen"
	"github.com/hybridvm/hybridvm/guest"
	rv "github.com/hybridvm/hybridvm/internal/rvasm"
	"github.com/hybridvm/hybridvm/riscv"
)

func sextLoopInsts() (mv, addw, addi, sext, xor, lw, slli, bne func(...int) riscv.Inst) {
	d := riscv.Decode
	mv = func(r ...int) riscv.Inst { return d(rv.I(0x13, 0, r[0], r[1], 0)) }
	addw = func(r ...int) riscv.Inst { return d(rv.R(0x3B, 0, 0, r[0], r[1], r[2])) }
	addi = func(r ...int) riscv.Inst { return d(rv.I(0x13, 0, r[0], r[1], int64(r[2]))) }
	sext = func(r ...int) riscv.Inst { return d(rv.I(0x1B, 0, r[0], r[1], 0)) }
	xor = func(r ...int) riscv.Inst { return d(rv.R(0x33, 4, 0, r[0], r[1], r[2])) }
	lw = func(r ...int) riscv.Inst { return d(rv.I(0x03, 2, r[0], r[1], 0)) }
	slli = func(r ...int) riscv.Inst { return d(rv.I(0x13, 1, r[0], r[1], int64(r[2]))) }
	bne = func(r ...int) riscv.Inst { return d(rv.B(1, r[0], r[1], -int64(r[2]))) }
	return
}

// TestSextLoopFacts: the registers a self-loop's entry checks so that its copy may
// treat sext.w of values carried around the loop as moves.
func TestSextLoopFacts(t *testing.T) {
	mv, addw, addi, sext, xor, lw, slli, _ := sextLoopInsts()
	bit := regBits
	for _, tt := range []struct {
		name string
		body []riscv.Inst
		want uint32
	}{
		{"copied from a W result", []riscv.Inst{mv(rv.A3, rv.A0), addw(rv.A0, rv.A3, rv.A1), sext(rv.A3, rv.A3)}, bit(rv.A0)},
		{"no sext.w", []riscv.Inst{mv(rv.A3, rv.A0), addw(rv.A0, rv.A3, rv.A1)}, 0},
		{"redundant within the body alone", []riscv.Inst{addw(rv.A0, rv.A3, rv.A1), sext(rv.A2, rv.A0)}, 0},
		{"the source is not sign-extended at the back edge", []riscv.Inst{mv(rv.A3, rv.A0), slli(rv.A0, rv.A3, 3), sext(rv.A3, rv.A3)}, 0},
		{"sext.w of itself", []riscv.Inst{sext(rv.A5, rv.A5), addi(rv.A4, rv.A4, -1)}, bit(rv.A5)},
		{"a rotation of registers (sha256's round)", []riscv.Inst{
			mv(rv.S1, rv.T4), mv(rv.T4, rv.T3), mv(rv.A3, rv.A0), lw(rv.A4, rv.S0),
			addw(rv.A0, rv.A4, rv.S1), sext(rv.T3, rv.A3), sext(rv.T4, rv.T4), sext(rv.A3, rv.A3)},
			bit(rv.T3, rv.A0)}, // t4's entry value only reaches s1, never sign-extended
		{"through the back edge: a5's fact rests on a4's", []riscv.Inst{
			mv(rv.A5, rv.A4), mv(rv.A4, rv.A2), xor(rv.A2, rv.A5, rv.A5), sext(rv.A2, rv.A2), addi(rv.T0, rv.T0, 1)},
			bit(rv.A4, rv.A2)},
		{"an invariant register feeds the chain", []riscv.Inst{
			mv(rv.A5, rv.A4), mv(rv.A4, rv.A2), xor(rv.A2, rv.A5, rv.A1), sext(rv.A2, rv.A2)}, bit(rv.A4, rv.A2, rv.A1)},
		{"a 64-bit value feeds the chain", []riscv.Inst{
			mv(rv.A5, rv.A4), mv(rv.A4, rv.A2), slli(rv.A1, rv.A6, 3), xor(rv.A2, rv.A5, rv.A1), sext(rv.A2, rv.A2)}, 0},
		{"registers only written first are not checked", []riscv.Inst{
			lw(rv.A1, rv.S0), mv(rv.A2, rv.A1), sext(rv.A3, rv.A2), mv(rv.A6, rv.A7), sext(rv.A6, rv.A6), addw(rv.A7, rv.A1, rv.A1)},
			bit(rv.A7)},
		{"more registers than the entry checks", func() []riscv.Inst {
			var b []riscv.Inst
			for r := rv.A0; r <= rv.A0+maxSextChecks; r++ {
				b = append(b, sext(r, r))
			}
			return b
		}(), 0},
	} {
		if got := sextLoopFacts(tt.body); got != tt.want {
			t.Errorf("%s: %#x, want %#x", tt.name, got, tt.want)
		}
	}
}

// TestSextLoopCopy: a self-loop whose sext.w is redundant only given its entry
// state is emitted twice, behind a check of that register at the entry: the copy
// entered after the check has no sign extension of the register onto itself.
func TestSextLoopCopy(t *testing.T) {
	mv, addw, addi, sext, _, _, _, bne := sextLoopInsts()
	add := func(r ...int) riscv.Inst { return riscv.Decode(rv.R(0x33, 0, 0, r[0], r[1], r[2])) }
	const pc = 0x8030_0000
	// a4 accumulates all of a3, so that the usual copy must sign-extend a3 in the
	// loop, not only at its exits (sextexit.go).
	insts := []riscv.Inst{mv(rv.A3, rv.A0), addw(rv.A0, rv.A3, rv.A1), sext(rv.A3, rv.A3), add(rv.A4, rv.A4, rv.A3), addi(rv.A2, rv.A2, -1), bne(rv.A2, rv.Zero, 20)}
	gas := int64(0)
	for _, in := range insts {
		gas += in.Weight()
	}
	blk := &codegen.Block{Block: guest.Block{Start: pc, End: pc + 24, Insts: insts, Gas: gas, Target: pc}, Term: codegen.TermBranch}
	lines := lowerLoop(t, blk)
	// selfExt: movslq %esi,%rsi or movslq %r12d,%r12.
	selfExt := func(l string) bool {
		a, b, ok := strings.Cut(strings.TrimPrefix(l, "movslq "), ",")
		if !ok || l == a {
			return false
		}
		if strings.HasPrefix(a, "%e") {
			a = "%r" + a[2:]
		}
		return strings.TrimSuffix(a, "d") == b && b != "%rax"
	}
	selfExts, checks := 0, 0
	inLoop, charges := loopLines(lines)
	for i, l := range lines {
		if selfExt(l) && inLoop[i] {
			selfExts++
		}
		if strings.HasPrefix(l, "movslq ") && strings.HasSuffix(l, ",%rax") && i+1 < len(lines) && strings.HasPrefix(lines[i+1], "cmp ") && strings.HasSuffix(lines[i+1], ",%rax") {
			checks++
		}
	}
	if charges != 2 || selfExts != 1 || checks != 1 {
		t.Errorf("%d copies, %d sign extensions of a register onto itself in the loops, %d entry checks; want 2, 1 (the usual copy's), 1:\n%s",
			charges, selfExts, checks, strings.Join(lines, "\n"))
	}
}
