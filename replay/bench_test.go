package replay

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"strconv"
	"testing"

	"github.com/ethereum/go-ethereum/consensus/beacon"
	"github.com/ethereum/go-ethereum/consensus/ethash"
	"github.com/ethereum/go-ethereum/core"
	"github.com/ethereum/go-ethereum/core/rawdb"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/hybridvm/hybridvm/chaingen"
	"github.com/hybridvm/hybridvm/machine"
)

// BenchmarkReplay replays the same generated chains with hybridvm (sequential, state
// root every block, in memory) and with go-ethereum (core.BlockChain.InsertChain on
// an in-memory database: execution, validation, state root and commit every block),
// in one process, reporting Mgas/s for each. HYBRIDVM_REPLAY_BLOCKS sets the chain
// length (default 20 blocks of ~30M gas).
func BenchmarkReplay(b *testing.B) {
	n := 20
	if v, err := strconv.Atoi(os.Getenv("HYBRIDVM_REPLAY_BLOCKS")); err == nil && v > 0 {
		n = v
	}
	for _, w := range chaingen.Workloads() {
		c, err := chaingen.Generate(chaingen.Options{Workload: w, Blocks: n, Seed: 1})
		if err != nil {
			b.Fatal(err)
		}
		gj, err := json.Marshal(c.Genesis)
		if err != nil {
			b.Fatal(err)
		}
		var gas uint64
		for _, blk := range c.Blocks {
			gas += blk.GasUsed()
		}
		b.Run(w+"/hybridvm", func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				g, st, err := Genesis(gj)
				if err != nil {
					b.Fatal(err)
				}
				r, err := New(g, st, Options{Engine: machine.DefaultEngine()})
				if err != nil {
					b.Fatal(err)
				}
				// Blocks decoded afresh: no sender cached from an earlier run.
				blocks := reload(b, c)
				b.StartTimer()
				for _, blk := range blocks {
					if err := r.Import(context.Background(), blk); err != nil {
						b.Fatal(err)
					}
				}
			}
			b.ReportMetric(float64(gas)*float64(b.N)/1e6/b.Elapsed().Seconds(), "Mgas/s")
		})
		b.Run(w+"/geth", func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				bc, err := core.NewBlockChain(rawdb.NewMemoryDatabase(), c.Genesis, beacon.New(ethash.NewFaker()), core.DefaultConfig().WithStateScheme(rawdb.HashScheme))
				if err != nil {
					b.Fatal(err)
				}
				blocks := reload(b, c)
				b.StartTimer()
				if _, err := bc.InsertChain(blocks); err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				bc.Stop()
				b.StartTimer()
			}
			b.ReportMetric(float64(gas)*float64(b.N)/1e6/b.Elapsed().Seconds(), "Mgas/s")
		})
	}
}

// reload re-decodes the chain's blocks, so no transaction carries a cached sender.
func reload(b *testing.B, c *chaingen.Chain) []*types.Block {
	var buf bytes.Buffer
	if err := chaingen.ExportBlocks(&buf, c.Blocks); err != nil {
		b.Fatal(err)
	}
	blocks, err := chaingen.ReadBlocks(&buf)
	if err != nil {
		b.Fatal(err)
	}
	return blocks
}
