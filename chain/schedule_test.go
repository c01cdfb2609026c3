package chain_test

import (
	"slices"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/hybridvm/hybridvm/chain"
	"github.com/hybridvm/hybridvm/chaingen"
)

// TestSimulate checks the schedule model on blocks whose answer is known.
func TestSimulate(t *testing.T) {
	const c = time.Microsecond
	indep := make([]chain.TxProfile, 100)
	chained := make([]chain.TxProfile, 100)
	for i := range indep {
		indep[i] = chain.TxProfile{Cost: 10 * c}
		chained[i] = chain.TxProfile{Cost: 10 * c}
		if i > 0 {
			chained[i].Deps = []int{i - 1}
		}
	}
	if d, rerun := chain.Simulate(indep, 1, 0, 64); d != 1000*c || rerun != 0 {
		t.Errorf("1 worker: %v, %d re-run; want the sum, 1ms, none", d, rerun)
	}
	// Independent transactions with free commits: the committer and 3 workers
	// share them (the committer runs later ones while it waits): 4 workers'
	// worth of speed, less a transaction at the end.
	if d, rerun := chain.Simulate(indep, 4, 0, 64); d < 1000*c/4 || d > 1000*c/4+20*c || rerun != 0 {
		t.Errorf("4 workers, independent: %v, %d re-run; want about 250µs, none", d, rerun)
	}
	// Two workers and commits half a transaction's cost: the committer's
	// commits take half of its time, so it runs a third of the transactions
	// and the worker two thirds: 100 × 10µs × 2/3 ≈ 667µs.
	if d, _ := chain.Simulate(indep, 2, 5*c, 64); d < 600*c || d > 760*c {
		t.Errorf("2 workers, 5µs commits: %v, want about 667µs", d)
	}
	// The window: with a lookahead of 1 and slow commits, workers wait for
	// commits, and the run is no faster than the commits allow.
	if d, _ := chain.Simulate(indep, 8, 20*c, 1); d < 2000*c {
		t.Errorf("8 workers, lookahead 1, 20µs commits: %v, want at least 2ms", d)
	}
	// A chain of dependencies: every speculative run fails; no faster than
	// one after another.
	if d, rerun := chain.Simulate(chained, 4, 0, 64); d < 1000*c || rerun == 0 {
		t.Errorf("4 workers, chained: %v, %d re-run; want at least 1ms and re-runs", d, rerun)
	}
	// A serial commit cost bounds the speed: 100 commits of 5µs.
	if d, _ := chain.Simulate(indep, 16, 5*c, 64); d < 500*c {
		t.Errorf("16 workers, 5µs commits: %v, want at least 500µs", d)
	}
}

// TestProfileDependencies: a profiled hot block (every transaction bumps one
// counter) makes each transaction depend on the one before (and on the same
// sender's previous transaction, a round of senders earlier), and a profiled
// transfer block mostly has none on recent transactions; the profile run ends in the
// header's state root.
func TestProfileDependencies(t *testing.T) {
	for _, w := range []string{"hot", "transfers"} {
		c, err := chaingen.Generate(chaingen.Options{Workload: w, Blocks: 1, Seed: 2})
		if err != nil {
			t.Fatal(err)
		}
		st := allocState(t, c.Genesis)
		p, err := chain.NewProcessor(chain.Config{Chain: c.Genesis.Config, Runtime: evmConfig})
		if err != nil {
			t.Fatal(err)
		}
		b := c.Blocks[0]
		prof, _, err := p.Profile(b, st, func(uint64) common.Hash { return common.Hash{} })
		if err != nil {
			t.Fatal(err)
		}
		if len(prof) != len(b.Transactions()) || st.Root() != b.Root() {
			t.Fatalf("%s: %d profiles for %d transactions, root %x want %x", w, len(prof), len(b.Transactions()), st.Root(), b.Root())
		}
		dependent := 0 // on one of the 64 before: what limits a parallel schedule
		for i, tp := range prof {
			if slices.ContainsFunc(tp.Deps, func(j int) bool { return j >= i-64 }) {
				dependent++
			}
			if w == "hot" && i > 0 && !slices.Contains(tp.Deps, i-1) {
				t.Fatalf("hot transaction %d depends on %v, not on %d", i, tp.Deps, i-1)
			}
		}
		if w == "transfers" && dependent > len(prof)/4 {
			t.Errorf("transfers: %d of %d transactions depend on one of the 64 before", dependent, len(prof))
		}
		t.Logf("%s: %d of %d transactions depend on one of the 64 before", w, dependent, len(prof))
	}
}
