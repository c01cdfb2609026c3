package amd64

import (
	"math/rand"
	"strings"
	"testing"

	"github.com/hybridvm/hybridvm/codegen"
	"github.com/hybridvm/hybridvm/guest"
	rv "github.com/hybridvm/hybridvm/internal/rvasm"
	"github.com/hybridvm/hybridvm/riscv"
)

// TestMagic32 checks the reciprocals divConst multiplies by against division, on
// every divisor up to 3000 and random ones, at the dividends where rounding is
// tightest (multiples of c and their neighbours near 2^31) and at random ones.
func TestMagic32(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	cs := []int64{}
	for c := int64(2); c <= 3000; c++ {
		cs = append(cs, c)
	}
	for i := 0; i < 2000; i++ {
		cs = append(cs, 2+rng.Int63n(1<<31-2))
	}
	found := 0
	for _, c := range cs {
		m, s, ok := magic32(c)
		if !ok {
			continue
		}
		found++
		top := (int64(1<<31-1) / c) * c
		xs := []int64{0, 1, c - 1, c, c + 1, top - 1, top, 1<<31 - 1, 1<<31 - 2}
		for i := 0; i < 64; i++ {
			xs = append(xs, rng.Int63n(1<<31))
		}
		for _, x := range xs {
			if x < 0 || x >= 1<<31 {
				continue
			}
			if q := (uint64(x) * uint64(m)) >> s; int64(q) != x/c {
				t.Fatalf("c=%d x=%d: got %d, want %d (M=%#x s=%d)", c, x, q, x/c, m, s)
			}
		}
	}
	if _, _, ok := magic32(5); !ok || found < 1000 {
		t.Fatalf("magic32(5) ok=%v, %d divisors with a reciprocal", ok, found)
	}
}

// TestDivGuessedHotPath: a REMW by a register the unit loads with li (outside a guarded
// loop copy) compares it with the constant and multiplies on the straight-line path;
// the IDIV is out of line.
func TestDivGuessedHotPath(t *testing.T) {
	li := riscv.Decode(rv.I(0x13, 0, rv.A3, rv.Zero, 5))
	remw := riscv.Decode(rv.R(0x3B, 6, 1, rv.A4, rv.T4, rv.A3))
	m := testModule()
	pc := uint64(0x8030_0000)
	blk := &codegen.Block{Block: guest.Block{Start: pc, End: pc + 12, Insts: []riscv.Inst{li, remw, {Op: riscv.OpECALL, Len: 4}}}, Term: codegen.TermEcall}
	u := newUnit(m, []*codegen.Block{blk})
	u.blk, u.fuse = blk, &noFusion
	u.lowerInst(1, pc+4, remw)
	end := u.b.NewLabel()
	u.b.Bind(end)
	u.exitAt(guest.ExitEcall, pc)
	code, err := assembleUnit(u)
	if err != nil {
		t.Fatal(err)
	}
	hot := strings.Join(objdump(t, code[:end.Offset()]), "; ")
	if strings.Contains(hot, "idiv") || !strings.Contains(hot, "cmp $0x5") || !strings.Contains(hot, "lea (%rdx,%rdx,4),%rdx") {
		t.Errorf("hot path: %s", hot)
	}
	if all := strings.Join(objdump(t, code), "; "); !strings.Contains(all, "idiv") {
		t.Errorf("no out-of-line IDIV: %s", all)
	}
}
