package replay

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/trie"

	"github.com/hybridvm/hybridvm/chain"
)

// replayer returns a replayer of gj in memory or, with disk, in a new datadir.
func replayer(t *testing.T, gj []byte, disk bool, opts Options) *Replayer {
	t.Helper()
	g, st, err := Genesis(gj)
	if err != nil {
		t.Fatal(err)
	}
	if disk {
		r := openDisk(t, t.TempDir(), g, opts)
		t.Cleanup(func() { r.Close() })
		return r
	}
	r, err := New(g, st, opts)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// traceLines checks that every line of a trace is JSON, and returns the lines
// that are not EVM steps (decoded) and the number of steps.
func traceLines(t *testing.T, trace []byte) (lines []map[string]any, steps int) {
	t.Helper()
	sc := bufio.NewScanner(bytes.NewReader(trace))
	sc.Buffer(nil, 1<<20)
	for n := 1; sc.Scan(); n++ {
		if !json.Valid(sc.Bytes()) {
			t.Fatalf("line %d is not JSON: %s", n, sc.Bytes())
		}
		if bytes.HasPrefix(sc.Bytes(), []byte(`{"pc":`)) {
			steps++
			continue
		}
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatal(err)
		}
		lines = append(lines, m)
	}
	if len(lines) == 0 {
		t.Fatal("no trace")
	}
	return lines, steps
}

// TestTraceBadStateRoot: a block sealed with a wrong state root is refused, and the
// trace holds every transaction of it in order, each after a header line naming it,
// with the EVM's steps, and ends with the root the re-execution computed, which is
// the block's true root. In memory (the state rebuilt from the genesis) and on disk.
func TestTraceBadStateRoot(t *testing.T) {
	c, gj := generate(t, "erc20", 2, 4)
	good := c.Blocks[1]
	h := good.Header()
	h.Root[0] ^= 1
	bad := types.NewBlockWithHeader(h).WithBody(*good.Body())
	for _, mode := range []string{"memory", "disk", "overlap"} {
		disk := mode == "disk"
		var trace bytes.Buffer
		r := replayer(t, gj, disk, Options{TraceBad: &trace, OverlapRoot: mode == "overlap"})
		if err := r.Import(context.Background(), c.Blocks[0]); err != nil {
			t.Fatal(err)
		}
		err := r.Import(context.Background(), bad)
		if mode == "overlap" {
			// The root is checked once the next block has run, or by Flush.
			if err != nil {
				t.Fatalf("overlap: the root was checked before Flush: %v", err)
			}
			err = r.Flush()
		}
		if !errors.Is(err, chain.ErrStateRoot) || !strings.Contains(err.Error(), "block 2") {
			t.Fatalf("%s: %v", mode, err)
		}
		lines, steps := traceLines(t, trace.Bytes())
		var txs []string
		for _, l := range lines {
			if h, ok := l["txHash"].(string); ok {
				txs = append(txs, h)
			}
		}
		if len(txs) != len(bad.Transactions()) {
			t.Fatalf("disk %v: %d transaction headers, want %d", disk, len(txs), len(bad.Transactions()))
		}
		for i, tx := range bad.Transactions() {
			if txs[i] != tx.Hash().Hex() {
				t.Fatalf("disk %v: header %d names %s, want %s", disk, i, txs[i], tx.Hash().Hex())
			}
		}
		if steps < len(txs) {
			t.Errorf("disk %v: %d EVM steps for %d ERC20 transfers", disk, steps, len(txs))
		}
		last := lines[len(lines)-1]
		if last["stateRoot"] != good.Root().Hex() || !strings.Contains(last["error"].(string), "state root mismatch") {
			t.Errorf("disk %v: last line %v, want the true root %s and the error", disk, last, good.Root().Hex())
		}
	}
}

// TestTraceBadInvalidTx: a block whose first transaction is swapped with a later
// one of the same sender carries a transaction with a nonce too high: the trace
// names that transaction alone, with the error and the sender's nonce.
func TestTraceBadInvalidTx(t *testing.T) {
	c, gj := generate(t, "transfers", 1, 9)
	b := c.Blocks[0]
	txs := append(types.Transactions(nil), b.Transactions()...)
	signer := types.LatestSigner(c.Genesis.Config)
	first, _ := types.Sender(signer, txs[0])
	j := 1
	for ; j < len(txs); j++ {
		if s, _ := types.Sender(signer, txs[j]); s == first {
			break
		}
	}
	if j == len(txs) {
		t.Fatal("no second transaction of the first sender")
	}
	txs[0], txs[j] = txs[j], txs[0]
	body := *b.Body()
	body.Transactions = txs
	h := b.Header()
	h.TxHash = types.DeriveSha(txs, trie.NewStackTrie(nil)) // the root is checked first
	bad := types.NewBlockWithHeader(h).WithBody(body)
	for _, disk := range []bool{false, true} {
		var trace bytes.Buffer
		r := replayer(t, gj, disk, Options{TraceBad: &trace})
		err := r.Import(context.Background(), bad)
		if !errors.Is(err, chain.ErrInvalidTx) || !strings.Contains(err.Error(), "block 1") {
			t.Fatalf("disk %v: %v", disk, err)
		}
		lines, steps := traceLines(t, trace.Bytes())
		if len(lines) != 2 || steps != 0 {
			t.Fatalf("disk %v: %d lines, want the transaction's and the last: %s", disk, len(lines), trace.Bytes())
		}
		l := lines[0]
		if l["txHash"] != txs[0].Hash().Hex() || l["txIndex"] != 0.0 || l["senderNonce"] != 0.0 || !strings.Contains(l["error"].(string), "nonce") {
			t.Errorf("disk %v: %v", disk, l)
		}
	}
}

// TestTraceBlockUntraceable: a block that does not extend the head gets only the
// last line; in memory TraceBlock needs TraceBad set from the start.
func TestTraceBlockUntraceable(t *testing.T) {
	c, gj := generate(t, "transfers", 2, 1)
	var trace bytes.Buffer
	r := replayer(t, gj, false, Options{TraceBad: &trace})
	if err := r.Import(context.Background(), c.Blocks[1]); err == nil {
		t.Fatal("block 2 imported on the genesis")
	}
	if lines, _ := traceLines(t, trace.Bytes()); len(lines) != 1 || !strings.Contains(lines[0]["error"].(string), "not traced") {
		t.Errorf("trace %s", trace.Bytes())
	}
	r = replayer(t, gj, false, Options{})
	if err := r.TraceBlock(&trace, c.Blocks[0], nil); err == nil {
		t.Error("traced in memory without TraceBad")
	}
}
