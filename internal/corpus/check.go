package corpus

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/hybridvm/hybridvm/guest"
	"github.com/hybridvm/hybridvm/internal/rvgen"
	"github.com/hybridvm/hybridvm/internal/testtools"
	"github.com/hybridvm/hybridvm/machine"
)

// Diff lists the fields in which got differs from want (empty when they agree).
func (want *ExecResult) Diff(got *ExecResult) []string {
	var d []string
	wv, gv := reflect.ValueOf(want).Elem(), reflect.ValueOf(got).Elem()
	for i := 0; i < wv.NumField(); i++ {
		name := wv.Type().Field(i).Name
		w, g := wv.Field(i).Interface(), gv.Field(i).Interface()
		if reflect.DeepEqual(w, g) {
			continue
		}
		if name == "X" {
			wx, gx := w.([32]uint64), g.([32]uint64)
			for r := range wx {
				if wx[r] != gx[r] {
					d = append(d, fmt.Sprintf("x%d = %#x, want %#x", r, gx[r], wx[r]))
				}
			}
			continue
		}
		d = append(d, fmt.Sprintf("%s = %v, want %v", name, g, w))
	}
	return d
}

// CheckExec runs p on every engine and reports (t.Errorf) every difference from the
// interpreter's result, which it returns.
func CheckExec(t testing.TB, p ExecProgram, cache *machine.Cache) *ExecResult {
	t.Helper()
	var want *ExecResult
	for _, e := range Engines() {
		got, err := RunExec(p, e, cache)
		if err != nil {
			t.Errorf("%s on %s: %v", p.Name, e.Name, err)
			continue
		}
		if want == nil {
			want = got
			continue
		}
		if d := want.Diff(got); len(d) > 0 {
			t.Errorf("%s: %s disagrees with the interpreter:\n\t%s", p.Name, e.Name, strings.Join(d, "\n\t"))
		}
	}
	return want
}

// CheckPaged runs p with memory growth metered (guest.ContractPageGas) on every
// engine, first with unlimited gas, then with gas for a third, half and nine tenths
// of that run's use, so some runs end out of gas inside a block because of a store's
// memory charge. It reports every disagreement with the interpreter.
func CheckPaged(t testing.TB, p ExecProgram, cache *machine.Cache) {
	t.Helper()
	p.PageGas, p.Gas = guest.ContractPageGas, 0
	full := CheckExec(t, p, cache)
	if full == nil {
		return
	}
	for _, frac := range []int64{3, 2} {
		q := p
		q.Name, q.Gas = fmt.Sprintf("%s/gas-1:%d", p.Name, frac), full.GasUsed/frac
		CheckExec(t, q, cache)
	}
	q := p
	q.Name, q.Gas = p.Name+"/gas-9:10", full.GasUsed*9/10
	CheckExec(t, q, cache)
}

// CheckScenario runs s on every engine and reports every step that differs from the
// interpreter's.
func CheckScenario(t testing.TB, root string, s Scenario, cache *machine.Cache) []StepResult {
	t.Helper()
	var want []StepResult
	for _, e := range Engines() {
		got, err := RunScenario(root, s, e, cache)
		if err != nil {
			t.Errorf("scenario %s on %s: %v", s.Name, e.Name, err)
			continue
		}
		if want == nil {
			want = got
			continue
		}
		for i := range want {
			if !want[i].equal(got[i]) {
				t.Errorf("scenario %s on %s, step %d:\n\tgot  %v\n\twant %v", s.Name, e.Name, i, got[i], want[i])
			}
		}
	}
	return want
}

// GeneratedPrograms are n random programs from fixed seeds (the same every run).
func GeneratedPrograms(n int) []ExecProgram {
	var progs []ExecProgram
	for i := 0; i < n; i++ {
		var data []byte
		var seed [8]byte
		for len(data) < 1500 {
			binary.LittleEndian.PutUint64(seed[:], uint64(i)<<32|uint64(len(data)))
			h := sha256.Sum256(seed[:])
			data = append(data, h[:]...)
		}
		p := RandomProgram(data)
		p.Name = fmt.Sprintf("generated-%d", i)
		progs = append(progs, p)
	}
	return progs
}

// Check runs the whole corpus — every testdata program, n generated programs, n/5
// programs of internal/rvgen (when riscv64-unknown-elf-gcc is installed; see
// testtools) and every contract scenario — on every engine and reports each disagreement with the
// interpreter. A missing testdata directory is a failure, never a silent pass.
func Check(t *testing.T, generated int) {
	root, err := Root()
	if err != nil {
		t.Fatal(err)
	}
	progs, err := TestdataPrograms(root)
	if err != nil {
		t.Fatalf("corpus: reading testdata/riscv: %v", err)
	}
	if len(progs) < 20 {
		t.Fatalf("corpus: found only %d programs under testdata/riscv", len(progs))
	}
	cache := machine.NewCache(256)
	if err := UseDiskDir(t.TempDir()); err != nil {
		t.Fatal(err)
	}
	defer UseDiskDir("")
	t.Run("testdata", func(t *testing.T) {
		for _, p := range progs {
			t.Run(p.Name, func(t *testing.T) { CheckExec(t, p, cache) })
		}
	})
	t.Run("generated", func(t *testing.T) {
		for _, p := range GeneratedPrograms(generated) {
			t.Run(p.Name, func(t *testing.T) { CheckExec(t, p, cache) })
		}
	})
	t.Run("paged", func(t *testing.T) {
		progs := append(PagedPrograms(), GeneratedPrograms(generated/4)...)
		for _, p := range progs {
			t.Run(p.Name, func(t *testing.T) { CheckPaged(t, p, cache) })
		}
	})
	t.Run("rvgen", func(t *testing.T) {
		testtools.Need(t, rvgen.GCC)
		progs, err := RVGenPrograms(generated / 5)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range progs {
			t.Run(p.Name, func(t *testing.T) { CheckExec(t, p, cache) })
		}
	})
	t.Run("contracts", func(t *testing.T) {
		for _, s := range Scenarios() {
			t.Run(s.Name, func(t *testing.T) {
				if s.Name == "recurse" {
					testtools.SkipIfEmulated(t, testtools.DeepRecursionUnderEmulator)
				}
				CheckScenario(t, root, s, cache)
			})
		}
	})
}

// RVGenPrograms builds n programs of internal/rvgen (random RV64IMAC drawn from the
// whole ISA, assembled by riscv64-unknown-elf-gcc, the same programs that are checked
// against qemu-riscv64-static) from fixed seeds.
func RVGenPrograms(n int) ([]ExecProgram, error) {
	var progs []ExecProgram
	for i := 0; i < n; i++ {
		elf, err := rvgen.Build(rvgen.Generate(int64(1000+i), rvgen.Options{}))
		if err != nil {
			return nil, err
		}
		progs = append(progs, ExecProgram{Name: fmt.Sprintf("rvgen-%d", 1000+i), ELF: elf})
	}
	return progs, nil
}
