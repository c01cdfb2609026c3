package amd64

import (
	"strings"
	"testing"

	"github.com/hybridvm/hybridvm/codegen"
	"github.com/hybridvm/hybridvm/codegen/internal/asm"
	"github.com/hybridvm/hybridvm/guest"
	rv "github.com/hybridvm/hybridvm/internal/rvasm"
	"github.com/hybridvm/hybridvm/riscv"
)

// TestUncheckedLoad: a load whose bounds a loop's entry checked (hoist.go) indexes
// the arena with its base register and the displacement folded in, whether the base
// lives in a host register or in its State slot: no separate addition.
func TestUncheckedLoad(t *testing.T) {
	m := testModule()
	if m.rm.host[rv.S11] != asm.NoReg || m.rm.host[rv.A0] == asm.NoReg {
		t.Fatal("test assumes s11 unmapped, a0 mapped")
	}
	const pc = 0x8030_0000
	for _, base := range []int{rv.A0, rv.S11} {
		in := riscv.Decode(rv.I(0x03, 2, rv.A1, base, 8)) // lw a1, 8(base)
		blk := &codegen.Block{Block: guest.Block{Start: pc, End: pc + 8, Insts: []riscv.Inst{in, {Op: riscv.OpECALL, Len: 4}}}, Term: codegen.TermEcall}
		u := newUnit(m, []*codegen.Block{blk})
		u.blk, u.unchecked = blk, []bool{true, false}
		u.lowerInst(0, pc, in)
		code, err := u.b.Assemble()
		if err != nil {
			t.Fatal(err)
		}
		lines := objdump(t, code)
		if len(lines) > 2 || !strings.HasPrefix(lines[len(lines)-1], "movslq -0x7ffffff8(%r14,") {
			t.Errorf("lw a1, 8(x%d):\n%s", base, strings.Join(lines, "\n"))
		}
	}
}
