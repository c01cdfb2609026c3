package amd64

import (
	"strings"
	"testing"

	"github.com/hybridvm/hybridvm/codegen"
	"github.com/hybridvm/hybridvm/guest"
	rv "github.com/hybridvm/hybridvm/internal/rvasm"
	"github.com/hybridvm/hybridvm/riscv"
)

// TestDeferSext: which W results a self-loop leaves to its exits, and the upper-half
// needs of the body that result.
func TestDeferSext(t *testing.T) {
	d := func(raw uint32) riscv.Inst { return riscv.Decode(raw) }
	addw := func(rd, a, b int) riscv.Inst { return d(rv.R(0x3B, 0, 0, rd, a, b)) }
	add := func(rd, a, b int) riscv.Inst { return d(rv.R(0x33, 0, 0, rd, a, b)) }
	xor := func(rd, a, b int) riscv.Inst { return d(rv.R(0x33, 4, 0, rd, a, b)) }
	addi := func(rd, a int, imm int64) riscv.Inst { return d(rv.I(0x13, 0, rd, a, imm)) }
	lw := func(rd, base int) riscv.Inst { return d(rv.I(0x03, 2, rd, base, 0)) }
	sext := func(rd, rs int) riscv.Inst { return d(rv.I(0x1B, 0, rd, rs, 0)) }
	bne := func(a, b int) riscv.Inst { return d(rv.B(1, a, b, -16)) }
	bit := regBits
	for _, tt := range []struct {
		name      string
		body      []riscv.Inst
		term      riscv.Inst
		unchecked []bool
		entry     uint32
		want      uint32
		upper     string // per instruction as in TestUpperNeeded
	}{
		{"sha256's T1: loaded afresh at the top, read only by W ops",
			[]riscv.Inst{lw(rv.A4, rv.S0), addw(rv.A4, rv.A4, rv.A5), addw(rv.A0, rv.A4, rv.S2), addi(rv.S0, rv.S0, 4)},
			bne(rv.S0, rv.S8), []bool{true}, 0, bit(rv.A4, rv.A0), "---+"},
		{"the load may fault: it would expose a4 and a0 of the iteration before",
			[]riscv.Inst{lw(rv.A4, rv.S0), addw(rv.A4, rv.A4, rv.A5), addw(rv.A0, rv.A4, rv.S2), addi(rv.S0, rv.S0, 4)},
			bne(rv.S0, rv.S8), nil, 0, 0, "-+++"}, // a load sign-extends anyway
		{"read in full by the next iteration before it is written",
			[]riscv.Inst{add(rv.A1, rv.A1, rv.A0), addw(rv.A0, rv.A2, rv.A3)},
			bne(rv.A1, rv.A6), nil, 0, 0, "++"},
		{"read in full through a move (a3 = a0, then all of a3)",
			[]riscv.Inst{addi(rv.A3, rv.A0, 0), add(rv.A1, rv.A1, rv.A3), addw(rv.A0, rv.A2, rv.A3)},
			bne(rv.A1, rv.A6), nil, 0, 0, "+++"},
		{"read in its low half by the next iteration (an accumulator)",
			[]riscv.Inst{addw(rv.A0, rv.A0, rv.A2), addi(rv.A1, rv.A1, -1)},
			bne(rv.A1, rv.Zero), nil, 0, bit(rv.A0), "-+"},
		{"the branch compares all of it",
			[]riscv.Inst{addw(rv.A0, rv.A0, rv.A2)},
			bne(rv.A0, rv.A1), nil, 0, 0, "+"},
		{"64-bit logic on W results is a sign extension too",
			[]riscv.Inst{addw(rv.T0, rv.A2, rv.A3), addw(rv.T1, rv.A2, rv.A4), xor(rv.T2, rv.T0, rv.T1), addi(rv.A1, rv.A1, -1)},
			bne(rv.A1, rv.Zero), nil, 0, bit(rv.T0, rv.T1, rv.T2), "---+"},
		{"64-bit logic on a register that is not",
			[]riscv.Inst{addw(rv.T0, rv.A2, rv.A3), xor(rv.T2, rv.T0, rv.A5), addi(rv.A1, rv.A1, -1)},
			bne(rv.A1, rv.Zero), nil, 0, 0, "+++"},
		{"a register the entry checks stays sign-extended",
			[]riscv.Inst{addw(rv.A0, rv.A0, rv.A2), sext(rv.A3, rv.A0), addi(rv.A1, rv.A1, -1)},
			bne(rv.A1, rv.Zero), nil, bit(rv.A0), bit(rv.A3), "+-+"},
	} {
		res := make([]bool, len(tt.body))
		got := deferSextInto(res, tt.body, tt.term, nil, tt.unchecked, tt.entry)
		upper := ""
		for i, need := range res {
			switch {
			case !writesRd(tt.body[i]):
				upper += "x"
			case need:
				upper += "+"
			default:
				upper += "-"
			}
		}
		if got != tt.want || upper != tt.upper {
			t.Errorf("%s: deferred %#x, upper halves %s; want %#x, %s", tt.name, got, upper, tt.want, tt.upper)
		}
	}
}

// TestDeferSextLowering: a self-loop whose accumulator a0 (a W result) is read only
// in its low half computes it without sign extension in the loop, and sign-extends it
// on the exit edge and on the back edge's out-of-gas path.
func TestDeferSextLowering(t *testing.T) {
	d := func(raw uint32) riscv.Inst { return riscv.Decode(raw) }
	const pc = 0x8030_0000
	insts := []riscv.Inst{
		d(rv.R(0x3B, 0, 0, rv.A0, rv.A0, rv.A2)), // addw a0, a0, a2
		d(rv.I(0x13, 0, rv.A1, rv.A1, -1)),       // addi a1, a1, -1
		d(rv.B(1, rv.A1, rv.Zero, -8)),           // bne a1, zero, loop
	}
	gas := int64(0)
	for _, in := range insts {
		gas += in.Weight()
	}
	blk := &codegen.Block{Block: guest.Block{Start: pc, End: pc + 12, Insts: insts, Gas: gas, Target: pc}, Term: codegen.TermBranch}
	lines := lowerLoop(t, blk)
	inLoop, loops := loopLines(lines)
	inside, outside := 0, 0
	for i, l := range lines {
		if strings.HasPrefix(l, "movslq ") {
			if inLoop[i] {
				inside++
			} else {
				outside++
			}
		}
	}
	if loops != 1 || inside != 0 || outside != 2 {
		t.Errorf("%d loops, %d sign extensions inside, %d outside; want 1, 0, 2 (the exit edge, the out-of-gas path):\n%s",
			loops, inside, outside, strings.Join(lines, "\n"))
	}
}
