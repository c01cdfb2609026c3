package amd64

import (
	"fmt"
	"slices"
	"testing"

	rv "github.com/hybridvm/hybridvm/internal/rvasm"
	"github.com/hybridvm/hybridvm/riscv"
)

// TestPairDivisions: which divisions of a block body are paired (the first computes
// both results, the second reads the other) and which are not.
func TestPairDivisions(t *testing.T) {
	in := func(op riscv.Op, rd, rs1, rs2 int) riscv.Inst {
		return riscv.Inst{Op: op, Rd: uint8(rd), Rs1: uint8(rs1), Rs2: uint8(rs2), Len: 4}
	}
	add := in(riscv.OpADD, rv.T0, rv.T1, rv.T2)
	for _, tt := range []struct {
		name          string
		body          []riscv.Inst
		first, second []int // the marked indices
		skip          int   // an index divguard lowers (-1: none)
	}{
		{"divu then remu, apart (divrem)", []riscv.Inst{in(riscv.OpDIVU, rv.A3, rv.A4, rv.A2), add, add, in(riscv.OpREMU, rv.A2, rv.A4, rv.A2)}, []int{0}, []int{3}, -1},
		{"rem then div", []riscv.Inst{in(riscv.OpREM, rv.A5, rv.A4, rv.A2), in(riscv.OpDIV, rv.A4, rv.A4, rv.A2)}, []int{0}, []int{1}, -1},
		{"W forms", []riscv.Inst{in(riscv.OpDIVW, rv.A5, rv.A4, rv.A2), in(riscv.OpREMW, rv.A6, rv.A4, rv.A2)}, []int{0}, []int{1}, -1},
		{"two pairs interleaved: one scratch word, the first pair only", []riscv.Inst{in(riscv.OpDIVU, rv.A3, rv.A4, rv.A2), in(riscv.OpDIV, rv.A7, rv.A5, rv.A1), in(riscv.OpREMU, rv.A2, rv.A4, rv.A2), in(riscv.OpREM, rv.A5, rv.A5, rv.A1)}, []int{0}, []int{2}, -1},
		{"two pairs one after the other", []riscv.Inst{in(riscv.OpDIVU, rv.A3, rv.A4, rv.A2), in(riscv.OpREMU, rv.A6, rv.A4, rv.A2), in(riscv.OpDIV, rv.A7, rv.A5, rv.A1), in(riscv.OpREM, rv.A5, rv.A5, rv.A1)}, []int{0, 2}, []int{1, 3}, -1},
		{"signedness differs", []riscv.Inst{in(riscv.OpDIV, rv.A3, rv.A4, rv.A2), in(riscv.OpREMU, rv.A5, rv.A4, rv.A2)}, nil, nil, -1},
		{"width differs", []riscv.Inst{in(riscv.OpDIV, rv.A3, rv.A4, rv.A2), in(riscv.OpREMW, rv.A5, rv.A4, rv.A2)}, nil, nil, -1},
		{"operands swapped", []riscv.Inst{in(riscv.OpDIV, rv.A3, rv.A4, rv.A2), in(riscv.OpREM, rv.A5, rv.A2, rv.A4)}, nil, nil, -1},
		{"the first overwrites its dividend", []riscv.Inst{in(riscv.OpDIV, rv.A4, rv.A4, rv.A2), in(riscv.OpREM, rv.A5, rv.A4, rv.A2)}, nil, nil, -1},
		{"the first overwrites its divisor", []riscv.Inst{in(riscv.OpDIV, rv.A2, rv.A4, rv.A2), in(riscv.OpREM, rv.A5, rv.A4, rv.A2)}, nil, nil, -1},
		{"an operand written between", []riscv.Inst{in(riscv.OpDIV, rv.A3, rv.A4, rv.A2), in(riscv.OpADDI, rv.A4, rv.A4, 0), in(riscv.OpREM, rv.A5, rv.A4, rv.A2)}, nil, nil, -1},
		{"the second writes x0", []riscv.Inst{in(riscv.OpDIV, rv.A3, rv.A4, rv.A2), in(riscv.OpREM, 0, rv.A4, rv.A2)}, nil, nil, -1},
		{"the first writes x0", []riscv.Inst{in(riscv.OpDIV, 0, rv.A4, rv.A2), in(riscv.OpREM, rv.A5, rv.A4, rv.A2)}, nil, nil, -1},
		{"divisor x0", []riscv.Inst{in(riscv.OpDIV, rv.A3, rv.A4, 0), in(riscv.OpREM, rv.A5, rv.A4, 0)}, nil, nil, -1},
		{"the same half twice", []riscv.Inst{in(riscv.OpDIV, rv.A3, rv.A4, rv.A2), in(riscv.OpDIV, rv.A5, rv.A4, rv.A2)}, nil, nil, -1},
		{"divguard's division", []riscv.Inst{in(riscv.OpDIVW, rv.A3, rv.A4, rv.A2), in(riscv.OpREMW, rv.A5, rv.A4, rv.A2)}, nil, nil, 0},
		{"too far apart", append(append([]riscv.Inst{in(riscv.OpDIV, rv.A3, rv.A4, rv.A2)}, slices.Repeat([]riscv.Inst{add}, maxPairGap)...), in(riscv.OpREM, rv.A5, rv.A4, rv.A2)), nil, nil, -1},
		{"as far apart as allowed", append(append([]riscv.Inst{in(riscv.OpDIV, rv.A3, rv.A4, rv.A2)}, slices.Repeat([]riscv.Inst{add}, maxPairGap-1)...), in(riscv.OpREM, rv.A5, rv.A4, rv.A2)), []int{0}, []int{maxPairGap}, -1},
	} {
		alloc := func(n int) []bool { return make([]bool, n) }
		marks := pairDivisions(tt.body, alloc, func(i int) bool { return i == tt.skip })
		if got, want := marked(marks, 0), fmt.Sprint(tt.first); got != want {
			t.Errorf("%s: first %s, want %s", tt.name, got, want)
		}
		if got, want := marked(marks, 1), fmt.Sprint(tt.second); got != want {
			t.Errorf("%s: second %s, want %s", tt.name, got, want)
		}
	}
}

// marked lists the body indices i with marks[2i+k] set (k 0: firsts, 1: seconds).
func marked(marks []bool, k int) string {
	var idx []int
	for i := k; i < len(marks); i += 2 {
		if marks[i] {
			idx = append(idx, i/2)
		}
	}
	return fmt.Sprint(idx)
}
