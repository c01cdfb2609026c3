package guest

import (
	"encoding/binary"
	"errors"
	"fmt"
	"sort"
)

// ErrBadELF is wrapped by every ELF validation error.
var ErrBadELF = errors.New("bad ELF")

// Segment permission flags (ELF p_flags).
const (
	PermX = 1
	PermW = 2
	PermR = 4
)

// Segment is one PT_LOAD segment of a program.
type Segment struct {
	Vaddr uint64
	Memsz uint64
	Flags uint32
	Data  []byte // the p_filesz bytes from the file; the rest of Memsz is zero
}

// End is the first address after the segment.
func (s *Segment) End() uint64 { return s.Vaddr + s.Memsz }

// Program is a validated RV64 ELF executable: immutable after LoadELF, shared by every
// frame and goroutine that runs it.
type Program struct {
	Entry    uint64
	Segments []Segment // sorted by address, non-overlapping
	// ROStart/ROEnd is the write-protected range: the hull of the segments without W
	// (ROEnd == ROStart when there are none).
	ROStart, ROEnd uint64
	// Lowest and Highest bound all segments.
	Lowest, Highest uint64
}

// Constraints bound where a program's segments may lie.
type Constraints struct {
	// The arena: every segment must lie inside [ArenaBase, ArenaBase+ArenaSize).
	ArenaBase, ArenaSize uint64
	// ExecArenaSize applies when ArenaSize is 0 (exec mode, which derives the arena
	// from the program): every segment must lie inside the arena ExecArena(ExecArenaSize)
	// gives. 0 means MaxArenaSize, so no accepted program spans more than an arena can.
	ExecArenaSize uint64
	// Reserved ranges no segment may touch (the contract calldata window).
	Reserved [][2]uint64
}

// ContractConstraints are the contract memory map's: inside the 1 GiB arena, outside
// the calldata window.
var ContractConstraints = Constraints{
	ArenaBase: ContractBase, ArenaSize: ContractArenaSize,
	Reserved: [][2]uint64{{ContractBase, CalldataWindowEnd}},
}

// ELF constants (System V gABI, RISC-V ELF psABI).
const (
	elfHeaderSize = 64
	phdrSize      = 56
	maxPhdrs      = 64
	etExec        = 2
	emRISCV       = 243
	ptLoad        = 1
	ptDynamic     = 2
	ptInterp      = 3
	// e_flags (RISC-V ELF psABI): EF_RISCV_RVC (0x1) and the float ABI (0x6: soft,
	// single, double, quad) describe how the program was compiled and called, not how
	// its instructions decode, so any value is accepted; an F or D instruction faults
	// as illegal whatever the flag says. EF_RISCV_TSO (0x10) asks for a stronger memory
	// model, which one hart trivially gives. RVE (0x8, 16 registers) changes what the
	// program means, and the other bits are reserved: both are rejected.
	efRVC      = 0x1
	efFloatABI = 0x6
	efRVE      = 0x8
	efTSO      = 0x10
	efKnown    = efRVC | efFloatABI | efRVE | efTSO
)

// LoadELF parses and validates an RV64IMAC static executable (docs/abi.md, "Code and
// initcode"): ELF64, little-endian, EM_RISCV, ET_EXEC, not RVE, PT_LOAD segments only
// from the program headers, each inside the constraints' arena and outside its reserved
// ranges, p_filesz <= p_memsz, no overflow, no overlap, an entry point inside an
// executable segment. The program's segment data aliases elf.
func LoadELF(elf []byte, c Constraints) (*Program, error) {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: "+format, append([]any{ErrBadELF}, args...)...)
	}
	if len(elf) < elfHeaderSize {
		return nil, bad("%d bytes is shorter than an ELF header", len(elf))
	}
	if string(elf[:4]) != "\x7fELF" {
		return nil, bad("no ELF magic")
	}
	if elf[4] != 2 {
		return nil, bad("class %d, want ELFCLASS64", elf[4])
	}
	if elf[5] != 1 {
		return nil, bad("data encoding %d, want little-endian", elf[5])
	}
	if elf[6] != 1 {
		return nil, bad("ident version %d, want 1", elf[6])
	}
	le := binary.LittleEndian
	if t := le.Uint16(elf[16:]); t != etExec {
		return nil, bad("type %d, want ET_EXEC (a static executable)", t)
	}
	if m := le.Uint16(elf[18:]); m != emRISCV {
		return nil, bad("machine %d, want EM_RISCV (243)", m)
	}
	if v := le.Uint32(elf[20:]); v != 1 {
		return nil, bad("version %d, want 1", v)
	}
	if f := le.Uint32(elf[48:]); f&efRVE != 0 {
		return nil, bad("flags %#x: RVE (the 16-register base ISA) is not RV64I", f)
	} else if f&^efKnown != 0 {
		return nil, bad("flags %#x: reserved bits %#x set", f, f&^efKnown)
	}
	entry := le.Uint64(elf[24:])
	phoff := le.Uint64(elf[32:])
	phentsize := le.Uint16(elf[54:])
	phnum := le.Uint16(elf[56:])
	if phnum == 0 {
		return nil, bad("no program headers")
	}
	if phentsize != phdrSize {
		return nil, bad("program header size %d, want %d", phentsize, phdrSize)
	}
	if phnum > maxPhdrs {
		return nil, bad("%d program headers, at most %d allowed", phnum, maxPhdrs)
	}
	if phoff > uint64(len(elf)) || uint64(phnum)*phdrSize > uint64(len(elf))-phoff {
		return nil, bad("program headers [%#x, +%d×%d) run past the end of the %d-byte file", phoff, phnum, phdrSize, len(elf))
	}
	p := &Program{Entry: entry}
	for i := 0; i < int(phnum); i++ {
		h := elf[phoff+uint64(i)*phdrSize:]
		typ := le.Uint32(h[0:])
		switch typ {
		case ptLoad:
		case ptDynamic, ptInterp:
			return nil, bad("segment %d: type %d (dynamic linking is not supported; link statically)", i, typ)
		default:
			continue // PT_NOTE, PT_GNU_STACK, PT_RISCV_ATTRIBUTES, ...: nothing to load
		}
		flags := le.Uint32(h[4:])
		off, vaddr := le.Uint64(h[8:]), le.Uint64(h[16:])
		filesz, memsz := le.Uint64(h[32:]), le.Uint64(h[40:])
		if memsz == 0 {
			continue
		}
		if filesz > memsz {
			return nil, bad("segment %d: p_filesz %#x exceeds p_memsz %#x", i, filesz, memsz)
		}
		if off > uint64(len(elf)) || filesz > uint64(len(elf))-off {
			return nil, bad("segment %d: file range [%#x, +%#x) runs past the end of the %d-byte file", i, off, filesz, len(elf))
		}
		if vaddr+memsz < vaddr {
			return nil, bad("segment %d: [%#x, +%#x) wraps around the address space", i, vaddr, memsz)
		}
		if c.ArenaSize != 0 && (vaddr < c.ArenaBase || vaddr-c.ArenaBase > c.ArenaSize || memsz > c.ArenaSize-(vaddr-c.ArenaBase)) {
			return nil, bad("segment %d: [%#x, %#x) is outside the arena [%#x, %#x)", i, vaddr, vaddr+memsz, c.ArenaBase, c.ArenaBase+c.ArenaSize)
		}
		for _, r := range c.Reserved {
			if vaddr < r[1] && vaddr+memsz > r[0] {
				return nil, bad("segment %d: [%#x, %#x) overlaps the reserved range [%#x, %#x) (the calldata window)", i, vaddr, vaddr+memsz, r[0], r[1])
			}
		}
		p.Segments = append(p.Segments, Segment{Vaddr: vaddr, Memsz: memsz, Flags: flags & 7, Data: elf[off : off+filesz]})
	}
	if len(p.Segments) == 0 {
		return nil, bad("no loadable segments")
	}
	sort.Slice(p.Segments, func(i, j int) bool { return p.Segments[i].Vaddr < p.Segments[j].Vaddr })
	for i := 1; i < len(p.Segments); i++ {
		if prev, s := &p.Segments[i-1], &p.Segments[i]; s.Vaddr < prev.End() {
			return nil, bad("segments at %#x and %#x overlap", prev.Vaddr, s.Vaddr)
		}
	}
	p.Lowest, p.Highest = p.Segments[0].Vaddr, p.Segments[len(p.Segments)-1].End()
	if c.ArenaSize == 0 {
		// Checked here, before any caller sizes a table from the program's span.
		size := c.ExecArenaSize
		if size == 0 || size > MaxArenaSize {
			size = MaxArenaSize
		}
		if _, err := p.ExecArena(size); err != nil {
			return nil, err
		}
	}
	if !p.Executable(entry, 2) {
		return nil, bad("entry point %#x is not inside an executable segment", entry)
	}
	if err := p.findReadOnly(); err != nil {
		return nil, bad("%v", err)
	}
	return p, nil
}

// findReadOnly sets the write-protected range: the hull of the segments without W. The
// engines check stores against one range (one compare), so a writable segment inside
// that hull is rejected rather than silently protected or left open.
func (p *Program) findReadOnly() error {
	first := true
	for _, s := range p.Segments {
		if s.Flags&PermW != 0 {
			continue
		}
		if first {
			p.ROStart, first = s.Vaddr, false
		}
		p.ROEnd = s.End()
	}
	if first {
		return nil
	}
	for _, s := range p.Segments {
		if s.Flags&PermW != 0 && s.Vaddr < p.ROEnd && s.End() > p.ROStart {
			return fmt.Errorf("writable segment at %#x lies between read-only segments [%#x, %#x); hybridvm write-protects one contiguous read-only range, so place writable segments after the read-only ones", s.Vaddr, p.ROStart, p.ROEnd)
		}
	}
	return nil
}

// LoadedPages is the number of 4 KiB pages that hold the segments' file bytes: what
// loading the program into an arena writes.
func (p *Program) LoadedPages() uint64 {
	var n, last uint64
	seen := false
	for i := range p.Segments {
		s := &p.Segments[i]
		if len(s.Data) == 0 {
			continue
		}
		lo, hi := s.Vaddr>>12, (s.Vaddr+uint64(len(s.Data))+4095)>>12
		if seen && lo <= last {
			lo = last + 1 // the page shared with the previous segment counts once
		}
		if hi > lo {
			n += hi - lo
		}
		last, seen = max(last, hi-1), true
	}
	return n
}

// Executable reports whether the n bytes at addr lie inside one executable segment.
func (p *Program) Executable(addr, n uint64) bool {
	for i := range p.Segments {
		s := &p.Segments[i]
		if s.Flags&PermX != 0 && addr >= s.Vaddr && addr-s.Vaddr < s.Memsz && n <= s.Memsz-(addr-s.Vaddr) {
			return true
		}
	}
	return false
}

// LoadInto copies the segments into a (which must be zero) and write-protects the
// read-only range.
func (p *Program) LoadInto(a *Arena) error {
	for i := range p.Segments {
		s := &p.Segments[i]
		if !a.Contains(s.Vaddr, s.Memsz) {
			return fmt.Errorf("segment at %#x (%d bytes) does not fit the arena [%#x, +%#x)", s.Vaddr, s.Memsz, a.Base, a.Size)
		}
		if err := a.Write(s.Vaddr, s.Data); err != nil {
			return err
		}
	}
	if p.ROEnd > p.ROStart {
		a.Protect(p.ROStart, p.ROEnd-p.ROStart)
	}
	return nil
}

// ExecArena returns the exec-mode arena for the program: from the lowest segment
// rounded down to 64 KiB, size bytes (DefaultExecArenaSize when 0).
func (p *Program) ExecArena(size uint64) (base uint64, err error) {
	if size == 0 {
		size = DefaultExecArenaSize
	}
	base = p.Lowest &^ (ExecArenaAlign - 1)
	if p.Highest-base > size {
		return 0, fmt.Errorf("%w: segments span [%#x, %#x), more than the %d MiB exec arena", ErrBadELF, base, p.Highest, size>>20)
	}
	if base+size < base {
		return 0, fmt.Errorf("%w: arena at %#x of %d MiB wraps around the address space", ErrBadELF, base, size>>20)
	}
	return base, nil
}
