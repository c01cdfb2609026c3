package statetest

import (
	"testing"

	"github.com/hybridvm/hybridvm/host"
	"github.com/hybridvm/hybridvm/internal/testtools"
)

// generalStateTests is where ethereum/tests' GeneralStateTests are in the external
// test data (testtools.NeedData), read in place (never copied into the repository).
const generalStateTests = "ethereum-tests/GeneralStateTests"

// TestCancunGeneralStateTests runs every Cancun post entry of ethereum/tests'
// GeneralStateTests (about 21,000) with the EVM and fails listing each failure.
func TestCancunGeneralStateTests(t *testing.T) {
	dir := testtools.NeedData(t, generalStateTests)
	var failures []Result
	counts, err := Run([]string{dir}, &Options{Forks: []host.Fork{host.Cancun}, Engine: evmEngine}, func(r Result) {
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

// TestPreCancunGeneralStateTests runs every Paris and Shanghai post entry of the same
// fixtures (about 60 and 170: the EIP-3651, 3855 and 3860 tests, the pre-Cancun side of the
// EIP-6780 and EIP-4844 tests, and a few older ones filled for every fork).
func TestPreCancunGeneralStateTests(t *testing.T) {
	dir := testtools.NeedData(t, generalStateTests)
	perFork := map[string]int{}
	counts, err := Run([]string{dir}, &Options{Forks: []host.Fork{host.Paris, host.Shanghai}, Engine: evmEngine}, func(r Result) {
		perFork[r.Fork]++
		if !r.Pass {
			t.Errorf("FAIL %s %s/%d (%s): %s", r.Name, r.Fork, r.Index, r.File, r.Error)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d passed, %d failed: %v", counts.Passed, counts.Failed, perFork)
	if perFork["Paris"] < 60 || perFork["Shanghai"] < 170 {
		t.Errorf("only %v entries ran; the test data looks incomplete", perFork)
	}
}
