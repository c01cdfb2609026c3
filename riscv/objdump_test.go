package riscv

import (
	"bufio"
	"bytes"
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/hybridvm/hybridvm/internal/testtools"
)

// objdump assembles the given raw instructions (each .insn of its own length) and returns
// GNU objdump's no-aliases disassembly of each, in order. An encoding objdump does not
// know comes back as ".2byte"/".4byte"/".insn".
func objdump(t *testing.T, words []uint32, lens []int) []string {
	t.Helper()
	tools := testtools.Need(t, "riscv64-unknown-elf-as", "riscv64-unknown-elf-objdump")
	dir := t.TempDir()
	var src bytes.Buffer
	for i, w := range words {
		if lens[i] == 2 {
			// .2byte keeps reserved compressed encodings that .insn would reject.
			fmt.Fprintf(&src, ".2byte 0x%04x\n", w&0xFFFF)
		} else {
			fmt.Fprintf(&src, ".insn 4, 0x%08x\n", w)
		}
	}
	s, o := filepath.Join(dir, "t.s"), filepath.Join(dir, "t.o")
	if err := os.WriteFile(s, src.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(tools[0], "-march=rv64imac_zicsr_zifencei", s, "-o", o).CombinedOutput(); err != nil {
		t.Fatalf("as: %v\n%s", err, out)
	}
	// -D: disassemble everything as code, so .2byte data is decoded too.
	out, err := exec.Command(tools[1], "-D", "-M", "no-aliases", "-j", ".text", o).Output()
	if err != nil {
		t.Fatalf("objdump: %v", err)
	}
	line := regexp.MustCompile(`^\s*([0-9a-f]+):\s+([0-9a-f]+)\s+(.*)$`)
	var res []string
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		m := line.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		text := strings.Join(strings.Fields(m[3]), " ")
		if i := strings.Index(text, " <"); i >= 0 {
			text = text[:i]
		}
		res = append(res, text)
	}
	if len(res) != len(words) {
		t.Fatalf("objdump printed %d instructions for %d", len(res), len(words))
	}
	return res
}

// normalizeObjdump rewrites objdump's text into our syntax where the two differ only in
// spelling: one space after the mnemonic and no spaces after commas.
func normalizeObjdump(s string) string {
	if i := strings.IndexByte(s, '#'); i >= 0 {
		s = strings.TrimSpace(s[:i]) // objdump's "# address" comments
	}
	if i := strings.IndexByte(s, ' '); i >= 0 {
		s = s[:i] + " " + strings.ReplaceAll(s[i+1:], " ", "")
	}
	return s
}

var majorOpcodes = []uint32{opcLoad, opcMisc, opcOpImm, opcAUIPC, opcOpImmW, opcStore, opcAMO,
	opcOp, opcLUI, opcOpW, opcBranch, opcJALR, opcJAL, opcSystem}

var namedCSRs = []uint16{CSRMstatus, CSRMie, CSRMtvec, CSRMepc, CSRMcause, CSRMip, CSRMhartid}

// TestDecode32AgainstObjdump decodes random 32-bit words of every major opcode and
// compares legality and disassembly with GNU objdump, the reference for the encoding.
func TestDecode32AgainstObjdump(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	const n = 40000
	words := make([]uint32, 0, n)
	for len(words) < n {
		w := rng.Uint32()&^0x7F | majorOpcodes[rng.Intn(len(majorOpcodes))]
		switch w & 0x7F {
		case opcOp, opcOpW:
			// Most funct7 values are illegal; bias toward the defined ones.
			w = w&^(0x7F<<25) | []uint32{0, 1, 0x20, rng.Uint32() & 0x7F}[rng.Intn(4)]<<25
		case opcSystem:
			if funct3(w) != 0 {
				w = w&0xFFFFF | uint32(namedCSRs[rng.Intn(len(namedCSRs))])<<20
			} else if rng.Intn(2) == 0 {
				w = []uint32{0x00000073, 0x00100073}[rng.Intn(2)]
			}
		case opcOpImm, opcOpImmW:
			if rng.Intn(2) == 0 {
				w &^= 0x3F << 26 // legal shift encodings
				if rng.Intn(2) == 0 {
					w |= 0x10 << 26
				}
			}
		case opcMisc:
			if funct3(w) == 0 && rng.Intn(2) == 0 {
				w &= 0x0FFFFFFF // fm = 0: plain FENCE
			}
		}
		words = append(words, w)
	}
	lens := make([]int, n)
	for i := range lens {
		lens[i] = 4
	}
	ref := objdump(t, words, lens)
	bad := 0
	for i, w := range words {
		in := Decode(w)
		want := normalizeObjdump(ref[i])
		refIllegal := strings.HasPrefix(want, ".insn") || strings.HasPrefix(want, ".4byte") || strings.HasPrefix(want, ".word")
		pc := uint64(4 * i)
		got := in.Disasm(pc)
		ok := true
		switch {
		case in.Op == OpFENCE || in.Op == OpFENCEI:
			// The spec makes implementations ignore FENCE's reserved fm values and the
			// rs1/rd fields of FENCE and FENCE.I (they are plain fences); objdump prints
			// only the canonical encodings and shows the rest as data.
			ok = strings.HasPrefix(want, "fence") || strings.HasPrefix(want, ".4byte")
		case in.Op == OpIllegal || refIllegal:
			ok = (in.Op == OpIllegal) == refIllegal || objdumpKnowsMore(w, want)
		default:
			ok = got == want
		}
		if !ok {
			bad++
			if bad <= 20 {
				t.Errorf("0x%08x: got %q, objdump %q", w, got, want)
			}
		}
	}
	if bad > 0 {
		t.Errorf("%d of %d encodings disagree", bad, n)
	}
}

// objdumpKnowsMore accepts encodings objdump decodes as instructions of extensions the
// machine deliberately lacks (ratified extras that share these major opcodes: Zbb/Zba/
// Zbs/Zbc bit manipulation, Zicond, Zawrs, Zacas, CMO hints, system instructions such
// as mret, wfi, sfence.vma); to the machine they are illegal instructions.
func objdumpKnowsMore(w uint32, want string) bool {
	if Decode(w).Op != OpIllegal {
		return false
	}
	mn := want
	if i := strings.IndexByte(want, ' '); i >= 0 {
		mn = want[:i]
	}
	extras := map[string]bool{"mret": true, "sret": true, "uret": true, "dret": true, "wfi": true,
		"sfence.vma": true, "hfence.vvma": true, "hfence.gvma": true, "sinval.vma": true,
		"sfence.w.inval": true, "sfence.inval.ir": true, "hinval.vvma": true, "hinval.gvma": true,
		"fence.i": false}
	if extras[mn] || strings.HasPrefix(mn, "hlv") || strings.HasPrefix(mn, "hsv") ||
		strings.HasPrefix(mn, "amocas") || strings.HasPrefix(mn, "wrs") ||
		strings.HasPrefix(mn, "cbo.") || strings.HasPrefix(mn, "prefetch") ||
		strings.HasPrefix(mn, "czero") {
		return true
	}
	bitmanip := "andn orn xnor clz ctz cpop max maxu min minu sext.b sext.h zext.h rol ror rori rolw rorw roriw clzw ctzw cpopw orc.b rev8 sh1add sh2add sh3add add.uw sh1add.uw sh2add.uw sh3add.uw slli.uw bclr bclri bext bexti binv binvi bset bseti clmul clmulh clmulr pack packh packw brev8 zip unzip xperm4 xperm8"
	for _, b := range strings.Fields(bitmanip) {
		if mn == b {
			return true
		}
	}
	return false
}

// cExpansion parses objdump's no-aliases text of a compressed instruction ("c.addi a0,1")
// and returns the 32-bit instruction it stands for, written independently of the decoder:
// operands come from objdump's decoding of the bits, expansion rules from the spec's
// table of RVC instructions.
func cExpansion(t *testing.T, text string) (Inst, bool) {
	f := strings.SplitN(text, " ", 2)
	mn := f[0]
	var ops []string
	if len(f) == 2 {
		ops = strings.Split(f[1], ",")
	}
	reg := func(s string) uint8 {
		for i, n := range RegNames {
			if n == s {
				return uint8(i)
			}
		}
		t.Fatalf("unknown register %q in %q", s, text)
		return 0
	}
	num := func(s string) int64 {
		v, err := strconv.ParseInt(s, 0, 64)
		if err != nil {
			t.Fatalf("bad number %q in %q", s, text)
		}
		return v
	}
	mem := func(s string) (int64, uint8) { // "8(sp)"
		i := strings.IndexByte(s, '(')
		return num(s[:i]), reg(strings.TrimSuffix(s[i+1:], ")"))
	}
	switch mn {
	case "c.addi4spn":
		return Inst{Op: OpADDI, Rd: reg(ops[0]), Rs1: 2, Imm: num(ops[2])}, true
	case "c.lw", "c.ld", "c.lwsp", "c.ldsp":
		off, base := mem(ops[1])
		op := OpLW
		if strings.HasPrefix(mn, "c.ld") {
			op = OpLD
		}
		return Inst{Op: op, Rd: reg(ops[0]), Rs1: base, Imm: off}, true
	case "c.sw", "c.sd", "c.swsp", "c.sdsp":
		off, base := mem(ops[1])
		op := OpSW
		if strings.HasPrefix(mn, "c.sd") {
			op = OpSD
		}
		return Inst{Op: op, Rs2: reg(ops[0]), Rs1: base, Imm: off}, true
	case "c.nop":
		imm := int64(0)
		if len(ops) == 1 {
			imm = num(ops[0])
		}
		return Inst{Op: OpADDI, Imm: imm}, true
	case "c.addi", "c.addiw":
		op := OpADDI
		if mn == "c.addiw" {
			op = OpADDIW
		}
		r := reg(ops[0])
		return Inst{Op: op, Rd: r, Rs1: r, Imm: num(ops[1])}, true
	case "c.addi16sp":
		return Inst{Op: OpADDI, Rd: 2, Rs1: 2, Imm: num(ops[1])}, true
	case "c.li":
		return Inst{Op: OpADDI, Rd: reg(ops[0]), Imm: num(ops[1])}, true
	case "c.lui":
		imm := num(ops[1])
		if imm >= 0x20 { // objdump prints the 6-bit field unsigned: 0xfffe0 means -0x20
			imm |= ^int64(0xFFFFF)
		}
		return Inst{Op: OpLUI, Rd: reg(ops[0]), Imm: imm << 12}, true
	case "c.srli", "c.srai", "c.slli", "c.andi":
		op := map[string]Op{"c.srli": OpSRLI, "c.srai": OpSRAI, "c.slli": OpSLLI, "c.andi": OpANDI}[mn]
		r := reg(ops[0])
		imm := int64(0)
		if len(ops) > 1 {
			imm = num(ops[1])
		}
		return Inst{Op: op, Rd: r, Rs1: r, Imm: imm}, true
	case "c.srli64", "c.srai64", "c.slli64":
		// shamt = 0: a HINT in RV64 (a shift by zero), 64 only in RV128.
		op := map[string]Op{"c.srli64": OpSRLI, "c.srai64": OpSRAI, "c.slli64": OpSLLI}[mn]
		r := reg(ops[0])
		return Inst{Op: op, Rd: r, Rs1: r}, true
	case "c.sub", "c.xor", "c.or", "c.and", "c.subw", "c.addw", "c.add":
		op := map[string]Op{"c.sub": OpSUB, "c.xor": OpXOR, "c.or": OpOR, "c.and": OpAND,
			"c.subw": OpSUBW, "c.addw": OpADDW, "c.add": OpADD}[mn]
		r := reg(ops[0])
		return Inst{Op: op, Rd: r, Rs1: r, Rs2: reg(ops[1])}, true
	case "c.mv":
		return Inst{Op: OpADD, Rd: reg(ops[0]), Rs2: reg(ops[1])}, true
	case "c.j":
		return Inst{Op: OpJAL, Imm: num("0x" + ops[0])}, true
	case "c.beqz", "c.bnez":
		op := OpBEQ
		if mn == "c.bnez" {
			op = OpBNE
		}
		return Inst{Op: op, Rs1: reg(ops[0]), Imm: num("0x" + ops[1])}, true
	case "c.jr":
		return Inst{Op: OpJALR, Rs1: reg(ops[0])}, true
	case "c.jalr":
		return Inst{Op: OpJALR, Rd: 1, Rs1: reg(ops[0])}, true
	case "c.ebreak":
		return Inst{Op: OpEBREAK}, true
	}
	return Inst{}, false
}

// TestDecodeCompressedAgainstObjdump checks all 49152 16-bit encodings: legality against
// objdump (except the reserved encodings objdump still names, listed in reservedC) and,
// for every legal one, the expansion against objdump's decoded operands.
func TestDecodeCompressedAgainstObjdump(t *testing.T) {
	var words []uint32
	for w := uint32(0); w < 0x10000; w++ {
		if w&3 != 3 {
			words = append(words, w)
		}
	}
	lens := make([]int, len(words))
	for i := range lens {
		lens[i] = 2
	}
	ref := objdump(t, words, lens)
	bad := 0
	fail := func(format string, args ...any) {
		bad++
		if bad <= 20 {
			t.Errorf(format, args...)
		}
	}
	for i, w := range words {
		in := Decode(w)
		text := normalizeObjdump(ref[i])
		if in.Len != 2 || in.Raw != w {
			fail("0x%04x: Len %d Raw 0x%x", w, in.Len, in.Raw)
			continue
		}
		refIllegal := strings.HasPrefix(text, ".2byte") || strings.HasPrefix(text, ".short") ||
			strings.HasPrefix(text, "c.unimp") || strings.HasPrefix(text, "c.f") || strings.HasPrefix(text, "...")
		if in.Op == OpIllegal {
			if !refIllegal && !reservedC(w) {
				fail("0x%04x: decoded illegal, objdump %q", w, text)
			}
			continue
		}
		if refIllegal {
			fail("0x%04x: decoded %v, objdump says illegal (%q)", w, in, text)
			continue
		}
		want, ok := cExpansion(t, text)
		if !ok {
			fail("0x%04x: objdump %q not understood by the test", w, text)
			continue
		}
		// Branch and jump targets: objdump prints the absolute target of the insn at 2*i.
		if want.Op == OpJAL || want.Op == OpBEQ || want.Op == OpBNE {
			want.Imm = int64(uint64(want.Imm) - uint64(2*i))
			if want.Op == OpJAL {
				want.Imm = int64(int16(want.Imm<<4)) >> 4 // 12-bit signed offset
			} else {
				want.Imm = int64(int16(want.Imm<<7)) >> 7 // 9-bit signed offset
			}
		}
		got := in
		got.Len, got.Raw = 0, 0
		if got != want {
			fail("0x%04x (%s): got %+v, want %+v", w, text, got, want)
		}
	}
	if bad > 0 {
		t.Errorf("%d compressed encodings disagree", bad)
	}
}

// reservedC lists the reserved RVC encodings that binutils still disassembles but the
// spec reserves, which the machine treats as illegal: C.ADDI4SPN with nzuimm = 0,
// C.ADDI16SP and C.LUI with a zero immediate, C.LWSP/C.LDSP with rd = x0, C.JR with rs1 = x0.
func reservedC(w uint32) bool {
	f3, q := (w>>13)&7, w&3
	rdf := (w >> 7) & 31
	ci := (w>>12)&1<<5 | (w>>2)&31
	switch {
	case q == 0 && f3 == 0:
		return true // only nzuimm = 0 reaches here as illegal
	case q == 1 && f3 == 3:
		return ci == 0
	case q == 2 && (f3 == 2 || f3 == 3):
		return rdf == 0
	case q == 2 && f3 == 4 && (w>>12)&1 == 0 && (w>>2)&31 == 0:
		return rdf == 0
	}
	return false
}
