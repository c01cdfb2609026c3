package replay

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/core/types"

	"github.com/hybridvm/hybridvm/chain"
	"github.com/hybridvm/hybridvm/chaingen"
	"github.com/hybridvm/hybridvm/machine"
)

func generate(t *testing.T, workload string, blocks int, seed int64) (*chaingen.Chain, []byte) {
	t.Helper()
	c, err := chaingen.Generate(chaingen.Options{Workload: workload, Blocks: blocks, Seed: seed, Accounts: 100})
	if err != nil {
		t.Fatal(err)
	}
	g, err := json.Marshal(c.Genesis)
	if err != nil {
		t.Fatal(err)
	}
	return c, g
}

// TestReplayGeneratedChain: a chain go-ethereum generated (every root its own) replays
// with every header field matching, on every engine, and the stats add up.
func TestReplayGeneratedChain(t *testing.T) {
	c, gj := generate(t, "mixed", 3, 5)
	for _, e := range []machine.Engine{machine.EngineInterp, machine.EngineJIT} {
		g, st, err := Genesis(gj)
		if err != nil {
			t.Fatal(err)
		}
		var progress int
		r, err := New(g, st, Options{Engine: e, Progress: func(Stats) { progress++ }})
		if err != nil {
			t.Fatal(err)
		}
		for _, b := range c.Blocks {
			if err := r.Import(context.Background(), b); err != nil {
				t.Fatalf("%v: %v", e, err)
			}
		}
		s := r.Stats()
		var gas uint64
		var txs int
		for _, b := range c.Blocks {
			gas += b.GasUsed()
			txs += len(b.Transactions())
		}
		if s.Blocks != 3 || s.GasUsed != gas || s.Transactions != txs || progress != 3 || s.Root != c.Blocks[2].Root() {
			t.Errorf("%v: stats %+v, want 3 blocks, %d transactions, %d gas, root %x", e, s, txs, gas, c.Blocks[2].Root())
		}
		if s.MgasPerSecond <= 0 || s.Split.Execution <= 0 {
			t.Errorf("%v: no timing: %+v", e, s)
		}
	}
}

// TestReplayRejects: a block of another chain, a block with a wrong state root and a
// wrong genesis are errors naming the block and the field.
func TestReplayRejects(t *testing.T) {
	c, gj := generate(t, "transfers", 2, 1)
	other, _ := generate(t, "transfers", 2, 2)
	g, st, err := Genesis(gj)
	if err != nil {
		t.Fatal(err)
	}
	r, err := New(g, st, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Import(context.Background(), other.Blocks[0]); err == nil || !strings.Contains(err.Error(), "block 1") {
		t.Errorf("a block of another chain: %v", err)
	}
	h := c.Blocks[0].Header()
	h.Root[0] ^= 1
	bad := types.NewBlockWithHeader(h).WithBody(*c.Blocks[0].Body())
	if err := r.Import(context.Background(), bad); !errors.Is(err, chain.ErrStateRoot) || !strings.Contains(err.Error(), "block 1") {
		t.Errorf("a wrong state root: %v", err)
	}
	var tampered map[string]any
	if err := json.Unmarshal(gj, &tampered); err != nil {
		t.Fatal(err)
	}
	tampered["timestamp"] = "0x1"
	bad2, _ := json.Marshal(tampered)
	g2, st2, err := Genesis(bad2)
	if err != nil {
		t.Fatal(err)
	}
	r2, _ := New(g2, st2, Options{})
	if err := r2.Import(context.Background(), c.Blocks[0]); err == nil {
		t.Error("a block replayed on another genesis")
	}
	if _, _, err := Genesis([]byte(`{"config":{"chainId":1},"alloc":{"0x01":{"balance":"0x1"}},"stateRoot":"0x01"}`)); err != nil && !strings.Contains(err.Error(), "genesis") {
		t.Errorf("odd genesis: %v", err)
	}
	if _, _, err := Genesis([]byte(`{`)); err == nil {
		t.Error("truncated genesis accepted")
	}
}

// TestParallelReplayMatchesSequential: every workload replays with 1, 2 and 4
// workers; each block is validated against its header (go-ethereum's roots,
// receipts, bloom and gas), so parallel and sequential execution give the same
// blocks. The conflict counts show the parallel path really ran.
func TestParallelReplayMatchesSequential(t *testing.T) {
	for _, w := range chaingen.Workloads() {
		t.Run(w, func(t *testing.T) {
			c, gj := generate(t, w, 2, 11)
			for _, workers := range []int{1, 2, 4} {
				g, st, err := Genesis(gj)
				if err != nil {
					t.Fatal(err)
				}
				var parallelBlocks int
				r, err := New(g, st, Options{Engine: machine.EngineInterp, Workers: workers, AlwaysParallel: true, OverlapRoot: workers > 1, BlockStats: func(_ uint64, _ int, ps *chain.ParallelStats) {
					if ps != nil && !ps.Paused && !ps.Slower {
						parallelBlocks++
					}
				}})
				if err != nil {
					t.Fatal(err)
				}
				for _, b := range c.Blocks {
					if err := r.Import(context.Background(), b); err != nil {
						t.Fatalf("%d workers: %v", workers, err)
					}
				}
				if err := r.Flush(); err != nil {
					t.Fatalf("%d workers: %v", workers, err)
				}
				s := r.Stats()
				if s.Root != c.Blocks[len(c.Blocks)-1].Root() {
					t.Fatalf("%d workers: root %x", workers, s.Root)
				}
				if want := map[bool]int{true: 0, false: len(c.Blocks)}[workers == 1]; parallelBlocks != want {
					t.Errorf("%d workers: %d blocks ran in parallel, want %d", workers, parallelBlocks, want)
				}
				t.Logf("%d workers: %d transactions, %d speculative, %d re-executed", workers, s.Transactions, s.Speculative, s.Reexecuted)
			}
		})
	}
}

// TestOverlapRootRejects: with the state root hashed while the next block runs,
// a block with a wrong root is still the one refused, by the next Import (even
// when that block is itself bad) or by Flush; the head stays at its parent and
// nothing after it is counted.
func TestOverlapRootRejects(t *testing.T) {
	c, gj := generate(t, "transfers", 3, 1)
	h := c.Blocks[1].Header()
	h.Root[0] ^= 1
	bad := types.NewBlockWithHeader(h).WithBody(*c.Blocks[1].Body())
	for _, next := range []*types.Block{c.Blocks[2], nil} {
		g, st, err := Genesis(gj)
		if err != nil {
			t.Fatal(err)
		}
		r, err := New(g, st, Options{OverlapRoot: true})
		if err != nil {
			t.Fatal(err)
		}
		if err := r.Import(context.Background(), c.Blocks[0]); err != nil {
			t.Fatal(err)
		}
		if err := r.Import(context.Background(), bad); err != nil {
			t.Fatalf("checked before the next block: %v", err)
		}
		if next != nil {
			err = r.Import(context.Background(), next) // its parent hash is not bad's either
		} else {
			err = r.Flush()
		}
		if !errors.Is(err, chain.ErrStateRoot) || !strings.Contains(err.Error(), "block 2") {
			t.Fatalf("next %v: %v", next != nil, err)
		}
		if s := r.Stats(); s.Blocks != 1 || s.Head != 1 || s.Root != c.Blocks[0].Root() {
			t.Errorf("next %v: stats %+v after the bad block", next != nil, s)
		}
		if err := r.Flush(); err != nil {
			t.Errorf("a second Flush: %v", err)
		}
	}
}
