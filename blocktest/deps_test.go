package blocktest

import (
	"testing"

	"github.com/hybridvm/hybridvm/internal/testtools"
)

// TestNoRISCVMachineLinked: the block layer and the blockchain-test runner are
// engine-agnostic, like the runtime: they do not link the RISC-V machine (the
// engines are given by the caller).
func TestNoRISCVMachineLinked(t *testing.T) {
	forbidden := []string{
		"github.com/hybridvm/hybridvm/riscvengine",
		"github.com/hybridvm/hybridvm/machine",
		"github.com/hybridvm/hybridvm/interp",
		"github.com/hybridvm/hybridvm/translate",
		"github.com/hybridvm/hybridvm/codegen",
		"github.com/hybridvm/hybridvm/evmbridge",
		"github.com/hybridvm/hybridvm/evm",
	}
	testtools.NoDeps(t, []string{"github.com/hybridvm/hybridvm/blocktest", "github.com/hybridvm/hybridvm/chain"}, forbidden)
}
