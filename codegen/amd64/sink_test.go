package amd64

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hybridvm/hybridvm/codegen"
	"github.com/hybridvm/hybridvm/guest"
	rv "github.com/hybridvm/hybridvm/internal/rvasm"
	"github.com/hybridvm/hybridvm/riscv"
)

// TestSinkable: which instructions of a fault-free self-loop body can be left to its
// exits.
func TestSinkable(t *testing.T) {
	d := func(raw uint32) riscv.Inst { return riscv.Decode(raw) }
	add := func(rd, a, b int) riscv.Inst { return d(rv.R(0x33, 0, 0, rd, a, b)) }
	and := func(rd, a, b int) riscv.Inst { return d(rv.R(0x33, 7, 0, rd, a, b)) }
	addw := func(rd, a, b int) riscv.Inst { return d(rv.R(0x3B, 0, 0, rd, a, b)) }
	mv := func(rd, a int) riscv.Inst { return d(rv.I(0x13, 0, rd, a, 0)) }
	sext := func(rd, rs int) riscv.Inst { return d(rv.I(0x1B, 0, rd, rs, 0)) }
	auipc := d(rv.U(0x17, rv.T1, 0x1000))
	bne := d(rv.B(1, rv.A6, rv.A7, -16))
	for _, tt := range []struct {
		name string
		body []riscv.Inst
		i    int
		full []bool
		want bool
	}{
		{"sha256's mv t1, a0", []riscv.Inst{addw(rv.A0, rv.A4, rv.S2), mv(rv.T1, rv.A0)}, 1, nil, true},
		{"the next iteration reads it first", []riscv.Inst{add(rv.A1, rv.A1, rv.T1), addw(rv.A0, rv.A4, rv.S2), mv(rv.T1, rv.A0)}, 2, nil, false},
		{"the branch reads it", []riscv.Inst{addw(rv.A0, rv.A4, rv.S2), mv(rv.A6, rv.A0)}, 1, nil, false},
		{"not its last write", []riscv.Inst{mv(rv.T1, rv.A0), add(rv.T1, rv.A2, rv.A3)}, 0, nil, false},
		{"its source changes after it", []riscv.Inst{mv(rv.T1, rv.A0), add(rv.A0, rv.A2, rv.A3)}, 0, nil, false},
		{"its source's sext.w (a move) after it", []riscv.Inst{and(rv.S7, rv.A3, rv.T4), sext(rv.A3, rv.A3)}, 0, []bool{false, true}, true},
		{"its source's sext.w (not a move) after it", []riscv.Inst{and(rv.S7, rv.A3, rv.T4), sext(rv.A3, rv.A3)}, 0, nil, false},
		{"a W op reads only the low half the sext.w keeps", []riscv.Inst{addw(rv.S7, rv.A3, rv.T4), sext(rv.A3, rv.A3)}, 0, nil, true},
		{"it reads its own register", []riscv.Inst{add(rv.T1, rv.T1, rv.A0)}, 0, nil, false},
		{"auipc (an exit knows no pc)", []riscv.Inst{auipc}, 0, nil, false},
	} {
		insts := append(append([]riscv.Inst(nil), tt.body...), bne)
		if got := sinkable(tt.body, tt.i, backEdgeLive(insts), &noFusion, tt.full); got != tt.want {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
}

// TestSinkStores: in a fault-free self-loop, a value in State.X forwarded through RDX
// (forward.go) and read nowhere after its span is not stored in the loop.
func TestSinkStores(t *testing.T) {
	d := func(raw uint32) riscv.Inst { return riscv.Decode(raw) }
	xor := func(rd, a, b int) riscv.Inst { return d(rv.R(0x33, 4, 0, rd, a, b)) }
	add := func(rd, a, b int) riscv.Inst { return d(rv.R(0x33, 0, 0, rd, a, b)) }
	bne := d(rv.B(1, rv.A1, rv.Zero, -16))
	m := testModule()
	for _, tt := range []struct {
		name string
		body []riscv.Inst
		want []int
	}{
		{"read only in its span", []riscv.Inst{xor(rv.T2, rv.A2, rv.A3), add(rv.A0, rv.A0, rv.T2)}, []int{0}},
		{"read again after a load ends the span", []riscv.Inst{xor(rv.T2, rv.A2, rv.A3), add(rv.A0, rv.A0, rv.T2),
			d(rv.I(0x03, 3, rv.A4, rv.SP, 0)), add(rv.A5, rv.A5, rv.T2)}, nil},
		{"the next iteration reads it first", []riscv.Inst{add(rv.A5, rv.A5, rv.T2), xor(rv.T2, rv.A2, rv.A3), add(rv.A0, rv.A0, rv.T2)}, nil},
	} {
		insts := append(append([]riscv.Inst(nil), tt.body...), bne)
		spans := forwardSpans(nil, tt.body, &m.rm, &noFusion)
		got := sinkStores(spans, tt.body, backEdgeLive(insts), &noFusion, nil)
		if len(got) != len(tt.want) || len(got) > 0 && got[0] != tt.want[0] {
			t.Errorf("%s: %v, want %v (spans %v)", tt.name, got, tt.want, spans)
		}
	}
}

// TestSinkLowering: a self-loop that cannot fault leaves `mv t1, a0` to its exits: t1
// (in State.X) is not stored in the loop, but on the exit edge and on the back edge's
// out-of-gas path.
func TestSinkLowering(t *testing.T) {
	d := func(raw uint32) riscv.Inst { return riscv.Decode(raw) }
	const pc = 0x8030_0000
	insts := []riscv.Inst{
		d(rv.R(0x33, 4, 0, rv.A0, rv.A2, rv.A0)), // xor a0, a2, a0
		d(rv.I(0x13, 0, rv.T1, rv.A0, 0)),        // mv t1, a0
		d(rv.I(0x13, 0, rv.A1, rv.A1, -1)),       // addi a1, a1, -1
		d(rv.B(1, rv.A1, rv.Zero, -12)),          // bne a1, zero, loop
	}
	gas := int64(0)
	for _, in := range insts {
		gas += in.Weight()
	}
	blk := &codegen.Block{Block: guest.Block{Start: pc, End: pc + 16, Insts: insts, Gas: gas, Target: pc}, Term: codegen.TermBranch}
	lines := lowerLoop(t, blk)
	inLoop, loops := loopLines(lines)
	slot := fmt.Sprintf(",-0x%x(%%r15)", stBias-xoff(rv.T1))
	in, out := 0, 0
	for i, l := range lines {
		if strings.HasPrefix(l, "mov ") && strings.HasSuffix(l, slot) {
			if inLoop[i] {
				in++
			} else {
				out++
			}
		}
	}
	if loops != 1 || in != 0 || out != 2 {
		t.Errorf("%d loops, %d stores of t1 in the loop, %d out of it; want 1, 0, 2:\n%s", loops, in, out, strings.Join(lines, "\n"))
	}
}
