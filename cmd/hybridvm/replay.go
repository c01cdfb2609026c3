package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/hybridvm/hybridvm/chaingen"
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

const replayUsage = `usage: hybridvm replay --genesis GENESIS.json [--datadir DIR] [--trace-bad FILE] [--engine NAME] [--json] CHAIN.rlp[.gz]

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
	asJSON := fset.Bool("json", false, "print the summary as JSON")
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
	me, err := machine.ParseEngine(*engineName)
	if err != nil {
		return usageError(stderr, "replay", "--engine: %v", err)
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
	opts := replay.Options{Engine: me, Progress: func(s replay.Stats) {
		if !tty || time.Since(last) < 200*time.Millisecond {
			return
		}
		last = time.Now()
		left := len(blocks) - s.Blocks - s.Skipped
		eta := time.Duration(float64(left) * s.Seconds / float64(s.Blocks) * float64(time.Second))
		fmt.Fprintf(stderr, "\rblock %d/%d  %d txs  %.1f Mgas/s  ETA %v   ", s.Blocks, len(blocks), s.Transactions, s.MgasPerSecond, eta.Round(time.Second))
	}}
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
	if *asJSON {
		b, _ := json.Marshal(s)
		fmt.Fprintln(stdout, string(b))
	} else {
		fmt.Fprintf(stdout, "%d blocks, %d transactions, %d gas in %.3f s: %.1f Mgas/s\n", s.Blocks, s.Transactions, s.GasUsed, s.Seconds, s.MgasPerSecond)
		fmt.Fprintf(stdout, "time: sender recovery %.3f s, execution %.3f s, state root %.3f s, other %.3f s\n", s.Split.Senders, s.Split.Execution, s.Split.StateRoot, s.Split.Other)
		fmt.Fprintf(stdout, "head: block %d, state root %s\n", s.Head, s.Root.Hex())
		if s.Skipped > 0 {
			fmt.Fprintf(stdout, "skipped %d blocks already in the datadir\n", s.Skipped)
		}
	}
	return status
}
