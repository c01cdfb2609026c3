package arm64

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hybridvm/hybridvm/codegen/internal/asm"
	"github.com/hybridvm/hybridvm/internal/testtools"
)

// TestADRPLdr: the patched slot loads address the right page and offset, forwards and
// backwards, and disassemble as such.
func TestADRPLdr(t *testing.T) {
	var code []byte
	pairs := [][2]uint64{{0x40_0000, 0x40_3008}, {0x40_3000, 0x40_0ff8}, {0x7f00_0010, 0x7f40_0000}}
	for _, p := range pairs {
		a, l := adrpLdr(p[0], p[1], hw(asm.X30))
		// ADRP: immhi:immlo is the page delta; LDR's scaled offset the low 12 bits.
		imm := int64(a>>29&3|(a>>5&0x7FFFF)<<2) << 43 >> 43
		if got := uint64(int64(p[0]&^4095) + imm<<12); got != p[1]&^4095 {
			t.Errorf("pc %#x target %#x: ADRP reaches page %#x", p[0], p[1], got)
		}
		if off := uint64(l>>10&0xFFF) * 8; off != p[1]&4095 || l&31 != 30 || l>>5&31 != 30 {
			t.Errorf("pc %#x target %#x: LDR %#08x", p[0], p[1], l)
		}
		code = binary.LittleEndian.AppendUint32(code, a)
		code = binary.LittleEndian.AppendUint32(code, l)
	}
	tools := testtools.Need(t, "aarch64-linux-gnu-objdump")
	f := filepath.Join(t.TempDir(), "code.bin")
	if err := os.WriteFile(f, code, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(tools[0], "-D", "-b", "binary", "-m", "aarch64", f).Output()
	if err != nil {
		t.Fatal(err)
	}
	if n := bytes.Count(out, []byte("adrp\tx30,")); n != len(pairs) {
		t.Errorf("objdump shows %d ADRPs of x30, want %d:\n%s", n, len(pairs), out)
	}
	if n := strings.Count(string(out), "ldr\tx30, [x30"); n != len(pairs) {
		t.Errorf("objdump shows %d LDRs through x30, want %d:\n%s\n%s", n, len(pairs), out, hex.EncodeToString(code))
	}
}

// TestChooseRegsTwenty: a program using every register gets twenty of them in host
// registers, the most used first.
func TestChooseRegsTwenty(t *testing.T) {
	var use [32]int
	for g := 1; g < 32; g++ {
		use[g] = g
	}
	m := chooseRegs(use)
	n := 0
	for g := 1; g < 32; g++ {
		if m.host[g] != asm.NoReg {
			n++
			if g < 12 {
				t.Errorf("x%d (use %d) got a host register before more used ones", g, g)
			}
		}
	}
	if n != 20 {
		t.Errorf("%d guest registers in host registers, want 20", n)
	}
}
