package replay

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/core"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/hybridvm/hybridvm/chaingen"
)

// memoryRoot replays c in memory and returns the head's state root.
func memoryRoot(t *testing.T, c *chaingen.Chain, gj []byte) Stats {
	t.Helper()
	g, st, err := Genesis(gj)
	if err != nil {
		t.Fatal(err)
	}
	r, err := New(g, st, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range c.Blocks {
		if err := r.Import(context.Background(), b); err != nil {
			t.Fatal(err)
		}
	}
	return r.Stats()
}

// importAll imports blocks until one fails (returning its error).
func importAll(ctx context.Context, r *Replayer, blocks []*types.Block) error {
	for _, b := range blocks {
		if err := r.Import(ctx, b); err != nil {
			return err
		}
	}
	return nil
}

func openDisk(t *testing.T, dir string, g *core.Genesis, opts Options) *Replayer {
	t.Helper()
	r, err := OpenDisk(dir, g, opts)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestDiskResume: a replay into a datadir stopped after k blocks (its context
// cancelled) resumes with the same chain: the k blocks are skipped, not executed
// again, the rest are imported, and the final root is the in-memory replay's.
func TestDiskResume(t *testing.T) {
	c, gj := generate(t, "erc20", 6, 7)
	want := memoryRoot(t, c, gj)
	g, _, err := Genesis(gj)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	const k = 2
	ctx, cancel := context.WithCancel(context.Background())
	r := openDisk(t, dir, g, Options{Progress: func(s Stats) {
		if s.Blocks == k {
			cancel()
		}
	}})
	if err := importAll(ctx, r, c.Blocks); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled import: %v", err)
	}
	if s := r.Stats(); s.Blocks != k || s.Head != k {
		t.Fatalf("after the cancel: %+v, want %d blocks", s, k)
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}

	executed := 0
	r = openDisk(t, dir, g, Options{Progress: func(Stats) { executed++ }})
	if s := r.Stats(); s.Head != k || s.Root != c.Blocks[k-1].Root() {
		t.Fatalf("reopened at %+v, want block %d", s, k)
	}
	if err := importAll(context.Background(), r, c.Blocks); err != nil {
		t.Fatal(err)
	}
	s := r.Stats()
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	if executed != len(c.Blocks)-k || s.Skipped != k || s.Blocks != len(c.Blocks)-k {
		t.Errorf("resumed: executed %d blocks, skipped %d (stats %+v), want %d and %d", executed, s.Skipped, s, len(c.Blocks)-k, k)
	}
	if s.Root != want.Root || s.Head != want.Head {
		t.Errorf("datadir head %d root %x, in memory %d %x", s.Head, s.Root, want.Head, want.Root)
	}

	// A third run has nothing to do, and reads the state back from disk.
	r = openDisk(t, dir, g, Options{})
	defer r.Close()
	if err := importAll(context.Background(), r, c.Blocks); err != nil {
		t.Fatal(err)
	}
	if s := r.Stats(); s.Blocks != 0 || s.Skipped != len(c.Blocks) || s.Root != want.Root {
		t.Errorf("third run: %+v", s)
	}
}

// TestDiskCrash: a replay whose process dies without Close (the trie layers only in
// memory are lost) reopens at the newest block whose state reached the disk, and
// imports the rest again, to the same root.
func TestDiskCrash(t *testing.T) {
	c, gj := generate(t, "transfers", 5, 3)
	want := memoryRoot(t, c, gj)
	g, _, err := Genesis(gj)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	r := openDisk(t, dir, g, Options{FlushInterval: 1 << 62})
	if err := importAll(context.Background(), r, c.Blocks[:2]); err != nil {
		t.Fatal(err)
	}
	if err := r.disk.flushTo(r.parent.Root); err != nil { // block 2 reaches the disk
		t.Fatal(err)
	}
	if err := importAll(context.Background(), r, c.Blocks[2:4]); err != nil {
		t.Fatal(err)
	}
	// The crash: the store closes with blocks 3 and 4 marked imported, their state
	// only in memory.
	r.disk.closed = true
	if err := r.disk.tdb.Close(); err != nil {
		t.Fatal(err)
	}
	if err := r.disk.db.Close(); err != nil {
		t.Fatal(err)
	}

	r = openDisk(t, dir, g, Options{})
	defer r.Close()
	if s := r.Stats(); s.Head != 2 || r.Resumed() != 2 {
		t.Fatalf("reopened at block %d after walking back %d, want block 2 after 2", s.Head, r.Resumed())
	}
	if err := importAll(context.Background(), r, c.Blocks); err != nil {
		t.Fatal(err)
	}
	if s := r.Stats(); s.Blocks != 3 || s.Skipped != 2 || s.Root != want.Root {
		t.Errorf("after the crash: %+v, want 3 blocks imported, 2 skipped, root %x", s, want.Root)
	}
}

// TestDiskRefuses: a datadir of another genesis is refused, and so is a chain that
// forks from the stored one (at a stored height or at the head).
func TestDiskRefuses(t *testing.T) {
	c, gj := generate(t, "transfers", 3, 1)
	other, ogj := generate(t, "transfers", 3, 2)
	g, _, err := Genesis(gj)
	if err != nil {
		t.Fatal(err)
	}
	og, _, err := Genesis(ogj)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	r := openDisk(t, dir, g, Options{})
	if err := importAll(context.Background(), r, c.Blocks[:2]); err != nil {
		t.Fatal(err)
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := OpenDisk(dir, og, Options{}); !errors.Is(err, ErrGenesisMismatch) {
		t.Errorf("another genesis: %v", err)
	}
	g2, _, _ := Genesis(gj)
	late := uint64(1) << 40
	g2.Config.PragueTime = &late // the same genesis block, another fork schedule
	if _, err := OpenDisk(dir, g2, Options{}); !errors.Is(err, ErrGenesisMismatch) || !strings.Contains(err.Error(), "configuration") {
		t.Errorf("another chain configuration: %v", err)
	}

	// A fork of the stored chain: block 2 with other contents (its header changed).
	h := c.Blocks[1].Header()
	h.Extra = []byte("fork")
	fork := types.NewBlockWithHeader(h).WithBody(*c.Blocks[1].Body())
	r = openDisk(t, dir, g, Options{})
	defer r.Close()
	if err := importAll(context.Background(), r, []*types.Block{c.Blocks[0], fork}); !errors.Is(err, ErrNotExtending) {
		t.Errorf("a chain forking at a stored block: %v", err)
	}
	// A block 3 whose parent is not the stored block 2.
	h = c.Blocks[2].Header()
	h.ParentHash = fork.Hash()
	if err := r.Import(context.Background(), types.NewBlockWithHeader(h).WithBody(*c.Blocks[2].Body())); !errors.Is(err, ErrNotExtending) {
		t.Errorf("a block not extending the head: %v", err)
	}
	// Another chain's block 1 is a fork too; the stored chain still imports.
	if err := r.Import(context.Background(), other.Blocks[0]); !errors.Is(err, ErrNotExtending) {
		t.Errorf("another chain's block: %v", err)
	}
	if err := importAll(context.Background(), r, c.Blocks); err != nil {
		t.Fatal(err)
	}
	if s := r.Stats(); s.Root != c.Blocks[2].Root() || s.Blocks != 1 {
		t.Errorf("after the refusals: %+v", s)
	}
}
