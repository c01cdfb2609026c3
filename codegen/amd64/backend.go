package amd64

import (
	"fmt"
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
	rm    regMap
	entry uintptr // the entry stub (in the first unit)
	miss  uintptr // the dispatch miss stub (in the first unit): initial table entries
	bmi2  bool    // BMI2 was on when the module was created (its code may use it)
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
	if err := m.compileStubs(); err != nil {
		return nil, err
	}
	m.FillTable(m.miss)
	return m, nil
}

// compileStubs compiles units[0]: the entry stub (load the mapped registers, R14,
// R13, then dispatch on State.PC), its exit sequence and the dispatch miss stub.
func (m *module) compileStubs() error {
	u := newUnit(m, nil)
	e := &u.e
	entry := u.b.NewLabel()
	u.b.Bind(entry)
	for _, p := range m.rm.mapped() {
		e.op(asm.MOVQ, stMem(xoff(uint8(p[0]))), asm.R(asm.Reg(p[1])))
	}
	e.op(asm.MOVQ, stMem(guest.OffMemBase), asm.R(rMem))
	e.op(asm.MOVQ, stMem(guest.OffGas), asm.R(rGas))
	e.op(asm.SHLQ, asm.Imm(gasShift), asm.R(rGas))
	e.op(asm.MOVQ, stMem(guest.OffPC), asm.R(tA))
	e.addImm(-int64(m.Lo), tA, tD)
	u.dispatch()
	mem, err := u.finish()
	if err != nil {
		return err
	}
	m.entry = mem.Code() + uintptr(entry.Offset())
	m.miss = mem.Code() + uintptr(u.missInd.Offset())
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
	if _, err := u.finish(); err != nil {
		return err
	}
	u.release()
	return nil
}

// Run implements codegen.Module.
func (m *module) Run(st *guest.State) guest.ExitCode {
	m.CheckRun("amd64", st)
	st.Exit = guest.ExitNone
	enter(unsafe.Pointer(st), m.entry)
	return st.Exit
}

// Version is the backend's code-generation version (codegen.Target): raise it with
// every change to the code this package emits, so cached code from before is not used.
const Version = 1

// Units implements codegen.Module.
func (m *module) Units() []*codegen.Unit { return m.Linker.Units(codegen.RefSize("amd64")) }

// Load implements codegen.Module.
func (m *module) Load(u *codegen.Unit) error {
	if err := m.Check(u, codegen.RefSize("amd64")); err != nil {
		return fmt.Errorf("amd64: cached unit: %w", err)
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
