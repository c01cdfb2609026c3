package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDeployELFHeuristic: every deploy ELF in the repository embeds a runtime ELF and
// no runtime ELF does, the factory's included (it embeds only the counter's initcode).
func TestDeployELFHeuristic(t *testing.T) {
	var files []string
	for _, pat := range []string{"../../examples/*/*.elf", "../../testdata/hybrid/*.elf", "../../testdata/riscv/contracts/*.elf"} {
		m, _ := filepath.Glob(pat)
		files = append(files, m...)
	}
	deploys := 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		deploy := strings.HasSuffix(f, ".deploy.elf")
		if deploy {
			deploys++
		}
		if got := embedsRISCVELF(b); got != deploy {
			t.Errorf("%s: embedsRISCVELF = %v, want %v", f, got, deploy)
		}
	}
	if deploys < 5 {
		t.Fatalf("found %d deploy ELFs among %d files", deploys, len(files))
	}
	code, _, errOut := cli("initcode", "--hex", "../../examples/factory/factory.runtime.elf")
	if code != 2 || !strings.Contains(errOut, "embeds no runtime ELF") {
		t.Errorf("initcode of a runtime ELF: exit %d, stderr %q", code, errOut)
	}
	if code, out, errOut := cli("initcode", "--hex", "../../examples/factory/factory.deploy.elf"); code != 0 || !strings.HasPrefix(out, "0xff") {
		t.Errorf("initcode of a deploy ELF: exit %d, stderr %q", code, errOut)
	}
}
