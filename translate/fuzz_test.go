package translate_test

import (
	"testing"

	"github.com/hybridvm/hybridvm/internal/corpus"
	"github.com/hybridvm/hybridvm/machine"
)

// FuzzNativeVsInterp is the differential fuzzer: a random RV64IMAC program (built from
// the input by corpus.RandomProgram: ALU, W forms, division by zero and overflow,
// shifts by 0/31/32/63, loads and stores at the arena's edges and into read-only
// text, atomics, CSRs, compressed forms, branches, loops, indirect jumps, raw words,
// x0 writes) must end identically on every engine: exit, registers, pc, memory, gas,
// instruction count. What it (or the corpus) finds becomes a named program in
// TestRegressions.
func FuzzNativeVsInterp(f *testing.F) {
	for _, p := range [][]byte{
		{}, {0}, []byte("hybridvm"), []byte("\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f"),
	} {
		f.Add(p)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		corpus.CheckExec(t, corpus.RandomProgram(data), machine.NewCache(4))
	})
}
