package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"time"

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

const replayUsage = `usage: hybridvm replay --genesis GENESIS.json [--engine NAME] [--cache-dir DIR] [--json] CHAIN.rlp[.gz]

Imports a chain onto the genesis state held in memory: every block is validated against
its header (state root, receipts root, logs bloom, gas used, transactions root, blob gas,
requests) and the replay stops at the first mismatch, naming the block, the field, and
what the header says and what execution gave. GENESIS.json is go-ethereum's genesis
format; the chain file is its export format (concatenated RLP blocks, gzip allowed), as
hybridvm chaingen writes them.

A progress line goes to a terminal. At the end it prints blocks, transactions, gas, time,
Mgas/s and the time split (sender recovery, execution, state root, the rest), as text or
with --json as one JSON object.

Exit status: 0 imported, 1 a block did not match, 2 bad usage or unreadable input.

flags:
`

func runReplay(args []string, stdout, stderr io.Writer) int {
	fset := newFlagSet("replay", stderr)
	genesisPath := fset.String("genesis", "", "go-ethereum genesis file")
	engineName := fset.String("engine", machine.DefaultEngine().String(), "RISC-V engine: interp, jit, aot or tiered")
	cacheDir := fset.String("cache-dir", "", "keep native code in `DIR`: contracts the aot engine compiled whole are written there, and every native engine loads them instead of translating")
	asJSON := fset.Bool("json", false, "print the summary as JSON")
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
	var disk *codecache.Dir
	if *cacheDir != "" {
		if disk, err = codecache.Open(*cacheDir, stderr); err != nil {
			fmt.Fprintln(stderr, "hybridvm replay: --cache-dir:", err)
			return 2
		}
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
	r, err := replay.New(g, st, replay.Options{Engine: me, CodeCache: disk, Progress: func(s replay.Stats) {
		if !tty || time.Since(last) < 200*time.Millisecond {
			return
		}
		last = time.Now()
		left := len(blocks) - s.Blocks
		eta := time.Duration(float64(left) * s.Seconds / float64(s.Blocks) * float64(time.Second))
		fmt.Fprintf(stderr, "\rblock %d/%d  %d txs  %.1f Mgas/s  ETA %v   ", s.Blocks, len(blocks), s.Transactions, s.MgasPerSecond, eta.Round(time.Second))
	}})
	if err != nil {
		fmt.Fprintln(stderr, "hybridvm replay:", err)
		return 2
	}
	status = 0
	for _, b := range blocks {
		if err := r.Import(context.Background(), b); err != nil {
			if tty {
				fmt.Fprintln(stderr)
			}
			fmt.Fprintln(stderr, "hybridvm replay:", err)
			status = 1
			break
		}
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
	}
	return status
}
