package arm64

import (
	"fmt"
	"sync/atomic"
	"unsafe"

	"github.com/hybridvm/hybridvm/codegen"
	"github.com/hybridvm/hybridvm/codegen/internal/asm"
	"github.com/hybridvm/hybridvm/guest"
)

// Backend is the arm64 code generator.
type Backend struct{}

// New returns the arm64 backend.
func New() codegen.Backend { return Backend{} }

// Name implements codegen.Backend.
func (Backend) Name() string { return "arm64" }

// Dispatch table sizes: one 8-byte entry per 2 bytes of code, up to maxTable entries
// (a 1 MiB table covers 256 KiB of code without collisions). Larger programs share
// entries; the target check sends a collision to Go, which re-links the wanted block.
const (
	minTable = 64
	maxTable = 1 << 17
)

// maxCodeSpan bounds the code's address range (as on amd64).
const maxCodeSpan = 1 << 30

type module struct {
	cfg codegen.ModuleConfig
	rm  regMap
	lo  uint64 // CodeLo rounded down to even

	table []uintptr // dispatch table: entry (pc-lo)/2 mod len → a block's indirect entry
	mask  uint64

	units []*codegen.ExecMem
	entry uintptr // the entry stub (in units[0])
	miss  uintptr // the dispatch miss stub (in units[0]): initial table entries

	direct   map[uint64]uintptr // block start → direct entry (gas check)
	indirect map[uint64]uintptr // block start → indirect entry (target check)
	// pending are the jump slots of compiled code waiting for a block that is not
	// compiled yet (they point at a missing-block stub until it is).
	pending  map[uint64][]*uintptr
	codeSize int
}

// NewModule implements codegen.Backend.
func (Backend) NewModule(cfg codegen.ModuleConfig) (codegen.Module, error) {
	if cfg.CodeHi <= cfg.CodeLo || cfg.CodeHi-cfg.CodeLo > maxCodeSpan {
		return nil, fmt.Errorf("arm64: code range [%#x, %#x) is empty or larger than %d MiB", cfg.CodeLo, cfg.CodeHi, maxCodeSpan>>20)
	}
	l := cfg.Layout
	if l.ArenaSize < 8 || l.ArenaBase+l.ArenaSize < l.ArenaBase || l.ROStart > l.ArenaSize || l.ROSize > l.ArenaSize-l.ROStart {
		return nil, fmt.Errorf("arm64: bad layout %v", l)
	}
	if l.PageGas < 0 || l.PageGas > 1<<12 || l.PageGas&(l.PageGas-1) != 0 {
		return nil, fmt.Errorf("arm64: page gas %d is not 0 or a power of two up to 4096", l.PageGas)
	}
	m := &module{
		cfg:      cfg,
		lo:       cfg.CodeLo &^ 1,
		direct:   map[uint64]uintptr{},
		indirect: map[uint64]uintptr{},
		pending:  map[uint64][]*uintptr{},
	}
	use := cfg.RegUse
	if use == ([32]int{}) {
		use = defaultUse
	}
	m.rm = chooseRegs(use)
	n := uint64(minTable)
	for n < (cfg.CodeHi-m.lo+1)/2 && n < maxTable {
		n <<= 1
	}
	m.table, m.mask = make([]uintptr, n), n-1
	if err := m.compileStubs(); err != nil {
		return nil, err
	}
	for i := range m.table {
		m.table[i] = m.miss
	}
	return m, nil
}

// tableIndex is pc's entry in the dispatch table.
func (m *module) tableIndex(pc uint64) uint64 { return ((pc - m.lo) >> 1) & m.mask }

// tableAddr is the address of the dispatch table's first entry.
func (m *module) tableAddr() int64 { return int64(uintptr(unsafe.Pointer(&m.table[0]))) }

// compileStubs compiles units[0]: the entry stub (save the return address, load the
// mapped registers and the fixed ones, then dispatch on State.PC), its exit sequence
// and the dispatch miss stub.
func (m *module) compileStubs() error {
	u := newUnit(m, nil)
	e := &u.e
	entry := u.b.NewLabel()
	u.b.Bind(entry)
	e.op(asm.AMOVD, asm.R(asm.X30), asm.Mem(asm.XSP, frameLR))
	for _, p := range m.rm.mapped() {
		e.ldSt(xoff(uint8(p[0])), asm.Reg(p[1]))
	}
	e.ldSt(guest.OffMemBase, rMem)
	e.movImm(int64(m.cfg.Layout.ArenaBase), rBase)
	e.movImm(int64(m.cfg.Layout.ArenaSize-8), rLim)
	e.ldSt(guest.OffGas, rGas)
	e.op3(asm.ALSL, asm.Imm(gasShift), rGas, rGas)
	e.ldSt(guest.OffPC, tA)
	e.movImm(int64(m.lo), tB)
	e.op3(asm.ASUB, asm.R(tB), tA, tA)
	u.dispatch()
	mem, err := u.finish()
	if err != nil {
		return err
	}
	m.entry = mem.Code() + uintptr(entry.Offset())
	m.miss = mem.Code() + uintptr(u.missInd.Offset())
	return nil
}

// Compile implements codegen.Module.
func (m *module) Compile(blocks []*codegen.Block) error {
	if len(blocks) == 0 {
		return nil
	}
	for _, b := range blocks {
		if _, dup := m.direct[b.Start]; dup {
			return fmt.Errorf("BUG: arm64: block %#x compiled twice", b.Start)
		}
		if b.Start < m.lo || b.Start-m.lo >= maxCodeSpan {
			return fmt.Errorf("BUG: arm64: block %#x outside the code range", b.Start)
		}
	}
	u := newUnit(m, blocks)
	for i := range blocks {
		u.lowerBlock(i)
	}
	mem, err := u.finish()
	if err != nil {
		return err
	}
	base := mem.Code()
	for i, b := range blocks {
		m.direct[b.Start] = base + uintptr(u.direct[i].Offset())
		m.indirect[b.Start] = base + uintptr(u.ind[i].Offset())
	}
	// Slots that wait for blocks not compiled yet.
	words := mem.DataWords(len(u.slots))
	for s, target := range u.slots {
		if s == u.tableSlot {
			continue
		}
		if _, ok := m.direct[target]; !ok {
			m.pending[target] = append(m.pending[target], &words[s])
		}
	}
	// Publish: earlier code waiting for these blocks now jumps to them, and indirect
	// jumps find them.
	for _, b := range blocks {
		addr := m.direct[b.Start]
		for _, slot := range m.pending[b.Start] {
			atomic.StoreUintptr(slot, addr)
		}
		delete(m.pending, b.Start)
		m.Link(b.Start)
	}
	return nil
}

// Has implements codegen.Module.
func (m *module) Has(pc uint64) bool {
	_, ok := m.direct[pc]
	return ok
}

// Link implements codegen.Module.
func (m *module) Link(pc uint64) {
	if addr, ok := m.indirect[pc]; ok {
		atomic.StoreUintptr(&m.table[m.tableIndex(pc)], addr)
	}
}

// CodeSize implements codegen.Module.
func (m *module) CodeSize() int { return m.codeSize }

// MemSize implements codegen.Module.
func (m *module) MemSize() int {
	n := 0
	for _, u := range m.units {
		n += u.Size()
	}
	return n
}

// Free implements codegen.Module.
func (m *module) Free() {
	for _, u := range m.units {
		u.Free()
	}
	m.units = nil
}

// Run implements codegen.Module.
func (m *module) Run(st *guest.State) guest.ExitCode {
	if st.Gas < 0 || st.Gas > codegen.MaxRunGas {
		panic(fmt.Sprintf("BUG: arm64: run with %d gas (at most %d)", st.Gas, codegen.MaxRunGas))
	}
	if codegen.LayoutOf(st) != m.cfg.Layout || st.MemBase == 0 {
		panic(fmt.Sprintf("BUG: arm64: state layout %v does not match the module's %v", codegen.LayoutOf(st), m.cfg.Layout))
	}
	st.Exit = guest.ExitNone
	enter(unsafe.Pointer(st), m.entry)
	return st.Exit
}
