package amd64

import (
	"encoding/hex"
	"flag"
	"fmt"
	"strings"
	"testing"

	"github.com/hybridvm/hybridvm/codegen/internal/asm"
	rv "github.com/hybridvm/hybridvm/internal/rvasm"
	"github.com/hybridvm/hybridvm/internal/testtools"
	"github.com/hybridvm/hybridvm/riscv"
)

var update = flag.Bool("update", false, "print the tables' rows as this code generates them (to review and paste)")

// TestEmitterEncodings: each row builds one instruction (or one emitter helper's
// sequence) and states its bytes and its disassembly (GNU objdump, AT&T syntax). The
// bytes of every row are always checked; then the text of every row is checked against
// objdump when it is installed (a subtest that is skipped, or fails under
// HYBRIDVM_REQUIRE_TOOLS=1, without it), so the table cannot drift from what the bytes
// mean.
func TestEmitterEncodings(t *testing.T) {
	tests := []struct {
		name  string
		build func(e *emitter)
		hex   string
		text  string
	}{
		{"guest register from the state", func(e *emitter) { e.load(20, tA) }, "498b4720", "mov 0x20(%r15),%rax"},
		{"x0 reads as zero", func(e *emitter) { e.load(0, tC) }, "31c9", "xor %ecx,%ecx"},
		{"mapped register copy", func(e *emitter) { e.load(10, tD) }, "4889f2", "mov %rsi,%rdx"},
		{"result to a state slot", func(e *emitter) { e.commit(20, tA) }, "49894720", "mov %rax,0x20(%r15)"},
		{"small constant", func(e *emitter) { e.movImm(-1, tA) }, "48c7c0ffffffff", "mov $0xffffffffffffffff,%rax"},
		{"constant 2^31 zero-extends", func(e *emitter) { e.movImm(0x8000_0000, asm.R9) }, "41b900000080", "mov $0x80000000,%r9d"},
		{"64-bit constant", func(e *emitter) { e.movImm(0x1_0000_0000, asm.BX) }, "48bb0000000001000000", "movabs $0x100000000,%rbx"},
		{"wide constant into a state slot", func(e *emitter) { e.setImm(20, 0x8030_0010, tA) }, "b81000308049894720", "mov $0x80300010,%eax; mov %rax,0x20(%r15)"},
		{"pc above 2^31 stored as two halves", func(e *emitter) { e.store64Imm(0x8030_0010, 256) }, "41c787800000001000308041c7878400000000000000", "movl $0x80300010,0x80(%r15); movl $0x0,0x84(%r15)"},
		{"pc below 2^31", func(e *emitter) { e.store64Imm(0x10078, 256) }, "49c7878000000078000100", "movq $0x10078,0x80(%r15)"},
		{"wide add through a scratch", func(e *emitter) { e.addImm(-0x8030_0000, tA, tD) }, "48ba0000d07fffffffff4801d0", "movabs $0xffffffff7fd00000,%rdx; add %rdx,%rax"},
		{"exit code", func(e *emitter) { e.setExit(2) }, "41c7879800000002000000", "movl $0x2,0x98(%r15)"},
		{"byte store from SIL needs REX", func(e *emitter) { e.op(asm.MOVB, asm.R(asm.SI), arenaMem) }, "41883406", "mov %sil,(%r14,%rax,1)"},
		{"dispatch jump", func(e *emitter) { e.op(asm.JMP, asm.None, asm.MemIdx(tC, tD, 4, 0)) }, "ff2491", "jmp *(%rcx,%rdx,4)"},
		{"gas and instret in one subtraction", func(e *emitter) { e.op(asm.SUBQ, asm.Imm(7<<gasShift-3), asm.R(rGas)) }, "4981edfdff1b00", "sub $0x1bfffd,%r13"},
	}
	rows := make([]encodingRow, len(tests))
	for i, tt := range tests {
		rows[i] = encodingRow{name: tt.name, code: assembleOne(t, tt.build), hex: tt.hex, text: tt.text}
	}
	checkEncodings(t, rows)
}

// TestLoweringEncodings: per lowered RISC-V instruction, the straight-line code it
// becomes (the out-of-line fault paths are not shown: jumps to them print as
// offsets past the snippet) with the default register map — sp=rbx, a0=rsi,
// a5=rdi, a4=r8, a1=r9, ra=r10, a2=r11, a3=r12, s0=rbp, t0=rcx — and the contract layout
// (arena at 0x8000_0000, read-only range at +3 MiB). Stores are checked against the
// store windows (storewin.go); atomics call the full check routine.
func TestLoweringEncodings(t *testing.T) {
	const pc = 0x8030_0000
	defer func(v bool) { hasBMI2 = v }(hasBMI2)
	d := func(raw uint32) riscv.Inst { return riscv.Decode(raw) }
	tests := []struct {
		name string
		in   riscv.Inst
		hex  string
		text string
	}{
		{"add, all mapped: one lea", d(rv.R(0x33, 0, 0, rv.A0, rv.A1, rv.A2)), "4b8d3419", "lea (%r9,%r11,1),%rsi"},
		{"add into itself", d(rv.R(0x33, 0, 0, rv.A0, rv.A0, rv.A1)), "4c01ce", "add %r9,%rsi"},
		{"sub with rd = rs2", d(rv.R(0x33, 0, 0x20, rv.A1, rv.A0, rv.A1)), "4889f04c29c84989c1", "mov %rsi,%rax; sub %r9,%rax; mov %rax,%r9"},
		{"add of unmapped registers", d(rv.R(0x33, 0, 0, rv.S2, rv.S3, rv.S4)), "498b47184903472049894710", "mov 0x18(%r15),%rax; add 0x20(%r15),%rax; mov %rax,0x10(%r15)"},
		{"xor into an unmapped register, in place", d(rv.R(0x33, 4, 0, rv.S2, rv.S2, rv.A1)), "4d314f10", "xor %r9,0x10(%r15)"},
		{"write to x0 is dropped", d(rv.R(0x33, 0, 0, rv.Zero, rv.A0, rv.A1)), "", ""},
		{"addi as lea", d(rv.I(0x13, 0, rv.A0, rv.SP, 16)), "488d7310", "lea 0x10(%rbx),%rsi"},
		{"li", d(rv.I(0x13, 0, rv.A0, rv.Zero, -5)), "48c7c6fbffffff", "mov $0xfffffffffffffffb,%rsi"},
		{"lui", d(rv.U(0x37, rv.A1, 0x12345000)), "49c7c100503412", "mov $0x12345000,%r9"},
		{"auipc above 2^31", d(rv.U(0x17, rv.S2, 0x1000)), "b80010308049894710", "mov $0x80301000,%eax; mov %rax,0x10(%r15)"},
		{"slti", d(rv.I(0x13, 2, rv.A0, rv.A1, -1)), "4983f9ff0f9cc0480fb6f0", "cmp $0xffffffffffffffff,%r9; setl %al; movzbq %al,%rsi"},
		{"sltu", d(rv.R(0x33, 3, 0, rv.A0, rv.A1, rv.A2)), "4d39d90f92c0480fb6f0", "cmp %r11,%r9; setb %al; movzbq %al,%rsi"},
		{"sll by a register", d(rv.R(0x33, 1, 0, rv.A0, rv.A1, rv.A2)), "c4c2a1f7f1", "shlx %r11,%r9,%rsi"},
		{"sll without BMI2: the count in CL, RCX's guest register spilled around it", d(rv.R(0x33, 1, 0, rv.A0, rv.A1, rv.A2)), "49894fa84c89d94c89ce48d3e6498b4fa8", "mov %rcx,-0x58(%r15); mov %r11,%rcx; mov %r9,%rsi; shl %cl,%rsi; mov -0x58(%r15),%rcx"},
		{"srai by 63", d(rv.I(0x13, 5, rv.A0, rv.A1, 0x400|63)), "4c89ce48c1fe3f", "mov %r9,%rsi; sar $0x3f,%rsi"},
		{"addw sign-extends", d(rv.R(0x3B, 0, 0, rv.A0, rv.A1, rv.A2)), "4489c84401d84863f0", "mov %r9d,%eax; add %r11d,%eax; movslq %eax,%rsi"},
		{"addw in place sign-extends its register", d(rv.R(0x3B, 0, 0, rv.A0, rv.A0, rv.A2)), "4401de4863f6", "add %r11d,%esi; movslq %esi,%rsi"},
		{"sraw by a register", d(rv.R(0x3B, 5, 0x20, rv.A0, rv.A1, rv.A2)), "c4c222f7c14863f0", "sarx %r11d,%r9d,%eax; movslq %eax,%rsi"},
		{"mul", d(rv.R(0x33, 0, 1, rv.A0, rv.A1, rv.A2)), "4c89ce490faff3", "mov %r9,%rsi; imul %r11,%rsi"},
		{"mulhsu", d(rv.R(0x33, 2, 1, rv.A0, rv.A1, rv.A2)), "4c89c849f7e34c89c848c1f83f4c21d84829c24889d6", "mov %r9,%rax; mul %r11; mov %r9,%rax; sar $0x3f,%rax; and %r11,%rax; sub %rax,%rdx; mov %rdx,%rsi"},
		{"div: zero and -1 divisors out of line, the divisor used in place", d(rv.R(0x33, 4, 1, rv.A0, rv.A1, rv.A2)), "4983fb000f84970000004983fbff0f84990000004c89c8489949f7fb4889c6", "cmp $0x0,%r11; je 0xa1; cmp $0xffffffffffffffff,%r11; je 0xad; mov %r9,%rax; cqto; idiv %r11; mov %rax,%rsi"},
		{"remuw", d(rv.R(0x3B, 7, 1, rv.A0, rv.A1, rv.A2)), "4183fb000f848d0000004489c831d241f7f34863f2", "cmp $0x0,%r11d; je 0x97; mov %r9d,%eax; xor %edx,%edx; div %r11d; movslq %edx,%rsi"},
		{"ld: bounds check then load", d(rv.I(0x03, 3, rv.A0, rv.SP, 8)), "488d8308000080483df8ffff3f0f8786000000498b3406", "lea -0x7ffffff8(%rbx),%rax; cmp $0x3ffffff8,%rax; ja 0x99; mov (%r14,%rax,1),%rsi"},
		{"lb with a negative offset", d(rv.I(0x03, 0, rv.A0, rv.A1, -1)), "498d41ff480500000080483dffffff3f0f8787000000490fbe3406", "lea -0x1(%r9),%rax; add $0xffffffff80000000,%rax; cmp $0x3fffffff,%rax; ja 0x9d; movsbq (%r14,%rax,1),%rsi"},
		{"sd via sp: the stack-side store window", d(rv.S(0x23, 3, rv.SP, rv.RA, 0)), "488d8300000080493b87100100000f829f000000493b87200100000f87920000004d891406", "lea -0x80000000(%rbx),%rax; cmp 0x110(%r15),%rax; jb 0xb3; cmp 0x120(%r15),%rax; ja 0xb3; mov %r10,(%r14,%rax,1)"},
		{"sb via a1 of an unmapped register: the data-side window", d(rv.S(0x23, 0, rv.A1, rv.S2, 1)), "498d8101000080493b87180100000f82a3000000493b87280100000f8796000000498b571041881406", "lea -0x7fffffff(%r9),%rax; cmp 0x118(%r15),%rax; jb 0xb7; cmp 0x128(%r15),%rax; ja 0xb7; mov 0x10(%r15),%rdx; mov %dl,(%r14,%rax,1)"},
		{"mv", d(rv.R(0x33, 0, 0, rv.A0, rv.Zero, rv.A1)), "4c89ce", "mov %r9,%rsi"},
		{"neg", d(rv.R(0x33, 0, 0x20, rv.A0, rv.Zero, rv.A1)), "4c89ce48f7de", "mov %r9,%rsi; neg %rsi"},
		{"not", d(rv.I(0x13, 4, rv.A0, rv.A1, -1)), "4c89ce48f7d6", "mov %r9,%rsi; not %rsi"},
		{"sext.w of an unmapped register", d(rv.I(0x1B, 0, rv.A0, rv.S2, 0)), "49637710", "movslq 0x10(%r15),%rsi"},
		{"amoadd.d: alignment, then the full store check routine", d(rv.R(0x2F, 3, 0, rv.A0, rv.A1, rv.A2)), "4c89c8a9070000000f85ac000000480500000080e8bf0000000f85aa00000049894fa84c89d9498b14064801d149890c064889d6498b4fa8", "mov %r9,%rax; test $0x7,%eax; jne 0xba; add $0xffffffff80000000,%rax; call 0xd8; jne 0xc9; mov %rcx,-0x58(%r15); mov %r11,%rcx; mov (%r14,%rax,1),%rdx; add %rdx,%rcx; mov %rcx,(%r14,%rax,1); mov %rdx,%rsi; mov -0x58(%r15),%rcx"},
		{"csrrs mstatus", d(rv.I(0x73, 2, rv.A0, rv.A1, 0x300)), "4c89ca498b87e00000004809c2498997e00000004889c6", "mov %r9,%rdx; mov 0xe0(%r15),%rax; or %rax,%rdx; mov %rdx,0xe0(%r15); mov %rax,%rsi"},
	}
	rows := make([]encodingRow, len(tests))
	for i, tt := range tests {
		// Rows are BMI2 code unless they say otherwise (whatever the host has).
		hasBMI2 = !strings.Contains(tt.name, "without BMI2")
		rows[i] = encodingRow{name: fmt.Sprintf("%s (%v)", tt.name, tt.in), code: lowerOne(t, tt.in, pc), hex: tt.hex, text: tt.text}
	}
	checkEncodings(t, rows)
}

// encodingRow is one row of an encoding table: the code generated, and the bytes and
// disassembly the table states for it.
type encodingRow struct {
	name      string
	code      []byte
	hex, text string
}

// checkEncodings asserts every row's bytes, without any tool; then, in a subtest that
// needs objdump (see testtools), that each row's text is what objdump makes of its
// bytes. With -update it prints the rows as generated instead.
func checkEncodings(t *testing.T, rows []encodingRow) {
	t.Helper()
	if *update {
		for _, r := range rows {
			fmt.Printf("{%q, ..., %q, %q},\n", r.name, hexOf(r.code), strings.Join(objdump(t, r.code), "; "))
		}
		return
	}
	for _, r := range rows {
		if got := hexOf(r.code); got != r.hex {
			t.Errorf("%s: bytes %s, want %s", r.name, got, r.hex)
		}
	}
	t.Run("objdump", func(t *testing.T) {
		testtools.Need(t, "objdump")
		for _, r := range rows {
			b, err := hex.DecodeString(r.hex)
			if err != nil {
				t.Fatalf("%s: table bytes %q: %v", r.name, r.hex, err)
			}
			if got := strings.Join(objdump(t, b), "; "); got != r.text {
				t.Errorf("%s: %s disassembles to %q, the table says %q", r.name, r.hex, got, r.text)
			}
		}
	})
}
