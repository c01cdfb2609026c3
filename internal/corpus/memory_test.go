package corpus

import (
	"testing"

	"github.com/hybridvm/hybridvm/guest"
	"github.com/hybridvm/hybridvm/internal/rvasm"
	"github.com/hybridvm/hybridvm/machine"
)

// pageToucher stores one doubleword into every page from the data segment upwards,
// forever (until the arena ends or the gas does).
func pageToucher() []byte {
	const text, data = 0x10000, 0x100000
	p := rvasm.New(text)
	p.LI(rvasm.S1, data)
	p.LI(rvasm.S2, 4096)
	p.Label("touch")
	p.SD(rvasm.S1, rvasm.S1, 0)
	p.ADD(rvasm.S1, rvasm.S1, rvasm.S2)
	p.J("touch")
	return rvasm.ELF(text,
		rvasm.Segment{Vaddr: text, Data: p.MustFinish(), Flags: guest.PermR | guest.PermX},
		rvasm.Segment{Vaddr: data, Data: []byte{1}, Flags: guest.PermR | guest.PermW})
}

// TestPageToucherStaysBounded: a guest that writes a new page for every few gas —
// 7 gas a page before memory was metered, so 30M gas reached gigabytes — stays
// under 256 MiB resident with 30M gas on every engine, ends out of gas, and pays
// guest.ContractPageGas for each page, identically on every engine.
func TestPageToucherStaysBounded(t *testing.T) {
	const gas = 30_000_000
	var want *machine.ExecResult
	for _, e := range Engines() {
		var resident int64
		var pages uint64
		res, err := machine.Exec(pageToucher(), machine.ExecConfig{
			Engine: e.Engine, Gas: gas,
			Setup: func(f *machine.Frame) { f.St.PageGas = guest.ContractPageGas },
			Inspect: func(f *machine.Frame) {
				var err error
				if resident, err = ResidentBytes(f.Arena); err != nil {
					t.Skipf("SKIPPED: mincore: %v", err)
				}
				pages = f.St.WinPages[0] + f.St.WinPages[1]
			},
		})
		if err != nil {
			t.Fatalf("%s: %v", e.Name, err)
		}
		if res.State.Exit != guest.ExitOutOfGas {
			t.Fatalf("%s: exit %v (%v), want out of gas", e.Name, res.State.Exit, res.Err)
		}
		if resident > 256<<20 {
			t.Errorf("%s: %d MiB resident after 30M gas, want at most 256", e.Name, resident>>20)
		}
		if max := uint64(gas / guest.ContractPageGas); pages > max+1 || pages < max*9/10 {
			t.Errorf("%s: paid for %d pages with %d gas, want about %d", e.Name, pages, gas, max)
		}
		t.Logf("%s: %d pages paid, %d MiB resident, %d instructions", e.Name, pages, resident>>20, res.Instret)
		if want == nil {
			want = res
		} else if res.Instret != want.Instret || res.State.PC != want.State.PC || res.State.Gas != want.State.Gas {
			t.Errorf("%s: stopped at pc %#x after %d instructions with %d gas, interpreter at %#x after %d with %d",
				e.Name, res.State.PC, res.Instret, res.State.Gas, want.State.PC, want.Instret, want.State.Gas)
		}
	}
}
