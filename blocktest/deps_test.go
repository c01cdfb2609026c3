package blocktest

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/hybridvm/hybridvm/internal/testtools"
)

// TestNoRISCVMachineLinked: the block layer and the blockchain-test runner are
// engine-agnostic, like the runtime: they do not link the RISC-V machine (the
// engines are given by the caller).
func TestNoRISCVMachineLinked(t *testing.T) {
	goTool := testtools.Need(t, "go")[0]
	forbidden := []string{
		"github.com/hybridvm/hybridvm/riscvengine",
		"github.com/hybridvm/hybridvm/machine",
		"github.com/hybridvm/hybridvm/interp",
		"github.com/hybridvm/hybridvm/translate",
		"github.com/hybridvm/hybridvm/codegen",
		"github.com/hybridvm/hybridvm/evmbridge",
		"github.com/hybridvm/hybridvm/evm",
	}
	for _, pkg := range []string{"github.com/hybridvm/hybridvm/blocktest", "github.com/hybridvm/hybridvm/chain"} {
		out, err := exec.Command(goTool, "list", "-deps", pkg).Output()
		if err != nil {
			t.Fatalf("go list -deps %s: %v", pkg, err)
		}
		for _, dep := range strings.Fields(string(out)) {
			for _, f := range forbidden {
				if dep == f || strings.HasPrefix(dep, f+"/") {
					t.Errorf("%s depends on %s", pkg, dep)
				}
			}
		}
	}
}
