package statetest

import (
	"testing"

	"github.com/hybridvm/hybridvm/internal/testtools"
)

// TestNoRISCVMachineLinked checks that the EVM-only state-test runner, and the
// kind-agnostic runtime it uses, do not link the RISC-V machine: no interpreter,
// no JIT, no assembler. The RISC-V engine lives in riscvengine, wired in by the
// root package and the CLI.
func TestNoRISCVMachineLinked(t *testing.T) {
	forbidden := []string{
		"github.com/hybridvm/hybridvm/riscvengine",
		"github.com/hybridvm/hybridvm/machine",
		"github.com/hybridvm/hybridvm/interp",
		"github.com/hybridvm/hybridvm/translate",
		"github.com/hybridvm/hybridvm/codegen",
		"github.com/hybridvm/hybridvm/evmbridge",
		"github.com/twitchyliquid64/golang-asm",
	}
	testtools.NoDeps(t, []string{"github.com/hybridvm/hybridvm/statetest", "github.com/hybridvm/hybridvm/runtime"}, forbidden)
}
