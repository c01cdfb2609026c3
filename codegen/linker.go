package codegen

import (
	"fmt"
	"sync/atomic"
	"unsafe"

	"github.com/hybridvm/hybridvm/guest"
)

// Linker is the part of a Module that does not depend on the host architecture: the
// checks on a module's configuration, its units of executable memory, where each
// compiled block starts (direct entry: the gas check; indirect entry: the target check
// of a jump through the dispatch table), the jump slots of compiled code that wait for
// a block not compiled yet, and the dispatch table (one 8-byte entry per 2 bytes of
// code, modulo its size). Backends embed it and add lowering, entry and Run.
type Linker struct {
	Cfg ModuleConfig
	Lo  uint64 // CodeLo rounded down to even

	// Table is the dispatch table: entry TableIndex(pc) holds a block's indirect entry
	// or the backend's miss stub; Mask is its length minus one.
	Table []uintptr
	Mask  uint64

	units    []*ExecMem
	placed   []placedUnit // the units with blocks, for Units
	codeSize int
	direct   map[uint64]uintptr
	indirect map[uint64]uintptr
	pending  map[uint64][]*uintptr
}

// Dispatch table sizes: up to maxTable entries (a 1 MiB table covers 256 KiB of code
// without collisions). Larger programs share entries; the target check sends a
// collision to Go, which re-links the wanted block.
const (
	minTable = 64
	maxTable = 1 << 17
)

// MaxCodeSpan bounds a module's code range: block offsets from CodeLo fit 32 bits.
const MaxCodeSpan = 1 << 30

// NewLinker checks cfg (name is the backend's, for errors) and returns the module's
// linker, its dispatch table allocated (FillTable sets its entries).
func NewLinker(name string, cfg ModuleConfig) (*Linker, error) {
	if cfg.CodeHi <= cfg.CodeLo || cfg.CodeHi-cfg.CodeLo > MaxCodeSpan {
		return nil, fmt.Errorf("%s: code range [%#x, %#x) is empty or larger than %d MiB", name, cfg.CodeLo, cfg.CodeHi, MaxCodeSpan>>20)
	}
	l := cfg.Layout
	if l.ArenaSize < 8 || l.ArenaBase+l.ArenaSize < l.ArenaBase || l.ROStart > l.ArenaSize || l.ROSize > l.ArenaSize-l.ROStart {
		return nil, fmt.Errorf("%s: bad layout %v", name, l)
	}
	if l.PageGas < 0 || l.PageGas > 1<<12 || l.PageGas&(l.PageGas-1) != 0 {
		return nil, fmt.Errorf("%s: page gas %d is not 0 or a power of two up to 4096", name, l.PageGas)
	}
	k := &Linker{Cfg: cfg, Lo: cfg.CodeLo &^ 1, direct: map[uint64]uintptr{}, indirect: map[uint64]uintptr{}, pending: map[uint64][]*uintptr{}}
	n := uint64(minTable)
	for n < (cfg.CodeHi-k.Lo+1)/2 && n < maxTable {
		n <<= 1
	}
	k.Table, k.Mask = make([]uintptr, n), n-1
	return k, nil
}

// FillTable points every dispatch-table entry at miss (the backend's miss stub).
func (k *Linker) FillTable(miss uintptr) {
	for i := range k.Table {
		k.Table[i] = miss
	}
}

// TableIndex is pc's entry in the dispatch table.
func (k *Linker) TableIndex(pc uint64) uint64 { return ((pc - k.Lo) >> 1) & k.Mask }

// TableAddr is the address of the dispatch table's first entry.
func (k *Linker) TableAddr() int64 { return int64(uintptr(unsafe.Pointer(&k.Table[0]))) }

// CheckNew checks that blocks may be compiled: none compiled already, all inside the
// code range.
func (k *Linker) CheckNew(name string, blocks []*Block) error {
	for _, b := range blocks {
		if _, dup := k.direct[b.Start]; dup {
			return fmt.Errorf("BUG: %s: block %#x compiled twice", name, b.Start)
		}
		if b.Start < k.Lo || b.Start-k.Lo >= MaxCodeSpan {
			return fmt.Errorf("BUG: %s: block %#x outside the code range", name, b.Start)
		}
	}
	return nil
}

// Direct returns the direct entry of the compiled block at pc.
func (k *Linker) Direct(pc uint64) (uintptr, bool) {
	addr, ok := k.direct[pc]
	return addr, ok
}

// AddUnit records a unit's memory and code size (its stubs included).
func (k *Linker) AddUnit(mem *ExecMem, codeLen int) {
	k.units = append(k.units, mem)
	k.codeSize += codeLen
}

// Publish links the n blocks of a new unit in: entry gives each block's guest address
// and its direct and indirect entry offsets in mem's code; slots are the unit's jump
// slots (slot → target pc; tableSlot, if not negative, holds the table's address
// instead). Slots waiting for blocks not compiled yet are remembered; earlier code
// waiting for these blocks now jumps to them, and indirect jumps find them.
func (k *Linker) Publish(mem *ExecMem, n int, entry func(i int) (start uint64, direct, indirect int), slots []uint64, tableSlot int) {
	base := mem.Code()
	if len(k.direct) == 0 && n > 8 { // a module's first unit (a whole program, often): size the maps once
		k.direct, k.indirect = make(map[uint64]uintptr, n), make(map[uint64]uintptr, n)
	}
	starts := make([]uint64, n)
	for i := range n {
		start, d, ind := entry(i)
		starts[i] = start
		k.direct[start] = base + uintptr(d)
		k.indirect[start] = base + uintptr(ind)
	}
	words := mem.DataWords(len(slots))
	for s, target := range slots {
		if s == tableSlot {
			continue
		}
		if _, ok := k.direct[target]; !ok {
			k.pending[target] = append(k.pending[target], &words[s])
		}
	}
	for _, start := range starts {
		addr := k.direct[start]
		for _, slot := range k.pending[start] {
			atomic.StoreUintptr(slot, addr)
		}
		delete(k.pending, start)
		k.Link(start)
	}
}

// Has implements Module.
func (k *Linker) Has(pc uint64) bool {
	_, ok := k.direct[pc]
	return ok
}

// Link implements Module.
func (k *Linker) Link(pc uint64) {
	if addr, ok := k.indirect[pc]; ok {
		atomic.StoreUintptr(&k.Table[k.TableIndex(pc)], addr)
	}
}

// CodeSize implements Module.
func (k *Linker) CodeSize() int { return k.codeSize }

// MemSize implements Module.
func (k *Linker) MemSize() int {
	n := 0
	for _, u := range k.units {
		n += u.Size()
	}
	return n
}

// Free implements Module.
func (k *Linker) Free() {
	for _, u := range k.units {
		u.Free()
	}
	k.units, k.placed = nil, nil
}

// CheckRun panics unless st may run on the module (name is the backend's): Run's
// precondition, at most MaxRunGas and the module's layout.
func (k *Linker) CheckRun(name string, st *guest.State) {
	if st.Gas < 0 || st.Gas > MaxRunGas {
		panic(fmt.Sprintf("BUG: %s: run with %d gas (at most %d)", name, st.Gas, MaxRunGas))
	}
	if LayoutOf(st) != k.Cfg.Layout || st.MemBase == 0 {
		panic(fmt.Sprintf("BUG: %s: state layout %v does not match the module's %v", name, LayoutOf(st), k.Cfg.Layout))
	}
}
