package statetest

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/hybridvm/hybridvm/internal/testtools"
)

// TestNoRISCVMachineLinked checks that the EVM-only state-test runner, and the
// kind-agnostic runtime it uses, do not link the RISC-V machine: no interpreter,
// no JIT, no assembler. The RISC-V engine lives in riscvengine, wired in by the
// root package and the CLI.
func TestNoRISCVMachineLinked(t *testing.T) {
	goTool := testtools.Need(t, "go")[0]
	forbidden := []string{
		"github.com/hybridvm/hybridvm/riscvengine",
		"github.com/hybridvm/hybridvm/machine",
		"github.com/hybridvm/hybridvm/interp",
		"github.com/hybridvm/hybridvm/translate",
		"github.com/hybridvm/hybridvm/codegen",
		"github.com/hybridvm/hybridvm/evmbridge",
		"github.com/twitchyliquid64/golang-asm",
	}
	for _, pkg := range []string{"github.com/hybridvm/hybridvm/statetest", "github.com/hybridvm/hybridvm/runtime"} {
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
