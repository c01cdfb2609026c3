package blocktest

import (
	"testing"
	"time"

	"github.com/hybridvm/hybridvm/evm"
	"github.com/hybridvm/hybridvm/host"
	"github.com/hybridvm/hybridvm/internal/testtools"
	"github.com/hybridvm/hybridvm/runtime"
)

// blockchainTests is where ethereum/tests' BlockchainTests are in the external
// test data (testtools.NeedData), read in place.
const blockchainTests = "ethereum-tests/BlockchainTests"

func evmEngine(f host.Fork) (runtime.Engine, error) { return evm.New(evm.Config{Fork: f}) }

// TestBlockchainTests runs every blockchain test of ethereum/tests (ValidBlocks
// and InvalidBlocks: 573 Cancun tests, 1,345 blocks) and fails listing each
// failure.
func TestBlockchainTests(t *testing.T) {
	runBlockchainTests(t, &Options{Engine: evmEngine})
}

// TestBlockchainTestsParallel runs them all again with every block's
// transactions executed in parallel (four workers, every block however small),
// which must give exactly the same results.
func TestBlockchainTestsParallel(t *testing.T) {
	runBlockchainTests(t, &Options{Engine: evmEngine, TxWorkers: 4})
}

func runBlockchainTests(t *testing.T, opts *Options) {
	dir := testtools.NeedData(t, blockchainTests)
	start := time.Now()
	var failures []Result
	counts, err := Run([]string{dir}, opts, func(r Result) {
		if !r.Pass {
			failures = append(failures, r)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range failures {
		t.Errorf("FAIL %s (%s): %s", r.Name, r.File, r.Error)
	}
	t.Logf("%d passed, %d failed (%d blocks) in %v", counts.Passed, counts.Failed, counts.Blocks, time.Since(start).Round(time.Millisecond))
	if counts.Passed+counts.Failed < 573 {
		t.Errorf("only %d tests ran; the test data looks incomplete", counts.Passed+counts.Failed)
	}
}
