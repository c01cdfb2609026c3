package harness

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/consensus/beacon"
	"github.com/ethereum/go-ethereum/consensus/ethash"
	"github.com/ethereum/go-ethereum/core"
	"github.com/ethereum/go-ethereum/core/rawdb"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/hybridvm/hybridvm/chaingen"
	"github.com/hybridvm/hybridvm/machine"
	"github.com/hybridvm/hybridvm/replay"
)

// ReplaySuite is the replay suite: one chain per chaingen workload (blocks blocks of
// about 30M gas, seed 1), imported whole from its genesis by hybridvm's replay
// (sequential, in memory, the state root computed every block; RISC-V engine engine)
// and by go-ethereum's core.BlockChain.InsertChain (in-memory database, hash scheme:
// execution, validation, state root and commit every block). A sample is one whole
// import, timed on the wall clock whatever --cpu-time says, since both sides use more
// than one thread (sender recovery, geth's prefetcher); generating the chain and
// building the genesis state are not timed. Both sides validate every block against
// its header, so a sample is also a check.
func ReplaySuite(blocks int, engine machine.Engine) (*Suite, error) {
	if blocks < 1 {
		return nil, fmt.Errorf("replay: %d blocks", blocks)
	}
	s := &Suite{
		Name: "replay", Bench: "Replay", Contenders: []string{"hybridvm", "geth"},
		Ratios:   []Ratio{{Num: "geth", Den: "hybridvm"}},
		RateUnit: "Mgas/s",
		Notes: []string{
			"geth / hybridvm: how many times faster hybridvm imports the chain than go-ethereum's BlockChain.InsertChain (both in memory, state root every block).",
			fmt.Sprintf("Chains: hybridvm chaingen --workload NAME --blocks %d --seed 1; times are wall time.", blocks),
		},
	}
	for _, w := range chaingen.Workloads() {
		w := w
		type chain struct {
			c   *chaingen.Chain
			gj  []byte
			rlp []byte
			gas float64
		}
		gen := sync.OnceValues(func() (chain, error) {
			c, err := chaingen.Generate(chaingen.Options{Workload: w, Blocks: blocks, Seed: 1})
			if err != nil {
				return chain{}, err
			}
			gj, err := json.Marshal(c.Genesis)
			if err != nil {
				return chain{}, err
			}
			var buf bytes.Buffer
			if err := chaingen.ExportBlocks(&buf, c.Blocks); err != nil {
				return chain{}, err
			}
			var gas float64
			for _, b := range c.Blocks {
				gas += float64(b.GasUsed())
			}
			return chain{c, gj, buf.Bytes(), gas}, nil
		})
		s.Cases = append(s.Cases, &Case{
			Name: w,
			Prepare: func(contender string) (Sampler, error) {
				ch, err := gen()
				if err != nil {
					return nil, err
				}
				return func() (Sample, error) {
					// Fresh blocks each sample: no sender cached from an earlier one.
					blocks, err := chaingen.ReadBlocks(bytes.NewReader(ch.rlp))
					if err != nil {
						return Sample{}, err
					}
					var d time.Duration
					if contender == "geth" {
						d, err = gethImport(ch.c.Genesis, blocks)
					} else {
						d, err = hybridvmImport(ch.gj, blocks, engine)
					}
					return Sample{Ns: float64(d.Nanoseconds()), Ops: 1, Work: ch.gas}, err
				}, nil
			},
		})
	}
	return s, nil
}

func hybridvmImport(genesisJSON []byte, blocks []*types.Block, engine machine.Engine) (time.Duration, error) {
	g, st, err := replay.Genesis(genesisJSON)
	if err != nil {
		return 0, err
	}
	r, err := replay.New(g, st, replay.Options{Engine: engine})
	if err != nil {
		return 0, err
	}
	start := time.Now()
	for _, b := range blocks {
		if err := r.Import(context.Background(), b); err != nil {
			return 0, err
		}
	}
	return time.Since(start), nil
}

func gethImport(g *core.Genesis, blocks []*types.Block) (time.Duration, error) {
	bc, err := core.NewBlockChain(rawdb.NewMemoryDatabase(), g, beacon.New(ethash.NewFaker()), core.DefaultConfig().WithStateScheme(rawdb.HashScheme))
	if err != nil {
		return 0, err
	}
	defer bc.Stop()
	start := time.Now()
	if n, err := bc.InsertChain(blocks); err != nil {
		return 0, fmt.Errorf("go-ethereum rejected block %d: %w", n, err)
	}
	return time.Since(start), nil
}
