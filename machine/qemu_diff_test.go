package machine

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"

	"github.com/hybridvm/hybridvm/internal/rvgen"
	"github.com/hybridvm/hybridvm/internal/testtools"
)

// TestDifferentialQEMU runs random RV64IMAC programs (internal/rvgen: every ALU, M, A and
// C form, shifts by 63/64-bit amounts, division by zero and overflow, misaligned loads and
// stores, x0 writes, forward branches) under qemu-riscv64-static — an implementation
// someone else wrote — and on every engine here, and compares every register and the
// whole scratch memory byte for byte.
func TestDifferentialQEMU(t *testing.T) {
	testtools.Need(t, rvgen.GCC, "qemu-riscv64-static")
	n := 150
	if testing.Short() {
		n = 20
	}
	if s := os.Getenv("HYBRIDVM_DIFF_PROGRAMS"); s != "" {
		fmt.Sscan(s, &n)
	}
	engines := []Engine{EngineInterp}
	if DefaultEngine() != EngineInterp {
		engines = append(engines, EngineJIT, EngineAOT)
	}
	seeds := make(chan int64)
	var wg sync.WaitGroup
	var mu sync.Mutex
	failures := 0
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for seed := range seeds {
				if msg := diffOne(seed, engines); msg != "" {
					mu.Lock()
					failures++
					if failures <= 5 {
						t.Error(msg)
					}
					mu.Unlock()
				}
			}
		}()
	}
	for seed := int64(1); seed <= int64(n); seed++ {
		seeds <- seed
	}
	close(seeds)
	wg.Wait()
	if failures > 0 {
		t.Fatalf("%d of %d programs differ from qemu", failures, n)
	}
}

// diffOne runs one generated program; it returns "" when every engine agrees with qemu.
func diffOne(seed int64, engines []Engine) string {
	asm := rvgen.Generate(seed, rvgen.Options{})
	elf, err := rvgen.Build(asm)
	if err != nil {
		return fmt.Sprintf("seed %d: build: %v", seed, err)
	}
	want, exit, err := rvgen.RunQEMU(elf)
	if err != nil || exit != 0 {
		return fmt.Sprintf("seed %d: qemu: exit %d %v", seed, exit, err)
	}
	for _, e := range engines {
		var out bytes.Buffer
		res, err := Exec(elf, ExecConfig{Engine: e, Stdout: &out})
		if err != nil || !res.Exited || res.Status != 0 {
			return fmt.Sprintf("seed %d on %v: err %v result %+v", seed, e, err, res)
		}
		if !bytes.Equal(out.Bytes(), want) {
			path := filepath.Join(os.TempDir(), fmt.Sprintf("rvgen-%d.S", seed))
			_ = os.WriteFile(path, []byte(asm), 0o644)
			return fmt.Sprintf("seed %d on %v differs from qemu (program saved to %s): %s", seed, e, path, firstDiff(out.Bytes(), want))
		}
	}
	return ""
}

// firstDiff names the first register or scratch byte that differs.
func firstDiff(got, want []byte) string {
	if len(got) != len(want) {
		return fmt.Sprintf("output is %d bytes, qemu's %d", len(got), len(want))
	}
	for i := range got {
		if got[i] == want[i] {
			continue
		}
		if i < rvgen.RegDumpSize {
			r := i / 8
			return fmt.Sprintf("x%d = %#x, qemu %#x", r, binary.LittleEndian.Uint64(got[r*8:]), binary.LittleEndian.Uint64(want[r*8:]))
		}
		return fmt.Sprintf("scratch byte %d = %#x, qemu %#x", i-rvgen.RegDumpSize, got[i], want[i])
	}
	return "identical"
}
