package chaingen

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/ethereum/go-ethereum/consensus/beacon"
	"github.com/ethereum/go-ethereum/consensus/ethash"
	"github.com/ethereum/go-ethereum/core"
	"github.com/ethereum/go-ethereum/core/rawdb"
	"github.com/ethereum/go-ethereum/core/types"
)

// TestWorkloads: every EVM workload (on Cancun; the mixed one on every fork from
// Shanghai, transfers on Paris) gives full blocks whose transactions all
// succeed, that go-ethereum's own BlockChain imports (every root checked), and the
// same options give the same chain. (The hybrid workload, which go-ethereum cannot
// run: hybrid_test.go; every EVM workload on Prague and Osaka: differential_test.go.)
func TestWorkloads(t *testing.T) {
	for _, fork := range forks {
		for _, w := range Workloads() {
			if w == "hybrid" || fork != "Cancun" && w != map[bool]string{false: "mixed", true: "transfers"}[fork == "Paris"] {
				continue // the other forks: the blend of every workload (Paris: no contracts)
			}
			t.Run(fork+"/"+w, func(t *testing.T) {
				opts := Options{Workload: w, Blocks: 2, Seed: 7, Fork: fork, Accounts: 200}
				c, err := Generate(opts)
				if err != nil {
					t.Fatal(err)
				}
				db := rawdb.NewMemoryDatabase()
				bc, err := core.NewBlockChain(db, c.Genesis, beacon.New(ethash.NewFaker()), core.DefaultConfig().WithStateScheme(rawdb.HashScheme))
				if err != nil {
					t.Fatal(err)
				}
				defer bc.Stop()
				if n, err := bc.InsertChain(c.Blocks); err != nil {
					t.Fatalf("go-ethereum rejected block %d: %v", n, err)
				}
				for _, b := range c.Blocks {
					if b.GasUsed() < TargetGas*9/10 || b.GasUsed() > TargetGas {
						t.Errorf("block %d used %d gas, want about %d", b.NumberU64(), b.GasUsed(), TargetGas)
					}
					for _, r := range bc.GetReceiptsByHash(b.Hash()) {
						if r.Status != types.ReceiptStatusSuccessful {
							t.Fatalf("block %d: transaction %s failed", b.NumberU64(), r.TxHash)
						}
					}
				}
				again, err := Generate(opts)
				if err != nil {
					t.Fatal(err)
				}
				if again.Blocks[1].Hash() != c.Blocks[1].Hash() {
					t.Error("the same options gave another chain")
				}
			})
		}
	}
}

// TestWriteAndRead: the files written read back as the same genesis and blocks, plain
// and gzip-compressed; truncated files are errors naming the block.
func TestWriteAndRead(t *testing.T) {
	c, err := Generate(Options{Workload: "mixed", Blocks: 3, Seed: 1, Accounts: 50})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := c.Write(dir); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join(dir, "chain.rlp"))
	if err != nil {
		t.Fatal(err)
	}
	blocks, err := ReadBlocks(bytes.NewReader(raw))
	if err != nil || len(blocks) != 3 || blocks[2].Hash() != c.Blocks[2].Hash() {
		t.Fatalf("read back %d blocks, %v", len(blocks), err)
	}
	if _, err := ReadBlocks(bytes.NewReader(raw[:len(raw)-10])); err == nil {
		t.Error("a truncated file read without error")
	}
	var g core.Genesis
	gj, err := os.ReadFile(filepath.Join(dir, "genesis.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := g.UnmarshalJSON(gj); err != nil {
		t.Fatal(err)
	}
	if g.ToBlock().Hash() != c.Genesis.ToBlock().Hash() {
		t.Error("genesis.json is another genesis")
	}
	if _, err := Generate(Options{Workload: "nope", Blocks: 1}); err == nil {
		t.Error("an unknown workload generated")
	}
}
