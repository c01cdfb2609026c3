package amd64

import (
	"strings"
	"testing"

	"github.com/hybridvm/hybridvm/codegen"
	"github.com/hybridvm/hybridvm/guest"
	rv "github.com/hybridvm/hybridvm/internal/rvasm"
	"github.com/hybridvm/hybridvm/riscv"
)

// TestRotateLowering: a fused rotate (fuse.go) is one RORX from its source to the
// result with BMI2 (then the sign extension of a word rotate), a copy and a ROR
// without.
func TestRotateLowering(t *testing.T) {
	const pc = 0x8030_0000
	or := riscv.Decode(rv.R(0x33, 6, 0, rv.A2, rv.T0, rv.T1))
	for _, tt := range []struct {
		bmi2, word bool
		src        int
		want       []string // instruction prefixes
	}{
		{true, true, rv.A1, []string{"rorx $0x8,%", "movslq %eax,"}},
		{true, false, rv.A1, []string{"rorx $0x8,%"}},
		{true, true, rv.S11, []string{"rorx $0x8,0x58(%r15),%eax", "movslq %eax,"}},
		{false, true, rv.A1, []string{"mov %", "ror $0x8,%eax", "movslq %eax,"}},
		{false, false, rv.A1, []string{"mov %", "ror $0x8,%"}},
	} {
		m := testModule()
		m.bmi2 = tt.bmi2
		blk := &codegen.Block{Block: guest.Block{Start: pc, End: pc + 8, Insts: []riscv.Inst{or, {Op: riscv.OpECALL, Len: 4}}}, Term: codegen.TermEcall}
		u := newUnit(m, []*codegen.Block{blk})
		u.blk = blk
		u.lowerRotate(or, rotate{src: uint8(tt.src), n: 8, word: tt.word})
		code, err := u.b.Assemble()
		if err != nil {
			t.Fatal(err)
		}
		lines := objdump(t, code)
		ok := len(lines) == len(tt.want)
		for i := 0; ok && i < len(lines); i++ {
			ok = strings.HasPrefix(lines[i], tt.want[i])
		}
		if !ok {
			t.Errorf("bmi2 %v, word %v, source x%d:\n%s", tt.bmi2, tt.word, tt.src, strings.Join(lines, "\n"))
		}
	}
}
