package asm

import (
	"strings"
	"testing"
)

// TestDiagnosticsBecomeErrors: golang-asm reports an instruction it cannot encode
// through its diagnostic hook; the wrapper returns it as an error instead of printing.
func TestDiagnosticsBecomeErrors(t *testing.T) {
	b := NewAMD64()
	b.Inst(MOVQ, Mem(AX, 0), Mem(BX, 0)) // x86 has no memory-to-memory move
	if _, err := b.Assemble(); err == nil || !strings.Contains(err.Error(), "asm:") {
		t.Fatalf("assembling a memory-to-memory MOVQ: err %v, want a diagnostic", err)
	}
}

func TestUnboundLabel(t *testing.T) {
	b := NewAMD64()
	b.Jump(JMP, b.NewLabel())
	if _, err := b.Assemble(); err == nil {
		t.Fatal("a jump to a label never bound assembled")
	}
}

// TestMarksAndLabels: offsets of raw bytes and labels are readable after assembly, for
// patching (the backend patches RIP-relative displacements this way).
func TestMarksAndLabels(t *testing.T) {
	b := NewAMD64()
	b.Inst(MOVQ, R(AX), R(BX)) // 3 bytes
	l := b.NewLabel()
	b.Bind(l)
	b.Raw(0xFF, 0x25)
	m := b.Raw32(0x11223344)
	code, err := b.Assemble()
	if err != nil {
		t.Fatal(err)
	}
	if l.Offset() != 3 || m.Offset() != 5 || m.End() != 9 || len(code) != 9 || code[5] != 0x44 {
		t.Errorf("label at %d, mark at %d..%d, code %x", l.Offset(), m.Offset(), m.End(), code)
	}
	if _, err := b.Assemble(); err == nil {
		t.Error("a builder assembled twice")
	}
}
