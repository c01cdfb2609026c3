package chaingen

import (
	"bytes"
	"context"
	"encoding/json"
	"slices"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/consensus/beacon"
	"github.com/ethereum/go-ethereum/consensus/ethash"
	"github.com/ethereum/go-ethereum/core"
	"github.com/ethereum/go-ethereum/core/rawdb"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/hybridvm/hybridvm/chain"
	"github.com/hybridvm/hybridvm/evm"
	"github.com/hybridvm/hybridvm/host"
	"github.com/hybridvm/hybridvm/replay"
	"github.com/hybridvm/hybridvm/runtime"
	"github.com/hybridvm/hybridvm/state"
)

// TestDifferentialForks: every EVM workload on Prague and on Osaka, replayed by
// go-ethereum (BlockChain.InsertChain, in memory) and by hybridvm (chain.Processor on
// the embedded state, block by block, and `replay`, which validates every header),
// gives per block the same receipts (status, cumulative gas, gas, logs, bloom), the
// same logs bloom and the same state root; every block runs under the fork named.
// Small blocks (3M gas) keep it quick.
func TestDifferentialForks(t *testing.T) {
	for _, fork := range []string{"Prague", "Osaka"} {
		want := map[string]host.Fork{"Prague": host.Prague, "Osaka": host.Osaka}[fork]
		for _, w := range Workloads() {
			if w == "hybrid" {
				continue // go-ethereum cannot run it: hybrid_test.go
			}
			t.Run(fork+"/"+w, func(t *testing.T) {
				c, err := Generate(Options{Workload: w, Blocks: 3, Seed: 11, Fork: fork, Accounts: 40, BlockGas: 3_000_000})
				if err != nil {
					t.Fatal(err)
				}
				gethReceipts, gethRoots := gethReplay(t, c)
				alloc, err := json.Marshal(c.Genesis.Alloc)
				if err != nil {
					t.Fatal(err)
				}
				st, err := state.ParseAlloc(alloc)
				if err != nil {
					t.Fatal(err)
				}
				proc, err := chain.NewProcessor(chain.Config{Chain: c.Genesis.Config, Runtime: func(f host.Fork) (runtime.Config, error) {
					e, err := evm.New(evm.Config{Fork: f})
					return runtime.Config{EVM: e}, err
				}})
				if err != nil {
					t.Fatal(err)
				}
				hashes := map[uint64]common.Hash{0: c.Genesis.ToBlock().Hash()}
				for i, b := range c.Blocks {
					n := b.NumberU64()
					if f, err := chain.ForkAt(c.Genesis.Config, n, b.Time()); err != nil || f != want {
						t.Fatalf("block %d runs under %v (%v), want %v", n, f, err, want)
					}
					if len(b.Transactions()) == 0 {
						t.Fatalf("block %d is empty", n)
					}
					res, err := proc.Process(b, st, func(n uint64) common.Hash { return hashes[n] })
					if err != nil {
						t.Fatalf("block %d: hybridvm: %v", n, err)
					}
					hashes[n] = b.Hash()
					diffReceipts(t, n, res.Receipts, gethReceipts[i])
					if bloom := types.MergeBloom(gethReceipts[i]); res.Bloom != bloom {
						t.Errorf("block %d: logs bloom %x, go-ethereum %x", n, res.Bloom, bloom)
					}
					if root := st.Root(); root != gethRoots[i] {
						t.Errorf("block %d: state root %x, go-ethereum %x", n, root, gethRoots[i])
					}
				}
				// And `replay`, the command's path, validating every header.
				gj, err := json.Marshal(c.Genesis)
				if err != nil {
					t.Fatal(err)
				}
				g, rst, err := replay.Genesis(gj)
				if err != nil {
					t.Fatal(err)
				}
				r, err := replay.New(g, rst, replay.Options{})
				if err != nil {
					t.Fatal(err)
				}
				for _, b := range c.Blocks {
					if err := r.Import(context.Background(), b); err != nil {
						t.Fatal(err)
					}
				}
				if root := r.Stats().Root; root != gethRoots[len(gethRoots)-1] {
					t.Errorf("replay: root %x, go-ethereum %x", root, gethRoots[len(gethRoots)-1])
				}
			})
		}
	}
}

// gethReplay imports c into a fresh go-ethereum BlockChain and returns its receipts
// (blooms recomputed from the logs) and state roots, block by block.
func gethReplay(t *testing.T, c *Chain) ([]types.Receipts, []common.Hash) {
	t.Helper()
	bc, err := core.NewBlockChain(rawdb.NewMemoryDatabase(), c.Genesis, beacon.New(ethash.NewFaker()), core.DefaultConfig().WithStateScheme(rawdb.HashScheme))
	if err != nil {
		t.Fatal(err)
	}
	defer bc.Stop()
	if n, err := bc.InsertChain(c.Blocks); err != nil {
		t.Fatalf("go-ethereum rejected block %d: %v", n, err)
	}
	var receipts []types.Receipts
	var roots []common.Hash
	for _, b := range c.Blocks {
		rs := bc.GetReceiptsByHash(b.Hash())
		for _, r := range rs {
			r.Bloom = types.CreateBloom(r)
		}
		receipts = append(receipts, rs)
		// go-ethereum checked its post-state against the header's root, and committed it:
		// the state opens at that root.
		if _, err := bc.StateAt(b.Root(), b.Number(), b.Time()); err != nil {
			t.Fatalf("block %d: go-ethereum has no state at the header's root: %v", b.NumberU64(), err)
		}
		roots = append(roots, b.Root())
	}
	return receipts, roots
}

func diffReceipts(t *testing.T, block uint64, got, want types.Receipts) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("block %d: %d receipts, go-ethereum %d", block, len(got), len(want))
	}
	for i := range got {
		g, w := got[i], want[i]
		if g.Status != w.Status || g.CumulativeGasUsed != w.CumulativeGasUsed || g.GasUsed != w.GasUsed || g.Bloom != w.Bloom ||
			g.ContractAddress != w.ContractAddress || len(g.Logs) != len(w.Logs) {
			t.Errorf("block %d receipt %d: status %d, cumulative gas %d, gas %d, %d logs, contract %v; go-ethereum %d, %d, %d, %d, %v (or the blooms differ)",
				block, i, g.Status, g.CumulativeGasUsed, g.GasUsed, len(g.Logs), g.ContractAddress, w.Status, w.CumulativeGasUsed, w.GasUsed, len(w.Logs), w.ContractAddress)
			continue
		}
		if g.Status != types.ReceiptStatusSuccessful {
			t.Errorf("block %d receipt %d: the transaction failed on both", block, i)
		}
		for j := range g.Logs {
			gl, wl := g.Logs[j], w.Logs[j]
			if gl.Address != wl.Address || !slices.Equal(gl.Topics, wl.Topics) || !bytes.Equal(gl.Data, wl.Data) || gl.Index != wl.Index {
				t.Errorf("block %d receipt %d log %d: %+v, go-ethereum %+v", block, i, j, gl, wl)
			}
		}
	}
}
