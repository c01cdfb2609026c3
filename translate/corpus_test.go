package translate_test

import (
	"testing"

	"github.com/hybridvm/hybridvm/internal/corpus"
)

// TestCorpus: every program and contract scenario of the project agrees on every
// engine (interp, jit, jit one block per unit, aot): exit, registers, pc, memory,
// gas, instruction count.
func TestCorpus(t *testing.T) {
	corpus.Check(t, 100)
}
