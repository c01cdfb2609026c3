package translate_test

import (
	"os"
	"testing"

	"github.com/hybridvm/hybridvm/codegen"
	"github.com/hybridvm/hybridvm/codegen/amd64"
	"github.com/hybridvm/hybridvm/guest"
	"github.com/hybridvm/hybridvm/translate"
)

// BenchmarkCompileAll: translating a whole program ahead of time (block discovery,
// register choice, lowering, golang-asm, mapping), reported per program and per guest
// instruction translated.
func BenchmarkCompileAll(b *testing.B) {
	for _, tt := range []struct {
		name, path string
		cons       guest.Constraints
	}{
		{"erc20", "../examples/erc20/erc20.runtime.elf", guest.ContractConstraints},
		{"sha256", "../bench/kernels/sha256.elf", guest.Constraints{}},
	} {
		b.Run(tt.name, func(b *testing.B) {
			elf, err := os.ReadFile(tt.path)
			if err != nil {
				b.Fatal(err)
			}
			p, err := guest.LoadELF(elf, tt.cons)
			if err != nil {
				b.Fatal(err)
			}
			layout := codegen.Layout{ArenaBase: guest.ContractBase, ArenaSize: guest.ContractArenaSize, ROStart: p.ROStart - guest.ContractBase, ROSize: p.ROEnd - p.ROStart}
			if tt.cons.ArenaSize == 0 {
				base, _ := p.ExecArena(0)
				layout = codegen.Layout{ArenaBase: base, ArenaSize: guest.DefaultExecArenaSize, ROStart: p.ROStart - base, ROSize: p.ROEnd - p.ROStart}
			}
			insts := 0
			code := p.Code()
			for pc := code.Lo; pc < code.Hi; {
				in, ok := code.Fetch(pc)
				if !ok {
					pc += 2
					continue
				}
				insts++
				pc += uint64(in.Len)
			}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				prog, err := translate.New(code, p.Entry, layout, amd64.New(), translate.Options{})
				if err != nil {
					b.Fatal(err)
				}
				if err := prog.CompileAll(p.Entry); err != nil {
					b.Fatal(err)
				}
				b.ReportMetric(float64(prog.Stats().CodeBytes), "code-bytes")
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N), "µs/program")
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(insts), "ns/inst")
		})
	}
}
