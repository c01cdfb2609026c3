package translate_test

import (
	"fmt"
	"testing"

	"github.com/hybridvm/hybridvm/guest"
	"github.com/hybridvm/hybridvm/internal/corpus"
	. "github.com/hybridvm/hybridvm/internal/rvasm"
	"github.com/hybridvm/hybridvm/machine"
)

// TestRotateLoopFaults: a self-loop whose fused rotates leave a shift's result for
// its exit edge (codegen/amd64/fuse.go), with a load before the shifts or a store
// after the rotate that faults in a later iteration, or the gas running out: every
// engine agrees on the registers at the fault or at the end (and with the load's
// bounds checked at the loop's entry, where the shift may follow it). With the
// source changing after the rotate, the shift whose result the exits need is computed
// in the loop and only the other is skipped (a partial fusion).
func TestRotateLoopFaults(t *testing.T) {
	const data = 0x30000
	build := func(loadFirst, storeLast, hoisted, late bool, copyOp int) []byte {
		p := New(base + 0x10000)
		p.LI(A2, 0x12345678)
		p.LI(S10, 40)
		p.LI(S8, data)
		p.LI(S9, 0x10000)
		p.LI(S11, 0x1234567)
		p.Label("loop")
		if loadFirst {
			p.LD(A3, S8, 0)
		}
		if !late {
			p.ADD(A2, A2, S11)
		}
		p.Emit(I(0x1B, 1, A4, A2, 15))    // sllw a4, a2, 15
		p.Emit(I(0x1B, 5, S2, A2, 17))    // srlw s2, a2, 17
		p.Emit(R(0x33, 6, 0, A4, A4, S2)) // or a4, a4, s2: s2 stays for the exit
		if late {
			// a2 changes after the rotate: s2 is computed in the loop (the rotate
			// still skips the sllw, fuse.go's partial fusion) unless a copy of a2
			// made before the change (sext.w or mv t1, a2; copyOp) lets the exits
			// compute it from t1 (fuse.go's exitCopy), where nothing can fault.
			switch copyOp {
			case 1:
				p.ADDIW(T1, A2, 0)
			case 2:
				p.ADDI(T1, A2, 0)
			}
			p.ADD(A2, A2, S11)
		}
		p.Emit(R(0x33, 0, 0, A5, A5, A4)) // add a5, a5, a4
		if storeLast {
			p.SD(A5, S8, 8)
		}
		if hoisted {
			p.ADDI(S8, S8, 8) // in bounds: the entry checks the loads (hoist.go)
		} else {
			p.ADD(S8, S8, S9) // leaves the 1 MiB arena in the 14th iteration
		}
		p.ADDI(S10, S10, -1)
		p.BNE(S10, Zero, "loop")
		p.ADD(A0, A5, S2)
		p.SRLI(A0, A0, 56)
		p.LI(A7, 93)
		p.ECALL()
		text := Segment{Vaddr: base + 0x10000, Data: p.MustFinish(), Flags: guest.PermR | guest.PermX}
		high := Segment{Vaddr: data, Data: make([]byte, 4096), Flags: guest.PermR | guest.PermW}
		return ELF(text.Vaddr, text, high)
	}
	cache := machine.NewCache(16)
	for _, c := range []struct {
		name                                string
		loadFirst, storeLast, hoisted, late bool
		copyOp                              int
	}{
		{"neither", false, false, false, false, 0}, {"load first", true, false, false, false, 0}, {"store last", false, true, false, false, 0},
		{"both", true, true, false, false, 0}, {"hoisted load first", true, false, true, false, 0},
		{"late source change", false, false, false, true, 0}, {"late source change, both", true, true, false, true, 0},
		{"late source change, hoisted load first", true, false, true, true, 0},
		{"late source change after sext.w t1", false, false, false, true, 1}, {"late source change after mv t1", false, false, false, true, 2},
		{"late source change after a copy, hoisted load first", true, false, true, true, 1},
		{"late source change after a copy, store last", false, true, false, true, 1},
		{"late source change after a copy, both", true, true, false, true, 2},
	} {
		elf := build(c.loadFirst, c.storeLast, c.hoisted, c.late, c.copyOp)
		corpus.CheckPaged(t, corpus.ExecProgram{Name: "rotate loop " + c.name, ELF: elf, ArenaSize: 1 << 20}, cache)
		for _, gas := range []int64{60, 97, 150, 333} { // out of gas at the back edge, midway
			corpus.CheckPaged(t, corpus.ExecProgram{Name: fmt.Sprintf("rotate loop %s, %d gas", c.name, gas), ELF: elf, ArenaSize: 1 << 20, Gas: gas}, cache)
		}
	}
}

// TestRotateLoopBranchReadsShift: a self-loop whose branch compares the result of one
// of a fused rotate's shifts: that result is needed at the back edge, so the loop
// computes it (it may not be left to the exit edge, codegen/amd64/fuse.go).
func TestRotateLoopBranchReadsShift(t *testing.T) {
	p := New(base + 0x10000)
	p.LI(A1, 0x1234)
	p.LI(T0, 0x5555) // stale: never equal to a1>>8 in the loop
	p.LI(S2, (0x1234+40*256)>>8)
	p.LI(A3, 0)
	p.Label("loop")
	p.ADDI(A1, A1, 256)
	p.Emit(I(0x1B, 5, T0, A1, 8))     // srliw t0, a1, 8
	p.Emit(I(0x1B, 1, T1, A1, 24))    // slliw t1, a1, 24
	p.Emit(R(0x33, 6, 0, A2, T0, T1)) // or a2, t0, t1
	p.ADD(A3, A3, A2)
	p.BNE(T0, S2, "loop")
	p.SRLI(A0, A3, 56)
	p.LI(A7, 93)
	p.ECALL()
	text := Segment{Vaddr: base + 0x10000, Data: p.MustFinish(), Flags: guest.PermR | guest.PermX}
	corpus.CheckExec(t, corpus.ExecProgram{Name: "rotate loop, branch on a shift", ELF: ELF(text.Vaddr, text), ArenaSize: 1 << 20, Gas: 20_000}, machine.NewCache(16))
}
