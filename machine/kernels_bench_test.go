package machine

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// BenchmarkKernels runs the compute kernels of bench/kernels (recursive fib, sieve,
// sha256, keccak-f, matrix multiply, CRC32, a branchy loop, 64-bit div/rem) on each
// engine and reports millions of guest instructions per second. scripts/bench-riscv.sh
// puts the same kernels beside gcc -O2 native code and qemu-riscv64-static.
func BenchmarkKernels(b *testing.B) {
	files, _ := filepath.Glob("../bench/kernels/*.elf")
	if len(files) == 0 {
		b.Fatal("no kernels in ../bench/kernels (make -C bench/kernels)")
	}
	engines := []Engine{EngineInterp}
	if DefaultEngine() != EngineInterp {
		engines = append(engines, EngineJIT)
	}
	cache := NewCache(64)
	for _, e := range engines {
		for _, f := range files {
			elf, err := os.ReadFile(f)
			if err != nil {
				b.Fatal(err)
			}
			name := strings.TrimSuffix(filepath.Base(f), ".elf")
			b.Run(e.String()+"/"+name, func(b *testing.B) {
				var instret uint64
				for i := 0; i < b.N; i++ {
					var out bytes.Buffer
					res, err := Exec(elf, ExecConfig{Engine: e, Stdout: &out, Cache: cache})
					if err != nil || !res.Exited || res.Status != 0 {
						b.Fatalf("%v %+v", err, res)
					}
					instret += res.Instret
				}
				b.ReportMetric(float64(instret)/b.Elapsed().Seconds()/1e6, "MIPS")
			})
		}
	}
}
