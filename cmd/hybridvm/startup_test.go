package main

import (
	"bytes"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"github.com/hybridvm/hybridvm/internal/testtools"
)

// initBudget is the most a package of this module may allocate while it is
// initialised. Every hybridvm process (exec, run, version) links and initialises
// all of them, so a table, map or regexp that only one subcommand needs is built on
// first use (sync.OnceValue) instead; see RATIONALE.md ("Start-up").
const initBudget = 4 << 10

// TestInitAllocations runs this binary as `hybridvm version` under
// GODEBUG=inittrace=1 and checks each of the module's packages against initBudget.
// This package itself is left out: in the test binary its initialisation includes
// its test files' variables.
func TestInitAllocations(t *testing.T) {
	testtools.SkipIfEmulated(t, "it runs the test binary again, which qemu-user does not")
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(self, "version")
	cmd.Env = append(os.Environ(), cliEnv+"=1", "GODEBUG="+strings.TrimPrefix(os.Getenv("GODEBUG")+",inittrace=1", ","))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("hybridvm version: %v\n%s", err, stderr.String())
	}
	const module = "github.com/hybridvm/hybridvm"
	seen := 0
	for line := range strings.Lines(stderr.String()) {
		// init PKG @T ms, C ms clock, B bytes, A allocs
		f := strings.Fields(line)
		if len(f) != 11 || f[0] != "init" || f[8] != "bytes," {
			continue
		}
		pkg := f[1]
		if (pkg != module && !strings.HasPrefix(pkg, module+"/")) || pkg == module+"/cmd/hybridvm" {
			continue
		}
		seen++
		n, err := strconv.Atoi(f[7])
		if err != nil {
			t.Fatalf("inittrace line %q: %v", line, err)
		}
		if n > initBudget {
			t.Errorf("%s allocates %d bytes at init (budget %d): build it on first use", pkg, n, initBudget)
		}
	}
	if seen == 0 {
		t.Fatalf("no init lines of %s in the inittrace output:\n%s", module, stderr.String())
	}
}
