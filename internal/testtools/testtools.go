// Package testtools locates the external programs some tests compare against
// (riscv64-unknown-elf-gcc and binutils, qemu-riscv64-static, qemu-aarch64-static).
//
// A missing tool skips the test with a message naming it, unless the environment sets
// HYBRIDVM_REQUIRE_TOOLS=1 — as .ci/run does — in which case the test fails: in CI a
// missing tool is an error, never a silent skip. It imports nothing from the project.
package testtools

import (
	"os"
	"os/exec"
	"testing"
)

// Required reports whether missing tools must fail tests instead of skipping them.
func Required() bool { return os.Getenv("HYBRIDVM_REQUIRE_TOOLS") == "1" }

// Need returns the path of each named program, or ends the test (skip or fail, see the
// package comment) if one is missing.
func Need(t testing.TB, names ...string) []string {
	t.Helper()
	paths := make([]string, len(names))
	for i, n := range names {
		p, err := exec.LookPath(n)
		if err != nil {
			if Required() {
				t.Fatalf("required tool %s not found (HYBRIDVM_REQUIRE_TOOLS=1): install it with scripts/install-deps.sh", n)
			}
			t.Skipf("SKIPPED: tool %s not found; install it with scripts/install-deps.sh (set HYBRIDVM_REQUIRE_TOOLS=1 to make this a failure)", n)
		}
		paths[i] = p
	}
	return paths
}
