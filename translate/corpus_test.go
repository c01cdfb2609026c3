package translate_test

import (
	"testing"

	"github.com/hybridvm/hybridvm/codegen/amd64"
	"github.com/hybridvm/hybridvm/internal/corpus"
)

// TestCorpus: every program and contract scenario of the project agrees on every
// engine (interp, jit, jit one block per unit, aot): exit, registers, pc, memory,
// gas, instruction count.
func TestCorpus(t *testing.T) {
	corpus.Check(t, 100)
}

// TestCorpusWithoutBMI2: the corpus again with the code generated for hosts without
// BMI2 (variable shifts through CL, borrowing RCX from its guest register).
func TestCorpusWithoutBMI2(t *testing.T) {
	defer amd64.UseBMI2(amd64.UseBMI2(false))
	corpus.Check(t, 60)
}
