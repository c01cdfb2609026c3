// Package testtools is how tests find what lives outside the repository: the external
// programs some tests compare against (riscv64-unknown-elf-gcc and binutils,
// qemu-riscv64-static, qemu-aarch64-static, objdump, make) and the external test data
// (ethereum/tests, evm-benchmarks; see DataRoot).
//
// Something missing ends the test in one way everywhere (Unavailable): a skip with a
// message naming it, unless the environment sets HYBRIDVM_REQUIRE_TOOLS=1 — as the test
// command scripts/test.sh (which CI runs) does — in which case the test fails: there a
// missing tool or data set is an error, never a silent skip. It imports nothing from the
// project.
package testtools

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// Required reports whether missing tools and data must fail tests instead of skipping
// them.
func Required() bool { return os.Getenv("HYBRIDVM_REQUIRE_TOOLS") == "1" }

// Unavailable ends the test because what it needs is missing: what names it, hint says
// how to get it. It fails the test when Required, else skips it with the message.
func Unavailable(t testing.TB, what, hint string) {
	t.Helper()
	if Required() {
		t.Fatalf("required %s not found (HYBRIDVM_REQUIRE_TOOLS=1): %s", what, hint)
	}
	t.Skipf("SKIPPED: %s not found: %s (set HYBRIDVM_REQUIRE_TOOLS=1 to make this a failure)", what, hint)
}

// Need returns the path of each named program, or ends the test (Unavailable) naming
// every one that is missing.
func Need(t testing.TB, names ...string) []string {
	t.Helper()
	paths := make([]string, len(names))
	var missing []string
	for i, n := range names {
		p, err := exec.LookPath(n)
		if err != nil {
			missing = append(missing, n)
		}
		paths[i] = p
	}
	if len(missing) > 0 {
		Unavailable(t, "tool "+strings.Join(missing, ", "), "install it with scripts/install-deps.sh")
	}
	return paths
}

// Emulated names the emulator the tests run under, from HYBRIDVM_EMULATOR (the test
// command sets it to qemu-aarch64-static for the arm64 run), or "".
func Emulated() string { return os.Getenv("HYBRIDVM_EMULATOR") }

// SkipIfEmulated skips a test that the emulator cannot host (why says what it lacks),
// with a message: such tests run natively in the same test command.
func SkipIfEmulated(t testing.TB, why string) {
	t.Helper()
	if emu := Emulated(); emu != "" {
		t.Skipf("SKIPPED under %s (runs natively on amd64 in the same test command): %s", emu, why)
	}
}

// DeepRecursionUnderEmulator is why tests of 1024 nested RISC-V frames do not run under
// qemu-user: it keeps metadata for every page of every guest mapping, about 20 MiB for
// each frame's 1 GiB arena (20 GiB for the recursion; 25 MiB natively).
const DeepRecursionUnderEmulator = "1024 nested 1 GiB arenas: qemu-user's per-page metadata takes about 20 GiB"

// NoDeps fails the test when one of pkgs depends (directly or not, by go list -deps)
// on a package of forbidden or on one below it.
func NoDeps(t testing.TB, pkgs, forbidden []string) {
	t.Helper()
	goTool := Need(t, "go")[0]
	for _, pkg := range pkgs {
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
