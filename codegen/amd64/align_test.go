package amd64

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"

	"github.com/hybridvm/hybridvm/codegen"
	rv "github.com/hybridvm/hybridvm/internal/rvasm"
	"github.com/hybridvm/hybridvm/internal/testtools"
	"github.com/hybridvm/hybridvm/riscv"
)

// TestLoopHeadsAligned: whatever code comes before it, every self-loop's back edge
// jumps to a multiple of loopAlign bytes: the block's entry (a loop as it is), its
// head after the swap to its own mapping, both copies of a loop with checks at its
// entry and its fast loop (fastloop.go), and the back edge's own charge of a loop
// that leaves results for its exit.
func TestLoopHeadsAligned(t *testing.T) {
	d := riscv.Decode
	addi := func(rd, rs, imm int) riscv.Inst { return d(rv.I(0x13, 0, rd, rs, int64(imm))) }
	add := func(rd, a, b int) riscv.Inst { return d(rv.R(0x33, 0, 0, rd, a, b)) }
	or := func(rd, a, b int) riscv.Inst { return d(rv.R(0x33, 6, 0, rd, a, b)) }
	slli := func(rd, rs, sh int) riscv.Inst { return d(rv.I(0x13, 1, rd, rs, int64(sh))) }
	srli := func(rd, rs, sh int) riscv.Inst { return d(rv.I(0x13, 5, rd, rs, int64(sh))) }
	ld := func(rd, rs int) riscv.Inst { return d(rv.I(0x03, 3, rd, rs, 0)) }
	sext := func(rd, rs int) riscv.Inst { return d(rv.I(0x1B, 0, rd, rs, 0)) }
	addw := func(rd, a, b int) riscv.Inst { return d(rv.R(0x3B, 0, 0, rd, a, b)) }
	bne := func(a, b int, back int) riscv.Inst { return d(rv.B(1, a, b, -int64(back))) }
	loops := []struct {
		name  string
		body  []riscv.Inst
		heads int // distinct back edge targets
	}{
		{"as it is", []riscv.Inst{addi(rv.A2, rv.A2, -1), add(rv.A4, rv.A4, rv.A2)}, 1},
		{"its own mapping", []riscv.Inst{add(rv.S11, rv.S11, rv.A2), add(rv.S10, rv.S10, rv.S11), addi(rv.A2, rv.A2, -1)}, 1},
		{"checks at the entry", []riscv.Inst{ld(rv.A4, rv.A5), add(rv.A3, rv.A3, rv.A4), addi(rv.A5, rv.A5, 8), addi(rv.A2, rv.A2, -1)}, 3},
		{"sign extension at the entry", []riscv.Inst{addi(rv.A3, rv.A0, 0), addw(rv.A0, rv.A3, rv.A1), sext(rv.A3, rv.A3), addi(rv.A2, rv.A2, -1)}, 2},
		{"results for the exit", []riscv.Inst{slli(rv.A5, rv.A4, 7), srli(rv.A6, rv.A4, 57), or(rv.A4, rv.A5, rv.A6), addi(rv.A2, rv.A2, -1)}, 1},
	}
	const pc = 0x8030_0000
	for _, l := range loops {
		for before := 0; before < 12; before++ {
			// A straight block of `before` instructions of 3 or 4 bytes falls into the
			// loop, then the loop.
			var pre []riscv.Inst
			for i := 0; i < before; i++ {
				pre = append(pre, addi(rv.A1+i%2, rv.A1+i%2, i+1))
			}
			first := addBlock(pc, codegen.TermFall, 0, pre...)
			first.Gas = int64(len(pre))
			body := append(append([]riscv.Inst{}, l.body...), bne(rv.A2, rv.Zero, 4*len(l.body)))
			loop := addBlock(first.End, codegen.TermBranch, first.End, body...)
			loop.Gas = int64(len(body))
			blocks := []*codegen.Block{loop}
			if before > 0 {
				blocks = []*codegen.Block{first, loop}
			}
			u := newUnit(testModule(), blocks)
			for i := range blocks {
				u.lowerBlock(i)
			}
			code, err := assembleUnit(u)
			if err != nil {
				t.Fatalf("%s after %d instructions: %v", l.name, before, err)
			}
			hot := u.missInd.Offset() // the blocks end where the shared code begins
			heads := map[int]bool{}
			for _, j := range jumps(t, code) {
				if j[0] < hot && j[1] < j[0] {
					heads[j[1]] = true
					if j[1]%loopAlign != 0 {
						t.Errorf("%s after %d instructions: the back edge at %#x jumps to %#x", l.name, before, j[0], j[1])
					}
				}
			}
			if len(heads) != l.heads {
				t.Errorf("%s after %d instructions: %d loop heads, want %d", l.name, before, len(heads), l.heads)
			}
		}
	}
}

// jumps lists the direct jumps in code (GNU objdump): their offsets and targets.
func jumps(t *testing.T, code []byte) [][2]int {
	t.Helper()
	tool := testtools.Need(t, "objdump")[0]
	f := filepath.Join(t.TempDir(), "code.bin")
	if err := os.WriteFile(f, code, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(tool, "-D", "-b", "binary", "-m", "i386:x86-64", f).Output()
	if err != nil {
		t.Fatalf("objdump: %v", err)
	}
	var res [][2]int
	re := regexp.MustCompile(`(?m)^\s*([0-9a-f]+):\s+(?:[0-9a-f]{2} )+\s*j[a-z]+\s+0x([0-9a-f]+)\s*$`)
	for _, m := range re.FindAllStringSubmatch(string(out), -1) {
		at, _ := strconv.ParseInt(m[1], 16, 64)
		to, _ := strconv.ParseInt(m[2], 16, 64)
		res = append(res, [2]int{int(at), int(to)})
	}
	return res
}
