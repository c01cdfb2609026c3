package codegen

import (
	"encoding/binary"
	"fmt"
)

// Relocatable units. Compiled code is position-independent except for its references
// to the unit's own data words (jump slots and the dispatch table's address), which
// are PC-relative and so depend on where the code and data pages land; the data words
// hold absolute addresses (block entries, the unit's missing-block stubs, the dispatch
// table). A Unit records exactly those, so its code can be placed anywhere: every unit,
// compiled or loaded from a cache, is placed by Linker.Place from this form.

// Unit is one unit of compiled code in relocatable form.
type Unit struct {
	// Code is the machine code with every reference site zeroed.
	Code []byte
	// Blocks are the unit's blocks: guest address and entry offsets in Code.
	Blocks []UnitBlock
	// Slots are the unit's data words, in order.
	Slots []Slot
	// Refs are the code's references to its data words.
	Refs []Ref
}

// UnitBlock is a block of a unit: its guest address, its direct entry (the gas
// check) and indirect entry (the target check of a jump through the dispatch table),
// both offsets in the unit's code.
type UnitBlock struct {
	Start            uint64
	Direct, Indirect uint32
}

// SlotKind says what a data word holds.
type SlotKind uint8

// The data-word kinds.
const (
	// SlotBlock is a jump slot: the direct entry of the block at Target once it is
	// compiled, until then the unit's stub at offset Miss (which exits with
	// ExitMissingBlock).
	SlotBlock SlotKind = iota
	// SlotTable holds the address of the module's dispatch table.
	SlotTable
)

// Slot is one data word of a unit.
type Slot struct {
	Kind   SlotKind
	Target uint64
	Miss   uint32
}

// Ref is a reference from code to a data word: the backend's PC-relative instruction
// (sequence) at offset Off in the code loads or jumps through data word Slot; Arg is
// the backend's (arm64: the destination register of ADRP+LDR).
type Ref struct {
	Off  uint32
	Slot uint32
	Arg  uint8
}

// RefPatcher writes a reference into code (the unit's code, writable, at address
// codeBase): the instruction at r.Off must reach the data word at target.
type RefPatcher func(code []byte, codeBase, target uintptr, r Ref)

// RefSize is the number of code bytes a reference of each backend occupies (amd64: a
// disp32; arm64: ADRP+LDR).
func RefSize(backend string) int {
	if backend == "arm64" {
		return 8
	}
	return 4
}

// Check verifies that u is well formed for a module of this linker: every offset
// within the code, every reference and slot index in range, every block inside the
// code range and not compiled yet (refSize: bytes a reference occupies). Units from a
// cache are checked before anything is mapped.
func (k *Linker) Check(u *Unit, refSize int) error {
	n := uint64(len(u.Code))
	if n == 0 || n > 1<<30 {
		return fmt.Errorf("unit of %d bytes", n)
	}
	for i, b := range u.Blocks {
		if uint64(b.Direct) >= n || uint64(b.Indirect) >= n {
			return fmt.Errorf("block %#x: entry outside the code", b.Start)
		}
		// Units list their blocks by address (translate sorts them), so a block given
		// twice is out of order.
		if b.Start < k.Lo || b.Start-k.Lo >= MaxCodeSpan || b.Start >= k.Cfg.CodeHi || (i > 0 && b.Start <= u.Blocks[i-1].Start) || k.Has(b.Start) {
			return fmt.Errorf("block %#x outside the code range, out of order or compiled already", b.Start)
		}
	}
	for _, s := range u.Slots {
		switch s.Kind {
		case SlotTable:
		case SlotBlock:
			if uint64(s.Miss) >= n {
				return fmt.Errorf("slot for %#x: stub outside the code", s.Target)
			}
		default:
			return fmt.Errorf("slot kind %d", s.Kind)
		}
	}
	for _, r := range u.Refs {
		if uint64(r.Off)+uint64(refSize) > n || int(r.Slot) >= len(u.Slots) {
			return fmt.Errorf("reference at %#x out of range", r.Off)
		}
	}
	return nil
}

// Place maps u into executable memory (its references patched by patch, its data
// words filled) and links its blocks in. It keeps u's metadata (not its code) for
// Units.
func (k *Linker) Place(u *Unit, patch RefPatcher) (*ExecMem, error) {
	return k.PlaceThen(u, patch, nil)
}

// PlaceThen is Place calling mapped, when not nil, once u's code is mapped and before
// its blocks are linked in (a backend whose first unit holds its dispatch miss stub
// fills the dispatch table there).
func (k *Linker) PlaceThen(u *Unit, patch RefPatcher, mapped func(*ExecMem)) (*ExecMem, error) {
	table := -1
	for i, s := range u.Slots {
		if s.Kind == SlotTable {
			table = i
		}
	}
	mem, err := NewExecMem(u.Code, 8*len(u.Slots), func(codeBase, dataBase uintptr, code, data []byte) {
		for _, r := range u.Refs {
			patch(code, codeBase, dataBase+uintptr(8*r.Slot), r)
		}
		for i, s := range u.Slots {
			addr := uintptr(k.TableAddr())
			if s.Kind == SlotBlock {
				var ok bool
				if addr, ok = k.Direct(s.Target); !ok {
					addr = codeBase + uintptr(s.Miss)
				}
			}
			binary.LittleEndian.PutUint64(data[8*i:], uint64(addr))
		}
	})
	if err != nil {
		return nil, err
	}
	k.AddUnit(mem, len(u.Code))
	if mapped != nil {
		mapped(mem)
	}
	if len(u.Blocks) == 0 {
		return mem, nil // a module's stubs alone: never exported
	}
	meta := &Unit{Blocks: u.Blocks, Slots: u.Slots, Refs: u.Refs}
	k.placed = append(k.placed, placedUnit{mem, meta})
	targets := make([]uint64, len(u.Slots))
	for i, s := range u.Slots {
		targets[i] = s.Target
	}
	k.Publish(mem, len(u.Blocks), func(i int) (uint64, int, int) {
		b := u.Blocks[i]
		return b.Start, int(b.Direct), int(b.Indirect)
	}, targets, table)
	return mem, nil
}

// placedUnit is a unit placed in memory with its relocation metadata.
type placedUnit struct {
	mem  *ExecMem
	meta *Unit
}

// Units returns the module's units (its stubs aside) in relocatable form, in the
// order they were placed: their code is read back from executable memory with the
// reference sites zeroed again (refSize bytes each).
func (k *Linker) Units(refSize int) []*Unit {
	out := make([]*Unit, 0, len(k.placed))
	for _, p := range k.placed {
		code := append([]byte(nil), p.mem.codeBytes()...)
		for _, r := range p.meta.Refs {
			clear(code[r.Off : int(r.Off)+refSize])
		}
		u := *p.meta
		u.Code = code
		out = append(out, &u)
	}
	return out
}
