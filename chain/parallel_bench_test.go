package chain_test

import (
	"fmt"
	goruntime "runtime"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/hybridvm/hybridvm/chain"
	"github.com/hybridvm/hybridvm/chaingen"
)

// BenchmarkExecution times the execution of generated blocks (senders already
// recovered, no state root) sequentially and in parallel on GOMAXPROCS workers,
// per workload: Mgas/s of execution alone, the part parallel execution speeds up.
//
//	go test -run '^$' -bench Execution ./chain
func BenchmarkExecution(b *testing.B) {
	for _, w := range []string{"transfers", "erc20", "storage", "hot"} {
		c, err := chaingen.Generate(chaingen.Options{Workload: w, Blocks: 3, Seed: 1})
		if err != nil {
			b.Fatal(err)
		}
		var gas uint64
		for _, blk := range c.Blocks {
			signer := types.MakeSigner(c.Genesis.Config, blk.Number(), blk.Time())
			if _, err := chain.RecoverSenders(signer, blk.Transactions()); err != nil {
				b.Fatal(err)
			}
			gas += blk.GasUsed()
		}
		for _, workers := range []int{1, goruntime.GOMAXPROCS(0)} {
			b.Run(fmt.Sprintf("%s/workers=%d", w, workers), func(b *testing.B) {
				p, err := chain.NewProcessor(chain.Config{Chain: c.Genesis.Config, Runtime: evmConfig, Workers: workers, AlwaysParallel: true})
				if err != nil {
					b.Fatal(err)
				}
				genesis := allocState(&testing.T{}, c.Genesis)
				noHash := func(uint64) common.Hash { return common.Hash{} }
				var rerun, txs int
				b.ResetTimer()
				for range b.N {
					b.StopTimer()
					st := genesis.Copy()
					b.StartTimer()
					for _, blk := range c.Blocks {
						res, err := p.Process(blk, st, noHash)
						if err != nil {
							b.Fatal(err)
						}
						if res.Parallel != nil {
							rerun += res.Parallel.Reexecuted
						}
						txs += len(blk.Transactions())
					}
				}
				b.ReportMetric(float64(gas)*float64(b.N)/b.Elapsed().Seconds()/1e6, "Mgas/s")
				b.ReportMetric(100*float64(rerun)/float64(txs), "%rerun")
			})
		}
	}
}
