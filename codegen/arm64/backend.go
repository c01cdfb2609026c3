package arm64

import (
	"fmt"
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

type module struct {
	*codegen.Linker
	rm    regMap
	entry uintptr // the entry stub (in the first unit)
	miss  uintptr // the dispatch miss stub (in the first unit): initial table entries
}

// NewModule implements codegen.Backend.
func (Backend) NewModule(cfg codegen.ModuleConfig) (codegen.Module, error) {
	k, err := codegen.NewLinker("arm64", cfg)
	if err != nil {
		return nil, err
	}
	m := &module{Linker: k}
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
	e.movImm(int64(m.Cfg.Layout.ArenaBase), rBase)
	e.movImm(int64(m.Cfg.Layout.ArenaSize-8), rLim)
	e.ldSt(guest.OffGas, rGas)
	e.op3(asm.ALSL, asm.Imm(gasShift), rGas, rGas)
	e.ldSt(guest.OffPC, tA)
	e.movImm(int64(m.Lo), tB)
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
	if err := m.CheckNew("arm64", blocks); err != nil {
		return err
	}
	u := newUnit(m, blocks)
	for i := range blocks {
		u.lowerBlock(i)
	}
	_, err := u.finish()
	return err
}

// Run implements codegen.Module.
func (m *module) Run(st *guest.State) guest.ExitCode {
	m.CheckRun("arm64", st)
	st.Exit = guest.ExitNone
	enter(unsafe.Pointer(st), m.entry)
	return st.Exit
}

// Version is the backend's code-generation version (codegen.Target): raise it with
// every change to the code this package emits, so cached code from before is not used.
const Version = 1

// Units implements codegen.Module.
func (m *module) Units() []*codegen.Unit { return m.Linker.Units(codegen.RefSize("arm64")) }

// Load implements codegen.Module.
func (m *module) Load(u *codegen.Unit) error {
	if err := m.Check(u, codegen.RefSize("arm64")); err != nil {
		return fmt.Errorf("arm64: cached unit: %w", err)
	}
	_, err := m.Place(u, patchRef)
	return err
}

// Target implements codegen.Module: the code uses the ARMv8.0 baseline only.
func (m *module) Target() codegen.Target { return Backend{}.Target() }

// Target implements codegen.Backend.
func (Backend) Target() codegen.Target {
	return codegen.Target{Backend: "arm64", Version: Version, Arch: "arm64"}
}
