package amd64

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hybridvm/hybridvm/codegen"
	"github.com/hybridvm/hybridvm/codegen/internal/asm"
	"github.com/hybridvm/hybridvm/guest"
	rv "github.com/hybridvm/hybridvm/internal/rvasm"
	"github.com/hybridvm/hybridvm/internal/testtools"
	"github.com/hybridvm/hybridvm/riscv"
)

// testLayout is the contract memory map's layout (arena at 0x8000_0000, 1 GiB, a
// read-only range at +3 MiB): constants that do not fit an imm32 as addresses
// exercise the wide paths.
var testLayout = codegen.Layout{ArenaBase: 0x8000_0000, ArenaSize: 1 << 30, ROStart: 0x30_0000, ROSize: 0x1_0000}

// testModule is a module with the default register map and the test layout, not
// mapped (only lowering is exercised).
func testModule() *module {
	k, err := codegen.NewLinker("amd64", codegen.ModuleConfig{CodeLo: 0x8030_0000, CodeHi: 0x8031_0000, Layout: testLayout})
	if err != nil {
		panic(err)
	}
	k.Table, k.Mask = make([]uintptr, 64), 63
	m := &module{Linker: k, bmi2: hasBMI2}
	use := defaultUse
	use[rv.T0] = 1 // t0 gets RCX, the tenth register
	m.rm = chooseRegs(use)
	return m
}

// lowerOne lowers in as instruction 0 of a two-instruction block at pc and returns
// the bytes of its straight-line (hot) path.
func lowerOne(t *testing.T, in riscv.Inst, pc uint64) []byte {
	t.Helper()
	m := testModule()
	blk := &codegen.Block{Block: guest.Block{Start: pc, End: pc + 8, Insts: []riscv.Inst{in, {Op: riscv.OpECALL, Len: 4}}}, Term: codegen.TermEcall}
	u := newUnit(m, []*codegen.Block{blk})
	u.blk = blk
	u.lowerInst(0, pc, in)
	end := u.b.NewLabel()
	u.b.Bind(end)
	u.exitAt(guest.ExitEcall, pc)
	code, err := assembleUnit(u)
	if err != nil {
		t.Fatal(err)
	}
	return code[:end.Offset()]
}

// assembleOne assembles what build emits.
func assembleOne(t *testing.T, build func(e *emitter)) []byte {
	t.Helper()
	m := testModule()
	b := asm.NewAMD64()
	build(&emitter{b: b, rm: &m.rm})
	code, err := b.Assemble()
	if err != nil {
		t.Fatal(err)
	}
	return code
}

// objdump disassembles x86-64 code with GNU objdump (AT&T syntax), one instruction per
// element, operands only (no addresses or bytes), e.g. "mov %rsi,%rbx".
func objdump(t *testing.T, code []byte) []string {
	t.Helper()
	if len(code) == 0 {
		return nil
	}
	tool := testtools.Need(t, "objdump")[0]
	f := filepath.Join(t.TempDir(), "code.bin")
	if err := os.WriteFile(f, code, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(tool, "-D", "-b", "binary", "-m", "i386:x86-64", f).Output()
	if err != nil {
		t.Fatalf("objdump: %v", err)
	}
	line := regexp.MustCompile(`^\s*[0-9a-f]+:\s+(?:[0-9a-f]{2} )+\s*(.*)$`)
	var res []string
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		m := line.FindStringSubmatch(sc.Text())
		if m == nil || m[1] == "" {
			continue // continuation lines of long instructions carry only bytes
		}
		text := strings.Join(strings.Fields(m[1]), " ")
		if i := strings.Index(text, " #"); i >= 0 {
			text = text[:i]
		}
		// Branch targets print as absolute offsets into the snippet; keep them.
		res = append(res, text)
	}
	return res
}

func hexOf(b []byte) string { return hex.EncodeToString(b) }

// lowerLoop lowers the self-loop block blk alone, its out-of-line code included, and
// disassembles it (objdump).
func lowerLoop(t *testing.T, blk *codegen.Block) []string {
	t.Helper()
	u := newUnit(testModule(), []*codegen.Block{blk})
	u.lowerBlock(0)
	code, err := assembleUnit(u)
	if err != nil {
		t.Fatal(err)
	}
	return objdump(t, code)
}

// loopLines marks the lines of objdump output that belong to a loop's body: from the
// last `js` (a gas charge's) before a `jne` (the back edge) to that jne. It also
// returns how many such bodies there are.
func loopLines(lines []string) ([]bool, int) {
	in, n := make([]bool, len(lines)), 0
	from := -1
	for i, l := range lines {
		switch {
		case strings.HasPrefix(l, "js "):
			from = i
		case strings.HasPrefix(l, "jne ") && from >= 0:
			for k := from + 1; k < i; k++ {
				in[k] = true
			}
			from, n = -1, n+1
		}
	}
	return in, n
}

// assembleUnit emits u's shared and out-of-line code after what was lowered into it
// and assembles the whole.
func assembleUnit(u *unit) ([]byte, error) {
	u.emitShared()
	for i := 0; i < len(u.cold); i++ {
		c := u.cold[i]
		u.emitCold(&c)
	}
	return u.b.Assemble()
}

// regBits is the register set of rs (bit r: x_r).
func regBits(rs ...int) uint32 {
	var s uint32
	for _, r := range rs {
		s |= 1 << r
	}
	return s
}
