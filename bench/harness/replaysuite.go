package harness

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	goruntime "runtime"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/consensus/beacon"
	"github.com/ethereum/go-ethereum/consensus/ethash"
	"github.com/ethereum/go-ethereum/core"
	"github.com/ethereum/go-ethereum/core/rawdb"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/hybridvm/hybridvm/bench/clock"
	"github.com/hybridvm/hybridvm/chaingen"
	"github.com/hybridvm/hybridvm/machine"
	"github.com/hybridvm/hybridvm/replay"
)

// ReplayConfig configures the replay suite.
type ReplayConfig struct {
	Blocks int // blocks per chain
	// Engine is hybridvm's RISC-V engine on the EVM workloads (where it runs no code).
	Engine machine.Engine
	// Engines are the RISC-V engines the hybrid workload runs on, a case each
	// ("interp", "jit", "aot", "tiered").
	Engines []string
	// Hybridvm is the hybridvm executable: every sample runs in a child process,
	// `Hybridvm bench replay-child ...` (ReplayChild).
	Hybridvm string
	// WorkDir receives the generated chains.
	WorkDir string
}

// ReplayChildArg is the argument of `hybridvm bench` that makes it a replay suite's
// child (ReplayChild) rather than a suite.
const ReplayChildArg = "replay-child"

// ReplaySuite is the replay suite: one chain per chaingen workload (cfg.Blocks blocks
// of about 30M gas, seed 1), imported whole from its genesis by hybridvm's replay
// (sequential, in memory, the state root computed every block) and by go-ethereum's
// core.BlockChain.InsertChain (in-memory database, hash scheme: execution, validation,
// state root and commit every block). The hybrid workload, which go-ethereum cannot
// run, is a case per RISC-V engine on hybridvm alone. Each sample runs in a child
// process, which times one whole import on the wall clock whatever --cpu-time says
// (both sides use more than one thread: sender recovery, geth's prefetcher); reading
// the chain and building the genesis state are not timed. The child also reports its
// peak RSS (VmHWM of /proc/self/status, on Linux), which includes the chain it read.
// Both sides validate every block
// against its header, so a sample is also a check.
func ReplaySuite(cfg ReplayConfig) (*Suite, error) {
	if cfg.Blocks < 1 {
		return nil, fmt.Errorf("replay: %d blocks", cfg.Blocks)
	}
	if cfg.Hybridvm == "" || cfg.WorkDir == "" {
		return nil, fmt.Errorf("replay: no hybridvm executable or work directory")
	}
	for _, e := range cfg.Engines {
		if _, err := machine.ParseEngine(e); err != nil {
			return nil, fmt.Errorf("replay: %w", err)
		}
	}
	s := &Suite{
		Name: "replay", Bench: "Replay", Contenders: []string{"hybridvm", "parallel", "geth"},
		Ratios:   []Ratio{{Num: "geth", Den: "hybridvm"}, {Num: "geth", Den: "parallel"}, {Num: "hybridvm", Den: "parallel"}, {Num: "hybridvm", Den: "parallel", Exec: true}},
		RateUnit: "Mgas/s",
		Notes: []string{
			"geth / hybridvm: how many times faster hybridvm imports the chain than go-ethereum's BlockChain.InsertChain (both in memory, state root every block); hybridvm executes each block's transactions one after another, parallel on GOMAXPROCS goroutines (replay --parallel).",
			"hybridvm / parallel: the speedup of parallel execution (and, with it, each block's state root hashed while the next block executes) over hybridvm's sequential replay; ran again: the share of transactions parallel execution had to run again.",
			"cores busy: the child's CPU time on all its threads over the import's wall time. The sequential replay already keeps more than one core busy (the next block's senders are recovered meanwhile, the garbage collector runs beside it): parallel execution can add at most GOMAXPROCS / (hybridvm's cores busy).",
			"execution Mgas/s and (execution): the transactions' execution alone (replay's time split: without sender recovery, which overlaps the previous block, and without the state roots), where parallel execution is what changes.",
			fmt.Sprintf("Chains: hybridvm chaingen --workload NAME --blocks %d --seed 1; times are wall time.", cfg.Blocks),
			"hybrid/ENGINE: the hybrid workload (RISC-V contracts, which go-ethereum cannot run) on hybridvm alone, with that RISC-V engine.",
			"peak RSS: the child process's VmHWM (/proc/self/status; each sample runs in its own process, which reads the whole chain file first; the largest over the samples).",
		},
	}
	for _, w := range chaingen.Workloads() {
		w := w
		type files struct {
			genesis, chain string
			gas            float64
		}
		gen := sync.OnceValues(func() (files, error) {
			c, err := chaingen.Generate(chaingen.Options{Workload: w, Blocks: cfg.Blocks, Seed: 1})
			if err != nil {
				return files{}, err
			}
			dir := filepath.Join(cfg.WorkDir, w)
			if err := c.Write(dir); err != nil {
				return files{}, err
			}
			var gas float64
			for _, b := range c.Blocks {
				gas += float64(b.GasUsed())
			}
			return files{filepath.Join(dir, "genesis.json"), filepath.Join(dir, "chain.rlp"), gas}, nil
		})
		prepare := func(engine string) func(contender string) (Sampler, error) {
			return func(contender string) (Sampler, error) {
				f, err := gen()
				if err != nil {
					return nil, err
				}
				argv := []string{cfg.Hybridvm, "bench", ReplayChildArg, contender, engine, f.genesis, f.chain}
				return func() (Sample, error) {
					out, err := runReplayChild(argv)
					return Sample{Ns: float64(out.Ns), Ops: 1, Work: f.gas, MaxRSS: out.PeakRSS, Rerun: out.Rerun, ExecNs: float64(out.ExecNs), CPUNs: float64(out.CPUNs)}, err
				}, nil
			}
		}
		if w != "hybrid" {
			s.Cases = append(s.Cases, &Case{Name: w, Prepare: prepare(cfg.Engine.String())})
			continue
		}
		for _, e := range cfg.Engines {
			s.Cases = append(s.Cases, &Case{Name: w + "/" + e, Group: w, Contenders: []string{"hybridvm", "parallel"}, Prepare: prepare(e)})
		}
	}
	return s, nil
}

// runReplayChild runs one sample's child and returns what it reports.
func runReplayChild(argv []string) (replayChildOutput, error) {
	res, err := runProcess(argv, true)
	if err != nil {
		return replayChildOutput{}, err
	}
	if res.exit != 0 {
		return replayChildOutput{}, fmt.Errorf("%s exited with %d: %s", argv[0], res.exit, oneLine(res.stderr))
	}
	var out replayChildOutput
	if err := json.Unmarshal([]byte(res.stdout), &out); err != nil || out.Ns <= 0 {
		return replayChildOutput{}, fmt.Errorf("replay child: output %q: %v", res.stdout, err)
	}
	return out, nil
}

// replayChildOutput is what a replay child writes: the import's wall time, the
// process's peak RSS (0: not measured), the share of transactions parallel
// execution ran again (negative: sequential), the time hybridvm spent
// executing transactions (0: geth, which does not split its time) and the CPU
// time the import used on all threads.
type replayChildOutput struct {
	Ns      int64   `json:"ns"`
	PeakRSS int64   `json:"peak_rss_bytes"`
	Rerun   float64 `json:"rerun"`
	ExecNs  int64   `json:"exec_ns"`
	CPUNs   int64   `json:"cpu_ns"` // CPU time of all the child's threads during the import (0: not measured)
}

// ReplayChild is a replay suite's child process: args are SIDE ENGINE GENESIS CHAIN,
// SIDE "hybridvm" (sequential), "parallel" or "geth". It imports the chain and writes to stdout, as JSON, the
// import's wall time and the process's peak RSS.
func ReplayChild(args []string, stdout io.Writer) error {
	if len(args) != 4 {
		return fmt.Errorf("%s: want SIDE ENGINE GENESIS CHAIN, got %d arguments", ReplayChildArg, len(args))
	}
	side, engineName, genesisPath, chainPath := args[0], args[1], args[2], args[3]
	engine, err := machine.ParseEngine(engineName)
	if err != nil {
		return err
	}
	gj, err := os.ReadFile(genesisPath)
	if err != nil {
		return err
	}
	raw, err := os.ReadFile(chainPath)
	if err != nil {
		return err
	}
	blocks, err := chaingen.ReadBlocks(bytes.NewReader(raw))
	if err != nil {
		return err
	}
	var d, exec time.Duration
	rerun := -1.0
	var cpu time.Duration
	switch side {
	case "hybridvm":
		d, exec, cpu, _, err = hybridvmImport(gj, blocks, engine, 1)
	case "parallel":
		d, exec, cpu, rerun, err = hybridvmImport(gj, blocks, engine, goruntime.GOMAXPROCS(0))
	case "geth":
		var g core.Genesis
		if err := json.Unmarshal(gj, &g); err != nil {
			return fmt.Errorf("genesis: %w", err)
		}
		d, cpu, err = gethImport(&g, blocks)
	default:
		return fmt.Errorf("%s: unknown side %q (want hybridvm, parallel or geth)", ReplayChildArg, side)
	}
	if err != nil {
		return err
	}
	return json.NewEncoder(stdout).Encode(replayChildOutput{Ns: d.Nanoseconds(), PeakRSS: selfPeakRSS(), Rerun: rerun, ExecNs: exec.Nanoseconds(), CPUNs: cpu.Nanoseconds()})
}

// hybridvmImport imports blocks with replay on workers goroutines per block; it
// returns the time, the part of it spent executing transactions, the process's
// CPU time meanwhile and the share of transactions run again (parallel only).
func hybridvmImport(genesisJSON []byte, blocks []*types.Block, engine machine.Engine, workers int) (time.Duration, time.Duration, time.Duration, float64, error) {
	g, st, err := replay.Genesis(genesisJSON)
	if err != nil {
		return 0, 0, 0, 0, err
	}
	r, err := replay.New(g, st, replay.Options{Engine: engine, Workers: workers, OverlapRoot: workers > 1})
	if err != nil {
		return 0, 0, 0, 0, err
	}
	cpu := cpuSince()
	start := time.Now()
	for i, b := range blocks {
		if i+1 < len(blocks) {
			r.Prefetch(blocks[i+1])
		}
		if err := r.Import(context.Background(), b); err != nil {
			return 0, 0, 0, 0, err
		}
	}
	if err := r.Flush(); err != nil {
		return 0, 0, 0, 0, err
	}
	d, c := time.Since(start), cpu()
	s := r.Stats()
	exec := time.Duration(s.Split.Execution * float64(time.Second))
	return d, exec, c, float64(s.Reexecuted) / float64(max(s.Transactions, 1)), nil
}

// cpuSince starts counting the process's CPU time: the function returned gives
// the CPU time used since (0 where it cannot be read).
func cpuSince() func() time.Duration {
	c0, ok := clock.ProcessCPU()
	return func() time.Duration {
		if c1, ok1 := clock.ProcessCPU(); ok && ok1 {
			return c1 - c0
		}
		return 0
	}
}

func gethImport(g *core.Genesis, blocks []*types.Block) (time.Duration, time.Duration, error) {
	bc, err := core.NewBlockChain(rawdb.NewMemoryDatabase(), g, beacon.New(ethash.NewFaker()), core.DefaultConfig().WithStateScheme(rawdb.HashScheme))
	if err != nil {
		return 0, 0, err
	}
	defer bc.Stop()
	cpu := cpuSince()
	start := time.Now()
	if n, err := bc.InsertChain(blocks); err != nil {
		return 0, 0, fmt.Errorf("go-ethereum rejected block %d: %w", n, err)
	}
	return time.Since(start), cpu(), nil
}
