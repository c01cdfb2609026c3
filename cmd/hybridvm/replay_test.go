package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/core/types"

	"github.com/hybridvm/hybridvm/chaingen"
)

func headLine(t *testing.T, out string) string {
	t.Helper()
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, "head: ") {
			return l
		}
	}
	t.Fatalf("no head line in %q", out)
	return ""
}

// TestReplayDatadir: `replay --datadir` interrupted after a block exits 130 and
// resumes when run again, skipping the stored block, to the head the in-memory
// replay reaches; a datadir of another genesis is refused (2).
func TestReplayDatadir(t *testing.T) {
	dir, other := t.TempDir(), t.TempDir()
	for _, d := range []struct{ dir, seed string }{{dir, "1"}, {other, "2"}} {
		if status, _, errOut := cli("chaingen", "--workload", "transfers", "--blocks", "3", "--accounts", "30", "--seed", d.seed, "-o", d.dir); status != 0 {
			t.Fatalf("chaingen: %s", errOut)
		}
	}
	genesis, chainFile := filepath.Join(dir, "genesis.json"), filepath.Join(dir, "chain.rlp")
	status, out, errOut := cli("replay", "--genesis", genesis, chainFile)
	if status != 0 {
		t.Fatalf("in memory: exit %d: %s", status, errOut)
	}
	want := headLine(t, out)

	datadir := filepath.Join(t.TempDir(), "db")
	var cancel context.CancelFunc
	replayHook = func(ctx context.Context) context.Context {
		ctx, cancel = context.WithCancel(ctx)
		return ctx
	}
	replayImported = func() { cancel() } // after block 1
	status, out, errOut = cli("replay", "--datadir", datadir, "--genesis", genesis, chainFile)
	replayHook, replayImported = nil, nil
	if status != 130 || !strings.Contains(errOut, "interrupted before block 2") || !strings.Contains(out, "head: block 1,") {
		t.Fatalf("interrupted: exit %d: %s %s", status, out, errOut)
	}
	status, out, errOut = cli("replay", "--datadir", datadir, "--genesis", genesis, chainFile)
	if status != 0 || headLine(t, out) != want || !strings.Contains(out, "2 blocks") || !strings.Contains(out, "skipped 1 blocks") {
		t.Fatalf("resumed: exit %d: %s %s, want %s", status, out, errOut, want)
	}
	status, out, _ = cli("replay", "--json", "--datadir", datadir, "--genesis", genesis, chainFile)
	var s struct{ Blocks, Skipped int }
	if status != 0 || json.Unmarshal([]byte(out), &s) != nil || s.Blocks != 0 || s.Skipped != 3 {
		t.Errorf("third run: exit %d: %s", status, out)
	}
	status, _, errOut = cli("replay", "--datadir", datadir, "--genesis", filepath.Join(other, "genesis.json"), filepath.Join(other, "chain.rlp"))
	if status != 2 || !strings.Contains(errOut, "another chain") {
		t.Errorf("another genesis: exit %d: %s", status, errOut)
	}
}

// TestReplayTraceBad: a chain whose second block is sealed with a wrong state root
// fails with exit 1 and a message naming the block and the field, and --trace-bad
// writes the block's trace: JSON lines, a header naming each transaction, EVM steps.
// A chain without a bad block writes no trace file.
func TestReplayTraceBad(t *testing.T) {
	c, err := chaingen.Generate(chaingen.Options{Workload: "erc20", Blocks: 2, Seed: 3, Accounts: 30})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := c.Write(dir); err != nil {
		t.Fatal(err)
	}
	genesis, good := filepath.Join(dir, "genesis.json"), filepath.Join(dir, "chain.rlp")
	traceFile := filepath.Join(dir, "bad.jsonl")
	if status, _, errOut := cli("replay", "--trace-bad", traceFile, "--genesis", genesis, good); status != 0 {
		t.Fatalf("good chain: exit %d: %s", status, errOut)
	}
	if _, err := os.Stat(traceFile); !os.IsNotExist(err) {
		t.Errorf("a trace file for a good chain: %v", err)
	}

	h := c.Blocks[1].Header()
	h.Root[5] ^= 0x40
	bad := types.NewBlockWithHeader(h).WithBody(*c.Blocks[1].Body())
	var buf bytes.Buffer
	if err := chaingen.ExportBlocks(&buf, []*types.Block{c.Blocks[0], bad}); err != nil {
		t.Fatal(err)
	}
	badFile := filepath.Join(dir, "bad.rlp")
	if err := os.WriteFile(badFile, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, datadir := range []string{"", filepath.Join(dir, "db")} {
		args := []string{"replay", "--trace-bad", traceFile, "--genesis", genesis}
		if datadir != "" {
			args = append(args, "--datadir", datadir)
		}
		status, _, errOut := cli(append(args, badFile)...)
		if status != 1 || !strings.Contains(errOut, "block 2") || !strings.Contains(errOut, "state root mismatch") {
			t.Fatalf("datadir %q: exit %d: %s", datadir, status, errOut)
		}
		f, err := os.Open(traceFile)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(nil, 1<<20)
		var headers, steps int
		for sc.Scan() {
			line := sc.Bytes()
			if !json.Valid(line) {
				t.Fatalf("not JSON: %s", line)
			}
			switch {
			case bytes.HasPrefix(line, []byte(`{"pc":`)):
				steps++
			case bytes.Contains(line, []byte(`"txHash":"`+bad.Transactions()[headers%len(bad.Transactions())].Hash().Hex())):
				headers++
			}
		}
		f.Close()
		if headers != len(bad.Transactions()) || steps == 0 {
			t.Errorf("datadir %q: %d transaction headers of %d, %d steps", datadir, headers, len(bad.Transactions()), steps)
		}
		os.Remove(traceFile)
	}
}

// TestReplayParallel: --parallel 1 and --parallel 3 end at the same state root;
// --stats prints a line (or a JSON object) per block; --simulate prints a
// simulated schedule per worker count; bad values are usage errors.
func TestReplayParallel(t *testing.T) {
	dir := t.TempDir()
	if status, _, errOut := cli("chaingen", "--workload", "hot", "--blocks", "2", "--accounts", "30", "--block-gas", "3000000", "--seed", "1", "-o", dir); status != 0 {
		t.Fatalf("chaingen: %s", errOut)
	}
	genesis, chainFile := filepath.Join(dir, "genesis.json"), filepath.Join(dir, "chain.rlp")
	status, out, errOut := cli("replay", "--parallel", "1", "--genesis", genesis, chainFile)
	if status != 0 {
		t.Fatalf("sequential: exit %d: %s", status, errOut)
	}
	want := headLine(t, out)
	status, out, errOut = cli("replay", "--parallel", "3", "--stats", "--genesis", genesis, chainFile)
	if status != 0 || headLine(t, out) != want || !strings.Contains(out, "parallel: 3 workers") ||
		!regexp.MustCompile(`(?m)^block 1: \d+ transactions, \d+ ran ahead, \d+ ran again`).MatchString(out) {
		t.Fatalf("parallel: exit %d: %s %s", status, out, errOut)
	}
	status, out, _ = cli("replay", "--parallel", "2", "--stats", "--json", "--genesis", genesis, chainFile)
	var block struct {
		Block        uint64
		Transactions int
		Conflicts    []struct{ Tx int }
	}
	if status != 0 || json.Unmarshal([]byte(strings.SplitN(out, "\n", 2)[0]), &block) != nil || block.Block != 1 || block.Transactions == 0 {
		t.Fatalf("parallel --stats --json: exit %d: %s", status, out)
	}
	status, out, errOut = cli("replay", "--simulate", "1,4", "--genesis", genesis, chainFile)
	if status != 0 || headLine(t, out) != want || !regexp.MustCompile(`(?m)^ +4 workers: execution [0-9.]+ s, [0-9.]+x one worker`).MatchString(out) {
		t.Fatalf("simulate: exit %d: %s %s", status, out, errOut)
	}
	for _, bad := range [][]string{{"--parallel", "0"}, {"--simulate", "1,x"}, {"--simulate", "2", "--datadir", t.TempDir()}} {
		if status, _, errOut := cli(append(append([]string{"replay"}, bad...), "--genesis", genesis, chainFile)...); status != 2 {
			t.Errorf("%v: exit %d (%s), want 2", bad, status, errOut)
		}
	}
}
