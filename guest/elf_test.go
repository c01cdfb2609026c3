package guest

import (
	"encoding/binary"
	"errors"
	"testing"

	"github.com/hybridvm/hybridvm/internal/rvasm"
)

func validContract() []byte {
	return rvasm.ELF(StackTop,
		rvasm.Segment{Vaddr: StackTop, Data: []byte{0x13, 0, 0, 0, 0x73, 0, 0, 0}, Flags: PermR | PermX},
		rvasm.Segment{Vaddr: StackTop + 0x1000, Data: []byte{1, 2, 3}, Memsz: 0x100, Flags: PermR | PermW})
}

// mutate returns a copy of elf changed by f.
func mutate(elf []byte, f func(b []byte)) []byte {
	b := append([]byte(nil), elf...)
	f(b)
	return b
}

const ph = 64 // first program header

func TestLoadELFValid(t *testing.T) {
	p, err := LoadELF(validContract(), ContractConstraints)
	if err != nil {
		t.Fatal(err)
	}
	if p.Entry != StackTop || len(p.Segments) != 2 || p.ROStart != StackTop || p.ROEnd != StackTop+8 {
		t.Errorf("program %+v", p)
	}
}

// withFlags is the valid contract with e_flags set to f.
func withFlags(f uint32) []byte {
	return mutate(validContract(), func(b []byte) { binary.LittleEndian.PutUint32(b[48:], f) })
}

// TestLoadELFFlags: the float ABI, RVC and TSO flags describe the calling convention
// or the memory model, not the decoding, and are accepted (r55's assembly example
// carries double-float, 0x5); RVE and reserved bits are not.
func TestLoadELFFlags(t *testing.T) {
	tests := []struct {
		flags uint32
		ok    bool
	}{
		{0x0, true},  // soft-float, no RVC
		{0x1, true},  // RVC, soft-float
		{0x2, true},  // single-float
		{0x3, true},  // RVC, single-float
		{0x4, true},  // double-float
		{0x5, true},  // RVC, double-float (r55's example)
		{0x6, true},  // quad-float
		{0x7, true},  // RVC, quad-float
		{0x10, true}, // TSO
		{0x15, true}, // TSO, RVC, double-float
		{0x8, false}, // RVE
		{0x9, false}, // RVE, RVC
		{0xe, false}, // RVE, quad-float
		{0x20, false},
		{0x101, false},
		{0x80000000, false},
	}
	for _, tt := range tests {
		_, err := LoadELF(withFlags(tt.flags), ContractConstraints)
		if tt.ok && err != nil {
			t.Errorf("flags %#x: %v, want accepted", tt.flags, err)
		}
		if !tt.ok && !errors.Is(err, ErrBadELF) {
			t.Errorf("flags %#x: err = %v, want ErrBadELF", tt.flags, err)
		}
	}
}

func TestLoadELFRejects(t *testing.T) {
	le := binary.LittleEndian
	good := validContract()
	tests := []struct {
		name string
		elf  []byte
	}{
		{"empty", nil},
		{"truncated header", good[:40]},
		{"no magic", mutate(good, func(b []byte) { b[0] = 0 })},
		{"32-bit class", mutate(good, func(b []byte) { b[4] = 1 })},
		{"big-endian", mutate(good, func(b []byte) { b[5] = 2 })},
		{"shared object", mutate(good, func(b []byte) { le.PutUint16(b[16:], 3) })},
		{"x86-64 machine", mutate(good, func(b []byte) { le.PutUint16(b[18:], 62) })},
		{"RVE", mutate(good, func(b []byte) { le.PutUint32(b[48:], 0x8) })},
		{"RVE, double-float", mutate(good, func(b []byte) { le.PutUint32(b[48:], 0xd) })},
		{"reserved flag bit", mutate(good, func(b []byte) { le.PutUint32(b[48:], 0x21) })},
		{"high reserved flag bit", mutate(good, func(b []byte) { le.PutUint32(b[48:], 0x80000001) })},
		{"no program headers", mutate(good, func(b []byte) { le.PutUint16(b[56:], 0) })},
		{"wrong phentsize", mutate(good, func(b []byte) { le.PutUint16(b[54:], 32) })},
		{"too many phdrs", mutate(good, func(b []byte) { le.PutUint16(b[56:], 1000) })},
		{"phoff past the end", mutate(good, func(b []byte) { le.PutUint64(b[32:], 1<<62) })},
		{"phoff overflow", mutate(good, func(b []byte) { le.PutUint64(b[32:], ^uint64(0)-10) })},
		{"filesz > memsz", mutate(good, func(b []byte) { le.PutUint64(b[ph+32:], 100); le.PutUint64(b[ph+40:], 8) })},
		{"file range past the end", mutate(good, func(b []byte) { le.PutUint64(b[ph+8:], 1<<40) })},
		{"file offset overflow", mutate(good, func(b []byte) { le.PutUint64(b[ph+8:], ^uint64(0)) })},
		{"segment wraps", mutate(good, func(b []byte) { le.PutUint64(b[ph+16:], ^uint64(0)-3); le.PutUint64(b[ph+40:], 16) })},
		{"segment below the arena", mutate(good, func(b []byte) { le.PutUint64(b[ph+16:], 0x1000); le.PutUint64(b[24:], 0x1000) })},
		{"segment past the arena", mutate(good, func(b []byte) { le.PutUint64(b[ph+56+40:], 1<<31) })},
		{"segment in the calldata window", mutate(good, func(b []byte) { le.PutUint64(b[ph+16:], ContractBase+0x100); le.PutUint64(b[24:], ContractBase+0x100) })},
		{"entry outside code", mutate(good, func(b []byte) { le.PutUint64(b[24:], StackTop+0x1000) })},
		{"entry in a non-executable segment", mutate(good, func(b []byte) { le.PutUint32(b[ph+4:], PermR) })},
		{"overlapping segments", mutate(good, func(b []byte) { le.PutUint64(b[ph+56+16:], StackTop+4) })},
		{"dynamic", mutate(good, func(b []byte) { le.PutUint32(b[ph+56:], 2) })},
		{"writable segment between read-only ones", rvasm.ELF(StackTop,
			rvasm.Segment{Vaddr: StackTop, Data: make([]byte, 8), Flags: PermR | PermX},
			rvasm.Segment{Vaddr: StackTop + 0x1000, Data: make([]byte, 8), Flags: PermR | PermW},
			rvasm.Segment{Vaddr: StackTop + 0x2000, Data: make([]byte, 8), Flags: PermR})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := LoadELF(tt.elf, ContractConstraints)
			if !errors.Is(err, ErrBadELF) {
				t.Fatalf("err = %v, want ErrBadELF", err)
			}
			t.Log(err)
		})
	}
}

// hugeExecELF is an exec-mode program whose code segment is memsz bytes.
func hugeExecELF(memsz uint64) []byte {
	return rvasm.ELF(0x10000, rvasm.Segment{Vaddr: 0x10000, Data: []byte{0x73, 0, 0, 0}, Memsz: memsz, Flags: PermR | PermX})
}

// TestLoadELFExecArena: without a contract arena, the segments must fit the exec arena
// (ExecArenaSize, or MaxArenaSize when 0), checked by the loader so that no caller
// sizes anything from an unbounded span.
func TestLoadELFExecArena(t *testing.T) {
	tests := []struct {
		name  string
		elf   []byte
		arena uint64
		ok    bool
	}{
		{"small", hugeExecELF(0x1000), 0, true},
		{"the whole default arena", hugeExecELF(DefaultExecArenaSize), DefaultExecArenaSize, true},
		{"one byte past the default arena", hugeExecELF(DefaultExecArenaSize + 1), DefaultExecArenaSize, false},
		{"the largest arena", hugeExecELF(MaxArenaSize), 0, true},
		{"past the largest arena", hugeExecELF(MaxArenaSize + 1), 0, false},
		{"2^62", hugeExecELF(1 << 62), 0, false},
		{"2^62, arena too large", hugeExecELF(1 << 62), 1 << 63, false},
		{"near the top of the address space", rvasm.ExecELF(^uint64(0)-0xffff, []byte{0x73, 0, 0, 0}), 0, false},
	}
	for _, tt := range tests {
		p, err := LoadELF(tt.elf, Constraints{ExecArenaSize: tt.arena})
		if tt.ok && err != nil {
			t.Errorf("%s: %v", tt.name, err)
		}
		if !tt.ok && !errors.Is(err, ErrBadELF) {
			t.Errorf("%s: err = %v, want ErrBadELF", tt.name, err)
		}
		if err == nil && p.Highest-p.Lowest > MaxArenaSize {
			t.Errorf("%s: accepted a span of %#x", tt.name, p.Highest-p.Lowest)
		}
	}
}

// FuzzLoadELF: no input makes the loader panic, and what it accepts satisfies the
// invariants the engines rely on.
func FuzzLoadELF(f *testing.F) {
	f.Add(validContract())
	f.Add(rvasm.ExecELF(0x10000, []byte{0x73, 0, 0, 0}))
	for _, flags := range []uint32{0x2, 0x4, 0x5, 0x6, 0x15, 0x8, 0x20} {
		f.Add(withFlags(flags))
	}
	f.Add(hugeExecELF(1 << 62))
	f.Add(hugeExecELF(MaxArenaSize))
	f.Fuzz(func(t *testing.T, elf []byte) {
		if pe, err := LoadELF(elf, Constraints{}); err == nil && pe.Highest-pe.Lowest > MaxArenaSize {
			t.Fatalf("exec mode accepted segments spanning [%#x, %#x)", pe.Lowest, pe.Highest)
		}
		p, err := LoadELF(elf, ContractConstraints)
		if err != nil {
			return
		}
		for i, s := range p.Segments {
			if s.Vaddr < CalldataWindowEnd || s.End() > ContractBase+ContractArenaSize {
				t.Fatalf("segment %d [%#x, %#x) escapes the contract map", i, s.Vaddr, s.End())
			}
			if uint64(len(s.Data)) > s.Memsz {
				t.Fatalf("segment %d: data longer than memsz", i)
			}
			if i > 0 && s.Vaddr < p.Segments[i-1].End() {
				t.Fatalf("segments overlap")
			}
		}
		if !p.Code().Executable(p.Entry, 2) {
			t.Fatalf("entry not executable")
		}
		p2, err := LoadELF(elf, Constraints{})
		if err != nil || p2.Entry != p.Entry || p2.Highest-p2.Lowest > MaxArenaSize {
			t.Fatalf("accepted with contract constraints but not without: %v", err)
		}
	})
}
