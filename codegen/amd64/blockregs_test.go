package amd64

import (
	"testing"

	"github.com/hybridvm/hybridvm/codegen"
	"github.com/hybridvm/hybridvm/codegen/internal/asm"
	"github.com/hybridvm/hybridvm/guest"
	rv "github.com/hybridvm/hybridvm/internal/rvasm"
	"github.com/hybridvm/hybridvm/riscv"
)

func addBlock(start uint64, term codegen.Term, target uint64, insts ...riscv.Inst) *codegen.Block {
	end := start
	for i := range insts {
		insts[i].Len = 4
		end += 4
	}
	return &codegen.Block{Block: guest.Block{Start: start, End: end, Insts: insts, Target: target}, Term: term}
}

// TestBlockMap: a block swaps a mapped register it does not use for an unmapped one
// it uses more than a swap costs; a self-loop does so sooner; RCX is never swapped.
func TestBlockMap(t *testing.T) {
	m := testModule()
	if m.rm.host[rv.S11] != asm.NoReg || m.rm.host[rv.A0] == asm.NoReg {
		t.Fatal("test assumes s11 unmapped and a0 mapped by default")
	}
	add := func(rd, a, b int) riscv.Inst { return riscv.Decode(rv.R(0x33, 0, 0, rd, a, b)) }
	bne := riscv.Decode(rv.B(1, rv.S11, rv.Zero, 0))
	// Three adds: nine uses of s11; two: six.
	three := []riscv.Inst{add(rv.S11, rv.S11, rv.S11), add(rv.S11, rv.S11, rv.S11), add(rv.S11, rv.S11, rv.S11)}
	local, written := blockMap(&m.rm, addBlock(0x1000, codegen.TermFall, 0, three...), false)
	h := local.host[rv.S11]
	if h == asm.NoReg || h == tC || !written[rv.S11] {
		t.Fatalf("s11 not swapped in: %v (written %v)", h, written[rv.S11])
	}
	var ps swaps
	if got := len(ps.of(&m.rm, &local)); got != 1 {
		t.Errorf("%d host registers change, want 1", got)
	}
	for g := 1; g < 32; g++ {
		if m.rm.host[g] == h && local.host[g] != asm.NoReg {
			t.Errorf("x%d still holds the host register s11 took", g)
		}
	}
	// One add and a branch: four uses, not worth a swap in a straight block but
	// worth one in a self-loop.
	one := []riscv.Inst{add(rv.S11, rv.S11, rv.S11), bne}
	if l, _ := blockMap(&m.rm, addBlock(0x1000, codegen.TermBranch, 0x2000, one...), false); l != m.rm {
		t.Error("a straight block swapped for four uses")
	}
	if l, _ := blockMap(&m.rm, addBlock(0x1000, codegen.TermBranch, 0x1000, one...), true); l.host[rv.S11] == asm.NoReg {
		t.Error("a self-loop did not swap for four uses")
	}
}

// TestRetSites: a return finds the return addresses of the unit's calls to its
// function (the nearest call target at or below it), at most maxRetSites of them.
func TestRetSites(t *testing.T) {
	jal := func(rd int) riscv.Inst { return riscv.Decode(rv.J(rd, 0)) }
	ret := riscv.Decode(rv.I(0x67, 0, rv.Zero, rv.RA, 0))
	nop := riscv.Decode(rv.I(0x13, 0, rv.Zero, rv.Zero, 0))
	f := addBlock(0x2000, codegen.TermJALR, 0, nop, ret)
	blocks := []*codegen.Block{
		addBlock(0x1000, codegen.TermJAL, 0x2000, jal(rv.RA)),
		addBlock(0x1004, codegen.TermJAL, 0x2000, jal(rv.RA)),
		addBlock(0x1008, codegen.TermJAL, 0x1800, jal(rv.RA)),   // another function
		addBlock(0x100c, codegen.TermJAL, 0x2000, jal(rv.Zero)), // a jump, not a call
		f,
	}
	if !isReturn(f) {
		t.Fatal("jalr x0, 0(ra) is not a return")
	}
	u := newUnit(testModule(), blocks)
	got := u.retSites(f)
	if len(got) != 2 || got[0] != 0x1004 || got[1] != 0x1008 {
		t.Errorf("return sites %#x, want [0x1004 0x1008]", got)
	}
	more := append(blocks, addBlock(0x1010, codegen.TermJAL, 0x2000, jal(rv.RA)))
	if got := newUnit(testModule(), more).retSites(f); got != nil {
		t.Errorf("three call sites: %#x, want none", got)
	}
	// A recursive call's return address (inside the function) comes first.
	rec := []*codegen.Block{
		addBlock(0x1000, codegen.TermJAL, 0x2000, jal(rv.RA)),
		addBlock(0x2000, codegen.TermJAL, 0x2000, nop, jal(rv.RA)), // returns to 0x2008
		addBlock(0x2008, codegen.TermJALR, 0, nop, ret),
	}
	if got := newUnit(testModule(), rec).retSites(rec[2]); len(got) != 2 || got[0] != 0x2008 || got[1] != 0x1004 {
		t.Errorf("recursive return sites %#x, want [0x2008 0x1004]", got)
	}
}
