package statetest

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/hybridvm/hybridvm/host"
)

// generalStateTests is ethereum/tests' GeneralStateTests, read in place from the
// shared test data beside the checkout (never copied into the repository).
var generalStateTests = filepath.Join("..", "..", "shared", "testdata", "ethereum-tests", "GeneralStateTests")

// TestCancunGeneralStateTests runs every Cancun post entry of ethereum/tests'
// GeneralStateTests (about 21,000) with the EVM and fails listing each failure.
func TestCancunGeneralStateTests(t *testing.T) {
	if _, err := os.Stat(generalStateTests); err != nil {
		t.Skipf("SKIPPED: ethereum/tests GeneralStateTests not found at %s (%v): the Cancun state tests did NOT run", generalStateTests, err)
	}
	var failures []Result
	counts, err := Run([]string{generalStateTests}, &Options{Forks: []host.Fork{host.Cancun}, Engine: evmEngine}, func(r Result) {
		if !r.Pass {
			failures = append(failures, r)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range failures {
		t.Errorf("FAIL %s %s/%d (%s): %s", r.Name, r.Fork, r.Index, r.File, r.Error)
	}
	t.Logf("%d passed, %d failed", counts.Passed, counts.Failed)
	if counts.Passed+counts.Failed < 20000 {
		t.Errorf("only %d Cancun entries ran; the test data looks incomplete", counts.Passed+counts.Failed)
	}
}
