package translate_test

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/hybridvm/hybridvm/codegen"
	"github.com/hybridvm/hybridvm/codegen/amd64"
	"github.com/hybridvm/hybridvm/codegen/arm64"
	"github.com/hybridvm/hybridvm/guest"
	"github.com/hybridvm/hybridvm/translate"
)

// benchProgram is a program translated by BenchmarkTranslate.
type benchProgram struct {
	name   string
	code   *guest.Code
	entry  uint64
	layout codegen.Layout
}

// benchPrograms loads the ERC20's runtime code (contract layout) and every kernel of
// bench/kernels (exec layout).
func benchPrograms(b testing.TB) []benchProgram {
	type src struct {
		name, path string
		cons       guest.Constraints
	}
	srcs := []src{{"erc20", "../examples/erc20/erc20.runtime.elf", guest.ContractConstraints}}
	kernels, _ := filepath.Glob("../bench/kernels/*.elf")
	if len(kernels) == 0 {
		b.Fatal("no kernels in ../bench/kernels")
	}
	for _, k := range kernels {
		srcs = append(srcs, src{strings.TrimSuffix(filepath.Base(k), ".elf"), k, guest.Constraints{}})
	}
	var out []benchProgram
	for _, s := range srcs {
		elf, err := os.ReadFile(s.path)
		if err != nil {
			b.Fatal(err)
		}
		p, err := guest.LoadELF(elf, s.cons)
		if err != nil {
			b.Fatal(err)
		}
		layout := codegen.Layout{ArenaBase: guest.ContractBase, ArenaSize: guest.ContractArenaSize, ROStart: p.ROStart - guest.ContractBase, ROSize: p.ROEnd - p.ROStart}
		if s.cons.ArenaSize == 0 {
			base, _ := p.ExecArena(0)
			layout = codegen.Layout{ArenaBase: base, ArenaSize: guest.DefaultExecArenaSize, ROStart: p.ROStart - base, ROSize: p.ROEnd - p.ROStart}
		}
		out = append(out, benchProgram{s.name, p.Code(), p.Entry, layout})
	}
	return out
}

// BenchmarkTranslate translates whole programs from scratch, as AOT does (register-use
// analysis, block discovery, lowering, assembling, mapping), with the arm64 backend
// on arm64 and the amd64 backend elsewhere (compiling needs no amd64 host), and reports the time per guest instruction translated (ns/insn) and the machine
// code produced; cpu-ns/insn is the same in the process's CPU time (the garbage
// collector's included), which a busy machine disturbs less. Where the time goes: docs/architecture.md, "Translation time".
func BenchmarkTranslate(b *testing.B) {
	be := amd64.New()
	if runtime.GOARCH == "arm64" {
		be = arm64.New()
	}
	for _, bp := range benchPrograms(b) {
		b.Run(bp.name, func(b *testing.B) {
			b.ReportAllocs()
			var st translate.Stats
			cpu0, cpuOK := processCPU()
			for i := 0; i < b.N; i++ {
				prog, err := translate.New(bp.code, bp.entry, bp.layout, be, translate.Options{})
				if err != nil {
					b.Fatal(err)
				}
				if err := prog.CompileAll(bp.entry); err != nil {
					b.Fatal(err)
				}
				st = prog.Stats()
				prog.Free()
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(st.Insts), "ns/insn")
			if cpu1, ok := processCPU(); ok && cpuOK {
				b.ReportMetric(float64((cpu1-cpu0).Nanoseconds())/float64(b.N)/float64(st.Insts), "cpu-ns/insn")
			}
			b.ReportMetric(float64(st.Insts), "insns")
			b.ReportMetric(float64(st.CodeBytes), "code-bytes")
		})
	}
}
