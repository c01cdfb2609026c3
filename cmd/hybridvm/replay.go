package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	goruntime "runtime"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/hybridvm/hybridvm/chain"
	"github.com/hybridvm/hybridvm/chaingen"
	"github.com/hybridvm/hybridvm/codecache"
	"github.com/hybridvm/hybridvm/machine"
	"github.com/hybridvm/hybridvm/replay"
)

func init() {
	register(command{
		name:    "replay",
		summary: "import a chain (genesis.json + chain.rlp) and report its speed",
		run:     runReplay,
	})
}

const replayUsage = `usage: hybridvm replay --genesis GENESIS.json [--datadir DIR] [--trace-bad FILE] [--engine NAME] [--cache-dir DIR [--cache-limit SIZE]] [--parallel N] [--stats] [--json] CHAIN.rlp[.gz]

Imports a chain onto the genesis state, held in memory unless --datadir is given: every
block is validated against its header (state root, receipts root, logs bloom, gas used,
transactions root, blob gas, requests) and the replay stops at the first mismatch,
naming the block, the field, and what the header says and what execution gave.
GENESIS.json is go-ethereum's genesis format; the chain file is its export format
(concatenated RLP blocks, gzip allowed), as hybridvm chaingen writes them.

--datadir DIR keeps the state in go-ethereum's database (Pebble, path-scheme trie
database) in DIR, for states too big for memory. The first run writes the genesis; a
later run with the same DIR must have the same genesis, skips the blocks DIR already
holds (checked by hash: a chain file that forks from them is refused) and resumes
after the last one. Ctrl-C (or SIGTERM) stops after the current block and writes the
state through to disk; rerun the same command to resume.

--trace-bad FILE writes, when a block fails, the EIP-3155 trace of what went wrong
there, re-executed from its parent's state: the invalid transaction, or for any other
mismatch every transaction of the block, each after a header line naming it.

Each block's transactions run on --parallel goroutines (default: GOMAXPROCS), optimistically:
a transaction that saw a value an earlier one changed runs again, so the result is always the
sequential one; --parallel 1 runs them one after another. With more than one, each block's
state root is also hashed while the next block executes (the block is still checked
against its header, before the replay ends). --stats prints, per block, how many ran again
and the value each had seen change. Parallel execution needs the in-memory state: with
--datadir blocks run sequentially.

A progress line goes to a terminal. At the end it prints blocks, transactions, gas, time,
Mgas/s and the time split (sender recovery, execution, state root, the rest), as text or
with --json as one JSON object.

Exit status: 0 imported, 1 a block did not match, 2 bad usage, unreadable input or a
datadir of another chain, 130 interrupted.

flags:
`

func runReplay(args []string, stdout, stderr io.Writer) int {
	fset := newFlagSet("replay", stderr)
	genesisPath := fset.String("genesis", "", "go-ethereum genesis file")
	engineName := fset.String("engine", machine.DefaultEngine().String(), "RISC-V engine: interp, jit, aot or tiered")
	cacheDir := fset.String("cache-dir", "", "keep native code in `DIR`: contracts the aot engine compiled whole are written there, and every native engine loads them instead of translating")
	var cacheLimit byteSize
	cacheLimitFlag(fset, &cacheLimit)
	asJSON := fset.Bool("json", false, "print the summary as JSON")
	parallel := fset.Int("parallel", goruntime.GOMAXPROCS(0), "execute each block's transactions on N goroutines (1: sequentially)")
	perBlock := fset.Bool("stats", false, "print, per block, how many transactions ran again and which value each had seen change")
	simulate := fset.String("simulate", "", "profile every transaction (cost, dependencies) and print the parallel executor's simulated speedup for these worker counts, e.g. 1,2,4,8,16 (in memory; replaces --parallel)")
	datadir := fset.String("datadir", "", "keep the state in go-ethereum's database in this directory (resumable)")
	traceBad := fset.String("trace-bad", "", "write the EIP-3155 trace of a failing block to this file")
	rest, status, ok := parseCommandLine(fset, args, replayUsage, stdout, stderr)
	if !ok {
		return status
	}
	if len(rest) != 1 {
		return usageError(stderr, "replay", "want one chain file, got %d arguments", len(rest))
	}
	if *genesisPath == "" {
		return usageError(stderr, "replay", "no --genesis")
	}
	simWorkers, err := parseWorkerCounts(*simulate)
	if err != nil {
		return usageError(stderr, "replay", "--simulate: %v", err)
	}
	if simWorkers != nil && *datadir != "" {
		return usageError(stderr, "replay", "--simulate needs the in-memory state (no --datadir)")
	}
	if *parallel < 1 || *parallel > 1024 {
		return usageError(stderr, "replay", "--parallel %d: want 1 to 1024", *parallel)
	}
	me, err := machine.ParseEngine(*engineName)
	if err != nil {
		return usageError(stderr, "replay", "--engine: %v", err)
	}
	var disk *codecache.Dir
	if *cacheDir != "" {
		if disk, err = codecache.Open(*cacheDir, stderr); err != nil {
			fmt.Fprintln(stderr, "hybridvm replay: --cache-dir:", err)
			return 2
		}
		disk.SetLimit(int64(cacheLimit))
	}
	gdata, err := readFileLimited(*genesisPath, maxStateFile)
	if err != nil {
		fmt.Fprintln(stderr, "hybridvm replay:", err)
		return 2
	}
	g, st, err := replay.Genesis(gdata)
	if err != nil {
		fmt.Fprintln(stderr, "hybridvm replay:", err)
		return 2
	}
	f, err := os.Open(rest[0])
	if err != nil {
		fmt.Fprintln(stderr, "hybridvm replay:", err)
		return 2
	}
	defer f.Close()
	blocks, err := chaingen.ReadBlocks(f)
	if err != nil {
		fmt.Fprintln(stderr, "hybridvm replay:", err)
		return 2
	}
	tty := isTerminal(stderr)
	var last time.Time
	opts := replay.Options{Engine: me, CodeCache: disk, Workers: *parallel, Profile: simWorkers != nil,
		OverlapRoot: *parallel > 1 && *datadir == ""}
	if *perBlock {
		opts.BlockStats = func(n uint64, txs int, ps *chain.ParallelStats) { printBlockStats(stdout, *asJSON, n, txs, ps) }
	}
	opts.Progress = func(s replay.Stats) {
		if !tty || time.Since(last) < 200*time.Millisecond {
			return
		}
		last = time.Now()
		left := len(blocks) - s.Blocks - s.Skipped
		eta := time.Duration(float64(left) * s.Seconds / float64(s.Blocks) * float64(time.Second))
		fmt.Fprintf(stderr, "\rblock %d/%d  %d txs  %.1f Mgas/s  ETA %v   ", s.Blocks, len(blocks), s.Transactions, s.MgasPerSecond, eta.Round(time.Second))
	}
	var tf *lazyFile
	if *traceBad != "" {
		tf = &lazyFile{path: *traceBad}
		opts.TraceBad = tf
	}
	var r *replay.Replayer
	if *datadir != "" {
		r, err = replay.OpenDisk(*datadir, g, opts)
	} else {
		r, err = replay.New(g, st, opts)
	}
	if err != nil {
		fmt.Fprintln(stderr, "hybridvm replay:", err)
		return 2
	}
	if n := r.Resumed(); n > 0 {
		fmt.Fprintf(stderr, "hybridvm replay: the datadir's state was written through up to block %d (the last replay was killed): the %d blocks after it run again\n", r.Stats().Head, n)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if replayHook != nil {
		ctx = replayHook(ctx)
	}
	status = importBlocks(ctx, r, blocks, tty, stderr)
	stop() // a second Ctrl-C kills
	if err := errors.Join(r.Close(), tf.Close()); err != nil {
		fmt.Fprintln(stderr, "hybridvm replay:", err)
		status = max(status, 1)
	}
	if tty {
		fmt.Fprint(stderr, "\r\033[K")
	}
	s := r.Stats()
	var sims []replay.Simulated
	if simWorkers != nil {
		sims = r.Simulate(simWorkers)
		s.Workers, s.Speculative = 1, 0
	}
	if *asJSON {
		var b []byte
		if sims != nil {
			b, _ = json.Marshal(struct {
				replay.Stats
				Simulated []replay.Simulated `json:"simulated"`
			}{s, sims})
		} else {
			b, _ = json.Marshal(s)
		}
		fmt.Fprintln(stdout, string(b))
	} else {
		defer printSimulation(stdout, sims)
		fmt.Fprintf(stdout, "%d blocks, %d transactions, %d gas in %.3f s: %.1f Mgas/s\n", s.Blocks, s.Transactions, s.GasUsed, s.Seconds, s.MgasPerSecond)
		fmt.Fprintf(stdout, "time: sender recovery %.3f s, execution %.3f s, state root %.3f s, other %.3f s\n", s.Split.Senders, s.Split.Execution, s.Split.StateRoot, s.Split.Other)
		if s.Workers > 1 {
			fmt.Fprintf(stdout, "parallel: %d workers, %d of %d transactions ran ahead of their commit, %d ran again (%.1f%%)\n",
				s.Workers, s.Speculative, s.Transactions, s.Reexecuted, 100*float64(s.Reexecuted)/float64(max(s.Transactions, 1)))
		}
		fmt.Fprintf(stdout, "head: block %d, state root %s\n", s.Head, s.Root.Hex())
		if s.Skipped > 0 {
			fmt.Fprintf(stdout, "skipped %d blocks already in the datadir\n", s.Skipped)
		}
	}
	return status
}

// printBlockStats prints how one block's transactions ran in parallel: a line
// (or a JSON object) with the counts and the conflicting values.
func printBlockStats(w io.Writer, asJSON bool, n uint64, txs int, ps *chain.ParallelStats) {
	if ps == nil {
		ps = &chain.ParallelStats{Workers: 1}
	}
	if asJSON {
		b, _ := json.Marshal(struct {
			Block        uint64           `json:"block"`
			Transactions int              `json:"transactions"`
			Workers      int              `json:"workers"`
			Speculative  int              `json:"speculative"`
			Reexecuted   int              `json:"reexecuted"`
			Conflicts    []chain.Conflict `json:"conflicts"`
			Paused       bool             `json:"paused,omitempty"`
			Slower       bool             `json:"sequentialFaster,omitempty"`
		}{n, txs, ps.Workers, ps.Speculative, ps.Reexecuted, ps.Conflicts, ps.Paused, ps.Slower})
		fmt.Fprintln(w, string(b))
		return
	}
	if ps.Paused {
		fmt.Fprintf(w, "block %d: %d transactions, sequential (the last parallel block's transactions depended on each other)\n", n, txs)
		return
	}
	if ps.Slower {
		fmt.Fprintf(w, "block %d: %d transactions, sequential (faster than parallel on recent blocks)\n", n, txs)
		return
	}
	fmt.Fprintf(w, "block %d: %d transactions, %d ran ahead, %d ran again", n, txs, ps.Speculative, ps.Reexecuted)
	for i, c := range ps.Conflicts {
		if i == 5 {
			fmt.Fprintf(w, " …")
			break
		}
		fmt.Fprintf(w, "; tx %d: %s", c.Tx, c.Key)
	}
	fmt.Fprintln(w)
}

// parseWorkerCounts parses --simulate's list ("" is none).
func parseWorkerCounts(list string) ([]int, error) {
	if list == "" {
		return nil, nil
	}
	var out []int
	for _, f := range strings.Split(list, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 || n > 1024 {
			return nil, fmt.Errorf("%q is not a worker count from 1 to 1024", f)
		}
		out = append(out, n)
	}
	return out, nil
}

// printSimulation prints the simulated schedules, if any.
func printSimulation(w io.Writer, sims []replay.Simulated) {
	if len(sims) == 0 {
		return
	}
	fmt.Fprintln(w, "simulated parallel execution (measured per-transaction costs and dependencies; chain.Simulate's model):")
	for _, s := range sims {
		fmt.Fprintf(w, "  %4d workers: execution %.3f s, %.2fx one worker, %.1f%% of transactions run again\n", s.Workers, s.Seconds, s.Speedup, 100*s.Rerun)
	}
}
