package guest_test

import (
	"testing"

	"github.com/hybridvm/hybridvm/guest"
	rv "github.com/hybridvm/hybridvm/internal/rvasm"
	"github.com/hybridvm/hybridvm/riscv"
)

const blockBase = 0x10000

func codeOf(t *testing.T, p *rv.Program) *guest.Code {
	t.Helper()
	prog, err := guest.LoadELF(rv.ExecELF(blockBase, p.MustFinish()), guest.Constraints{})
	if err != nil {
		t.Fatal(err)
	}
	return prog.Code()
}

// TestDecodeBlockRule: the block rule every engine shares. A block ends at its first
// instruction that ends blocks (inclusive), after MaxBlockInsts instructions, or before
// an instruction that cannot be fetched; its gas is the sum of its weights.
func TestDecodeBlockRule(t *testing.T) {
	p := rv.New(blockBase)
	for i := 0; i < guest.MaxBlockInsts+10; i++ {
		p.ADDI(rv.A0, rv.A0, 1)
	}
	p.LD(rv.A1, rv.A0, 0)
	p.BEQ(rv.A0, rv.A1, "back")
	p.Label("back")
	p.ADDI(rv.A0, rv.A0, 1) // the last instruction: the range ends after it
	code := codeOf(t, p)

	long := guest.DecodeBlock(code, blockBase)
	if _, ok := long.Terminator(); ok || len(long.Insts) != guest.MaxBlockInsts ||
		long.Gas != guest.MaxBlockInsts || long.End != blockBase+4*guest.MaxBlockInsts || long.ZeroLoop != nil {
		t.Errorf("capped block: %d insts, gas %d, end %#x", len(long.Insts), long.Gas, long.End)
	}
	br := guest.DecodeBlock(code, long.End)
	in, ok := br.Terminator()
	end := long.End + 4*12
	if !ok || in.Op != riscv.OpBEQ || len(br.Insts) != 12 || br.Gas != 10+3+3 || br.End != end || br.Target != end {
		t.Errorf("branch block: term %v %v, %d insts, gas %d, end %#x, target %#x", in.Op, ok, len(br.Insts), br.Gas, br.End, br.Target)
	}
	tail := guest.DecodeBlock(code, end)
	if _, ok := tail.Terminator(); ok || len(tail.Insts) != 1 || tail.End != end+4 {
		t.Errorf("block running off the code: %d insts, end %#x", len(tail.Insts), tail.End)
	}
	for _, pc := range []uint64{blockBase + 1, blockBase - 4, end + 4} {
		if b := guest.DecodeBlock(code, pc); b != nil {
			t.Errorf("block at %#x (nothing fetchable): %+v", pc, b)
		}
	}
}

// TestDecodeBlockZeroLoop: the riscv-rt zeroing loop is recognised in the block, and a
// near miss is not.
func TestDecodeBlockZeroLoop(t *testing.T) {
	p := rv.New(blockBase)
	p.Label("loop")
	p.SD(rv.Zero, rv.T1, 0)
	p.ADDI(rv.T1, rv.T1, 8)
	p.BLTU(rv.T1, rv.T2, "loop")
	p.Label("near")
	p.SD(rv.Zero, rv.T1, 0)
	p.ADDI(rv.T1, rv.T1, 16)
	p.BLTU(rv.T1, rv.T2, "near")
	p.ECALL()
	code := codeOf(t, p)
	b := guest.DecodeBlock(code, blockBase)
	want := guest.ZeroLoop{Start: blockBase, End: blockBase + 12, Ptr: uint8(rv.T1), Limit: uint8(rv.T2), Gas: 3 + 1 + 3}
	if b.ZeroLoop == nil || *b.ZeroLoop != want {
		t.Errorf("zero loop: got %+v, want %+v", b.ZeroLoop, want)
	}
	if near := guest.DecodeBlock(code, blockBase+12); near.ZeroLoop != nil {
		t.Errorf("a stride of 16 recognised as the zeroing loop: %+v", near.ZeroLoop)
	}
}
