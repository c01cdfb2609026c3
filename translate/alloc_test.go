package translate_test

import (
	"testing"

	"github.com/hybridvm/hybridvm/codegen/amd64"
	"github.com/hybridvm/hybridvm/translate"
)

// TestTranslationAllocations: translating a small program from scratch (analysis,
// discovery, lowering, assembling, mapping) allocates a bounded number of objects,
// not a few per guest instruction. Per-block closures and per-unit builders made
// fib's translation allocate 701 objects; it takes about 150 now
// (docs/architecture.md, "Translation time").
func TestTranslationAllocations(t *testing.T) {
	defer amd64.CheckEncoding(amd64.CheckEncoding(false)) // as outside the tests
	be := amd64.New()
	var fib *benchProgram
	progs := benchPrograms(t)
	for i := range progs {
		if progs[i].name == "fib" {
			fib = &progs[i]
		}
	}
	if fib == nil {
		t.Fatal("no fib kernel")
	}
	translateFib := func() {
		prog, err := translate.New(fib.code, fib.entry, fib.layout, be, translate.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if err := prog.CompileAll(fib.entry); err != nil {
			t.Fatal(err)
		}
		prog.Free()
	}
	translateFib() // warm the builder pools
	n := testing.AllocsPerRun(20, translateFib)
	t.Logf("%.0f allocations", n)
	if n > 250 {
		t.Errorf("translating fib allocates %.0f objects, want at most 250", n)
	}
}
