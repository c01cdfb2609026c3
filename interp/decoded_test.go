package interp

import (
	"slices"
	"testing"

	"github.com/hybridvm/hybridvm/guest"
	rv "github.com/hybridvm/hybridvm/internal/rvasm"
)

// TestDecodedBlocks: the program lists the blocks that ran, in address order, and not
// the code control never reached (a branch never taken, a function never called).
func TestDecodedBlocks(t *testing.T) {
	p := rv.New(base)
	p.LI(rv.A1, 10) // block 0: base
	p.Label("loop")
	p.ADDI(rv.A0, rv.A0, 3) // block 1: the loop
	p.ADDI(rv.A1, rv.A1, -1)
	p.BNE(rv.A1, rv.Zero, "loop")
	p.BLT(rv.A0, rv.Zero, "cold") // block 2: after the loop
	p.ECALL()                     // block 3
	p.Label("cold")
	p.ADDI(rv.A0, rv.A0, 1) // never runs
	p.ECALL()
	prog, st, a := setup(t, p.MustFinish())
	if got := prog.DecodedBlocks(nil); len(got) != 0 {
		t.Fatalf("before running: %#x", got)
	}
	if exit := Run(prog, st, a.Bytes(), 1<<20, nil); exit != guest.ExitEcall {
		t.Fatalf("exit %v", exit)
	}
	loop := uint64(base + 4) // LI 10 is one ADDI
	after := loop + 12
	want := []uint64{base, loop, after, after + 4}
	if got := prog.DecodedBlocks([]uint64{1}); !slices.Equal(got[1:], want) || got[0] != 1 {
		t.Errorf("decoded %#x, want %#x after the caller's 1", got, want)
	}
}
