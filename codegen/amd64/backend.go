package amd64

import (
	"fmt"
	"sync/atomic"
	"unsafe"

	"github.com/hybridvm/hybridvm/codegen"
	"github.com/hybridvm/hybridvm/codegen/internal/asm"
	"github.com/hybridvm/hybridvm/guest"
)

// Backend is the amd64 code generator.
type Backend struct{}

// New returns the amd64 backend.
func New() codegen.Backend { return Backend{} }

// Name implements codegen.Backend.
func (Backend) Name() string { return "amd64" }

type module struct {
	*codegen.Linker
	rm regMap
	// entry is the entry stub, 0 until the first unit is placed (Run returns
	// ExitMissingBlock meanwhile); miss is the dispatch miss stub, which the table's
	// entries start at. Both are in the module's first unit: the first compiled one
	// (its stubs follow its blocks), or a unit of the stubs alone before the first Load.
	entry atomic.Uintptr
	miss  uintptr
	bmi2  bool // BMI2 was on when the module was created (its code may use it)
}

// NewModule implements codegen.Backend.
func (Backend) NewModule(cfg codegen.ModuleConfig) (codegen.Module, error) {
	k, err := codegen.NewLinker("amd64", cfg)
	if err != nil {
		return nil, err
	}
	m := &module{Linker: k, bmi2: hasBMI2}
	use := cfg.RegUse
	if use == ([32]int{}) {
		use = defaultUse
	}
	m.rm = chooseRegs(use)
	return m, nil
}

// emitStubs emits the module's stubs into u (its first unit): the entry stub (load
// the mapped registers, R14, R13, then dispatch on State.PC) at the returned label;
// the dispatch miss stub is the unit's (missInd).
func (u *unit) emitStubs() *asm.Label {
	e := &u.e
	entry := u.b.NewLabel()
	u.b.Bind(entry)
	for _, p := range u.m.rm.mapped() {
		e.op(asm.MOVQ, stMem(xoff(uint8(p[0]))), asm.R(asm.Reg(p[1])))
	}
	e.op(asm.MOVQ, stMem(guest.OffMemBase), asm.R(rMem))
	e.op(asm.MOVQ, stMem(guest.OffGas), asm.R(rGas))
	e.op(asm.SHLQ, asm.Imm(gasShift), asm.R(rGas))
	e.op(asm.MOVQ, stMem(guest.OffPC), asm.R(tA))
	e.addImm(-int64(u.m.Lo), tA, tD)
	u.dispatch()
	return entry
}

// place places the unit (finish); a module's first unit also gets its stubs, which
// fill the dispatch table before its blocks are linked in.
func (u *unit) place() error {
	m := u.m
	var entry *asm.Label
	if m.entry.Load() == 0 {
		entry = u.emitStubs()
		u.placed = func(mem *codegen.ExecMem) {
			m.miss = mem.Code() + uintptr(u.missInd.Offset())
			m.FillTable(m.miss)
		}
	}
	mem, err := u.finish()
	if err != nil {
		return err
	}
	if entry != nil {
		m.entry.Store(mem.Code() + uintptr(entry.Offset()))
	}
	u.release()
	return nil
}

// Compile implements codegen.Module.
func (m *module) Compile(blocks []*codegen.Block) error {
	if len(blocks) == 0 {
		return nil
	}
	if err := m.CheckNew("amd64", blocks); err != nil {
		return err
	}
	u := newUnit(m, blocks)
	for i := range blocks {
		u.lowerBlock(i)
	}
	return u.place()
}

// Run implements codegen.Module.
func (m *module) Run(st *guest.State) guest.ExitCode {
	m.CheckRun("amd64", st)
	entry := m.entry.Load()
	if entry == 0 {
		// Nothing is placed: what the entry stub would do with a table of misses.
		st.Exit = guest.ExitMissingBlock
		return st.Exit
	}
	st.Exit = guest.ExitNone
	enter(unsafe.Pointer(st), entry)
	return st.Exit
}

// Version is the backend's code-generation version (codegen.Target): raise it with
// every change to the code this package emits, so cached code from before is not used.
const Version = 21

// Units implements codegen.Module.
func (m *module) Units() []*codegen.Unit { return m.Linker.Units(codegen.RefSize("amd64")) }

// Load implements codegen.Module.
func (m *module) Load(u *codegen.Unit) error {
	if err := m.Check(u, codegen.RefSize("amd64")); err != nil {
		return fmt.Errorf("amd64: cached unit: %w", err)
	}
	if m.entry.Load() == 0 { // the stubs first, alone
		if err := newUnit(m, nil).place(); err != nil {
			return err
		}
	}
	_, err := m.Place(u, patchRef)
	return err
}

// Target implements codegen.Module.
func (m *module) Target() codegen.Target { return target(m.bmi2) }

// Target implements codegen.Backend.
func (Backend) Target() codegen.Target { return target(hasBMI2) }

// target is the target of code that uses BMI2 or not (the only optional feature this
// backend uses; LZCNT, TZCNT and POPCNT are not emitted).
func target(bmi2 bool) codegen.Target {
	t := codegen.Target{Backend: "amd64", Version: Version, Arch: "amd64"}
	if bmi2 {
		t.Features = "bmi2"
	}
	return t
}
