package asm

import (
	"bytes"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hybridvm/hybridvm/internal/testtools"
)

// arm64Cases pairs arm64 instructions built through the wrapper with their encoding
// (little-endian bytes) and aarch64-linux-gnu-objdump's text for it. The bytes are
// asserted always; the text when objdump is installed (TestARM64Objdump).
var arm64Cases = []struct {
	emit func(b *Builder)
	hex  string
	text string
}{
	{func(b *Builder) { b.Inst(AMOVD, R(X1), R(X2)) }, "e20301aa", "mov x2, x1"},
	{func(b *Builder) { b.InstR(AADD, R(X1), X2, R(X3)) }, "4300018b", "add x3, x2, x1"},
	{func(b *Builder) { b.InstR(AADD, Imm(2047), X2, R(X3)) }, "43fc1f91", "add x3, x2, #0x7ff"},
	{func(b *Builder) { b.InstR(ASUB, Imm(2048), X2, R(X3)) }, "430020d1", "sub x3, x2, #0x800"},
	{func(b *Builder) { b.InstR(ASUB, R(X1), X2, R(X3)) }, "430001cb", "sub x3, x2, x1"},
	{func(b *Builder) { b.InstR(AADDW, R(X1), X2, R(X3)) }, "4300010b", "add w3, w2, w1"},
	{func(b *Builder) { b.InstR(ASUBW, R(X1), X2, R(X3)) }, "4300014b", "sub w3, w2, w1"},
	{func(b *Builder) { b.InstR(AAND, R(X1), X2, R(X3)) }, "4300018a", "and x3, x2, x1"},
	{func(b *Builder) { b.InstR(AORR, R(X1), X2, R(X3)) }, "430001aa", "orr x3, x2, x1"},
	{func(b *Builder) { b.InstR(AEOR, R(X1), X2, R(X3)) }, "430001ca", "eor x3, x2, x1"},
	{func(b *Builder) { b.InstR(AAND, Imm(-4096), X24, R(X25)) }, "19cf7492", "and x25, x24, #0xfffffffffffff000"},
	{func(b *Builder) { b.InstR(AAND, Imm(0), X25, R(X5)) }, "25031f8a", "and x5, x25, xzr"},
	{func(b *Builder) { b.InstR(ACMP, Imm(0), X25, None) }, "3f031feb", "cmp x25, xzr"},
	{func(b *Builder) { b.Inst(AMOVD, Imm(0), R(X5)) }, "050080d2", "mov x5, #0x0"},
	{func(b *Builder) { b.Inst(AMVN, R(X1), R(X2)) }, "e20321aa", "mvn x2, x1"},
	{func(b *Builder) { b.Inst(ANEG, R(X1), R(X2)) }, "e20301cb", "neg x2, x1"},
	{func(b *Builder) { b.InstR(ALSL, R(X1), X2, R(X3)) }, "4320c19a", "lsl x3, x2, x1"},
	{func(b *Builder) { b.InstR(ALSR, R(X1), X2, R(X3)) }, "4324c19a", "lsr x3, x2, x1"},
	{func(b *Builder) { b.InstR(AASR, R(X1), X2, R(X3)) }, "4328c19a", "asr x3, x2, x1"},
	{func(b *Builder) { b.InstR(ALSL, Imm(3), X2, R(X3)) }, "43f07dd3", "lsl x3, x2, #3"},
	{func(b *Builder) { b.InstR(ALSR, Imm(63), X2, R(X3)) }, "43fc7fd3", "lsr x3, x2, #63"},
	{func(b *Builder) { b.InstR(AASR, Imm(18), X21, R(X24)) }, "b8fe5293", "asr x24, x21, #18"},
	{func(b *Builder) { b.InstR(ALSLW, R(X1), X2, R(X3)) }, "4320c11a", "lsl w3, w2, w1"},
	{func(b *Builder) { b.InstR(AASRW, Imm(31), X2, R(X3)) }, "437c1f13", "asr w3, w2, #31"},
	{func(b *Builder) { b.Inst(ASXTW, R(X1), R(X2)) }, "227c4093", "sxtw x2, w1"},
	{func(b *Builder) { b.Inst(AMOVWU, R(X1), R(X2)) }, "e203012a", "mov w2, w1"},
	{func(b *Builder) { b.InstR(ACMP, R(X1), X2, None) }, "5f0001eb", "cmp x2, x1"},
	{func(b *Builder) { b.InstR(ACMP, Imm(4095), X24, None) }, "1fff3ff1", "cmp x24, #0xfff"},
	{func(b *Builder) { b.InstR(ASUBS, Imm(1<<18), X21, R(X21)) }, "b50241f1", "subs x21, x21, #0x40, lsl #12"},
	{func(b *Builder) { b.Inst(ACSET, Cond(CondLT), R(X3)) }, "e3a79f9a", "cset x3, lt"},
	{func(b *Builder) { b.Inst(ACSET, Cond(CondLO), R(X3)) }, "e3279f9a", "cset x3, cc"},
	{func(b *Builder) { b.InstR4(ACSEL, Cond(CondLT), X1, R(X2), R(X3)) }, "23b0829a", "csel x3, x1, x2, lt"},
	{func(b *Builder) { b.InstR4(ACSINV, Cond(CondNE), X1, R(XZR), R(X3)) }, "23109fda", "csinv x3, x1, xzr, ne"},
	{func(b *Builder) { b.InstR(AMUL, R(X1), X2, R(X3)) }, "437c019b", "mul x3, x2, x1"},
	{func(b *Builder) { b.InstR(AMULW, R(X1), X2, R(X3)) }, "437c011b", "mul w3, w2, w1"},
	{func(b *Builder) { b.InstR(ASMULH, R(X1), X2, R(X3)) }, "437c419b", "smulh x3, x2, x1"},
	{func(b *Builder) { b.InstR(AUMULH, R(X1), X2, R(X3)) }, "437cc19b", "umulh x3, x2, x1"},
	{func(b *Builder) { b.InstR(ASDIV, R(X1), X2, R(X3)) }, "430cc19a", "sdiv x3, x2, x1"},
	{func(b *Builder) { b.InstR(AUDIV, R(X1), X2, R(X3)) }, "4308c19a", "udiv x3, x2, x1"},
	{func(b *Builder) { b.InstR(ASDIVW, R(X1), X2, R(X3)) }, "430cc11a", "sdiv w3, w2, w1"},
	{func(b *Builder) { b.InstR(AUDIVW, R(X1), X2, R(X3)) }, "4308c11a", "udiv w3, w2, w1"},
	{func(b *Builder) { b.Inst(AMOVD, Mem(X19, 256), R(X24)) }, "788240f9", "ldr x24, [x19, #256]"},
	{func(b *Builder) { b.Inst(AMOVD, R(X24), Mem(X19, 8)) }, "780600f9", "str x24, [x19, #8]"},
	{func(b *Builder) { b.Inst(AMOVW, Mem(X19, 280), R(X24)) }, "781a81b9", "ldrsw x24, [x19, #280]"},
	{func(b *Builder) { b.Inst(AMOVW, R(X24), Mem(X19, 280)) }, "781a01b9", "str w24, [x19, #280]"},
	{func(b *Builder) { b.Inst(AMOVD, MemIdx(X20, X24, 1, 0), R(X3)) }, "836a78f8", "ldr x3, [x20, x24]"},
	{func(b *Builder) { b.Inst(AMOVW, MemIdx(X20, X24, 1, 0), R(X3)) }, "836ab8b8", "ldrsw x3, [x20, x24]"},
	{func(b *Builder) { b.Inst(AMOVWU, MemIdx(X20, X24, 1, 0), R(X3)) }, "836a78b8", "ldr w3, [x20, x24]"},
	{func(b *Builder) { b.Inst(AMOVH, MemIdx(X20, X24, 1, 0), R(X3)) }, "836ab878", "ldrsh x3, [x20, x24]"},
	{func(b *Builder) { b.Inst(AMOVHU, MemIdx(X20, X24, 1, 0), R(X3)) }, "836a7878", "ldrh w3, [x20, x24]"},
	{func(b *Builder) { b.Inst(AMOVB, MemIdx(X20, X24, 1, 0), R(X3)) }, "836ab838", "ldrsb x3, [x20, x24]"},
	{func(b *Builder) { b.Inst(AMOVBU, MemIdx(X20, X24, 1, 0), R(X3)) }, "836a7838", "ldrb w3, [x20, x24]"},
	{func(b *Builder) { b.Inst(AMOVD, R(X3), MemIdx(X20, X24, 1, 0)) }, "836a38f8", "str x3, [x20, x24]"},
	{func(b *Builder) { b.Inst(AMOVW, R(XZR), MemIdx(X20, X24, 1, 0)) }, "9f6a38b8", "str wzr, [x20, x24]"},
	{func(b *Builder) { b.Inst(AMOVH, R(X3), MemIdx(X20, X24, 1, 0)) }, "836a3878", "strh w3, [x20, x24]"},
	{func(b *Builder) { b.Inst(AMOVB, R(X3), MemIdx(X20, X24, 1, 0)) }, "836a3838", "strb w3, [x20, x24]"},
	{func(b *Builder) { b.Inst(AMOVD, R(X30), Mem(XSP, 8)) }, "fe0700f9", "str x30, [sp, #8]"},
	{func(b *Builder) { b.Inst(AB, None, Mem(X25, 0)) }, "20031fd6", "br x25"},
	{func(b *Builder) { b.Inst(ARET, None, R(X30)) }, "c0035fd6", "ret"},
	{func(b *Builder) { b.Inst(AMOVD, Imm(0x8030_0000), R(X24)) }, "1806b0d2", "mov x24, #0x80300000"},
	{func(b *Builder) { b.Inst(AMOVD, Imm(-2), R(X24)) }, "38008092", "mov x24, #0xfffffffffffffffe"},
	{func(b *Builder) { b.Raw32(0xd5033b9f) }, "9f3b03d5", "dsb ish"},
}

func assembleARM64(t *testing.T, emit func(*Builder)) []byte {
	t.Helper()
	b := NewARM64()
	emit(b)
	code, err := b.Assemble()
	if err != nil {
		t.Fatal(err)
	}
	return code
}

// TestARM64Encoding asserts the bytes of every case.
func TestARM64Encoding(t *testing.T) {
	for _, c := range arm64Cases {
		code := assembleARM64(t, c.emit)
		// The encoder pads a function to 16 bytes with zeros.
		if n := len(c.hex) / 2; len(code) >= n && bytes.Equal(code[n:], make([]byte, len(code)-n)) {
			code = code[:n]
		}
		if got := hex.EncodeToString(code); got != c.hex {
			t.Errorf("%s: encoded %s, want %s", c.text, got, c.hex)
		}
	}
}

var objdumpLine = regexp.MustCompile(`^\s*[0-9a-f]+:\s+([0-9a-f]{8})\s+(.*)$`)

// TestARM64Objdump disassembles every case's bytes with aarch64-linux-gnu-objdump
// and compares the text.
func TestARM64Objdump(t *testing.T) {
	tools := testtools.Need(t, "aarch64-linux-gnu-objdump")
	var all []byte
	for _, c := range arm64Cases {
		code, _ := hex.DecodeString(c.hex)
		all = append(all, code...)
	}
	f := filepath.Join(t.TempDir(), "code.bin")
	if err := os.WriteFile(f, all, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(tools[0], "-D", "-b", "binary", "-m", "aarch64", f).Output()
	if err != nil {
		t.Fatal(err)
	}
	var texts []string
	for _, line := range bytes.Split(out, []byte("\n")) {
		if m := objdumpLine.FindSubmatch(line); m != nil {
			text := strings.Join(strings.Fields(string(m[2])), " ")
			if i := strings.Index(text, "//"); i >= 0 {
				text = strings.TrimSpace(text[:i])
			}
			texts = append(texts, text)
		}
	}
	if len(texts) != len(arm64Cases) {
		t.Fatalf("objdump printed %d instructions, want %d:\n%s", len(texts), len(arm64Cases), out)
	}
	for i, c := range arm64Cases {
		if texts[i] != c.text {
			t.Errorf("case %d (%s): objdump says %q", i, c.hex, texts[i])
		}
	}
}
