package amd64

import (
	"testing"

	rv "github.com/hybridvm/hybridvm/internal/rvasm"
	"github.com/hybridvm/hybridvm/riscv"
)

// TestRotateFusion: which rotates fuse, per block shape.
func TestRotateFusion(t *testing.T) {
	d := func(raw uint32) riscv.Inst { return riscv.Decode(raw) }
	srliw := d(rv.I(0x1B, 5, rv.T0, rv.A1, 8))
	slliw := d(rv.I(0x1B, 1, rv.T1, rv.A1, 24))
	or := d(rv.R(0x33, 6, 0, rv.A2, rv.T0, rv.T1))
	inc := d(rv.I(0x13, 0, rv.A1, rv.A1, 1))
	dec := d(rv.I(0x13, 0, rv.T6, rv.T6, -1))
	useT0 := d(rv.R(0x33, 0, 0, rv.A3, rv.T0, rv.Zero))
	useT1 := d(rv.R(0x33, 0, 0, rv.A5, rv.T1, rv.Zero))
	load := d(rv.I(0x03, 3, rv.A4, rv.SP, 0))
	kill := d(rv.I(0x13, 0, rv.T0, rv.Zero, 0))
	kill1 := d(rv.I(0x13, 0, rv.T1, rv.Zero, 0))
	bne := d(rv.B(1, rv.T6, rv.Zero, -8))
	tests := []struct {
		name     string
		body     []riscv.Inst
		selfLoop bool
		rotates  int
		atExit   int
		skipped  int
	}{
		{"temporaries overwritten after the OR", []riscv.Inst{srliw, slliw, or, kill, kill1}, false, 1, 0, 2},
		{"a temporary read again: the other one is skipped", []riscv.Inst{srliw, slliw, or, useT0, kill, kill1}, false, 1, 0, 1},
		{"both temporaries read again", []riscv.Inst{srliw, slliw, or, useT0, useT1, kill, kill1}, false, 0, 0, 0},
		{"temporaries live at the end of an ordinary block", []riscv.Inst{srliw, slliw, or}, false, 0, 0, 0},
		{"temporaries live at the end of a self-loop: computed on its exit", []riscv.Inst{inc, srliw, slliw, or, dec}, true, 1, 2, 2},
		{"the source changes after the rotate in a self-loop", []riscv.Inst{srliw, slliw, or, inc, dec}, true, 0, 0, 0},
		{"the source changes after the rotate, one temporary overwritten (sha256's schedule)", []riscv.Inst{srliw, slliw, or, inc, kill1, dec}, true, 1, 0, 1},
		{"a load between the shifts: its fault path computes the first", []riscv.Inst{srliw, load, slliw, or, kill, kill1}, false, 1, 0, 2},
		{"a load after the OR while both temporaries are live", []riscv.Inst{srliw, slliw, or, load, kill, kill1}, false, 0, 0, 0},
		{"a load after the OR while one temporary is live", []riscv.Inst{srliw, slliw, or, kill1, load, kill}, false, 1, 0, 1},
	}
	for _, tt := range tests {
		insts := append(append([]riscv.Inst(nil), tt.body...), bne)
		f := fuseRotates(tt.body, tt.selfLoop, backEdgeLive(insts), nil)
		skipped := 0
		for _, s := range f.skip {
			if s {
				skipped++
			}
		}
		if f.rotates() != tt.rotates || len(f.atExit) != tt.atExit || skipped != tt.skipped {
			t.Errorf("%s: %d rotates, %d computed at exit, %d shifts skipped; want %d, %d, %d", tt.name, f.rotates(), len(f.atExit), skipped, tt.rotates, tt.atExit, tt.skipped)
		}
	}
	// A self-loop's branch reads a temporary: it is needed at the back edge, so only
	// the other one is skipped (and computed on the exit edge).
	body := []riscv.Inst{inc, srliw, slliw, or}
	f := fuseRotates(body, true, backEdgeLive(append(body, d(rv.B(1, rv.T0, rv.Zero, -16)))), nil)
	if f.rotates() != 1 || f.skip[1] || !f.skip[2] || len(f.atExit) != 1 {
		t.Errorf("the branch reads srliw's result: rotates %v, skipped %v, computed at exit %v; want the slliw's only", f.rot, f.skip, f.atExit)
	}
}

// rotates counts f's rotates.
func (f *fusion) rotates() int {
	n := 0
	for _, r := range f.rot {
		if r.n != 0 {
			n++
		}
	}
	return n
}
