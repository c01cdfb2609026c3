package replay

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core"
	"github.com/ethereum/go-ethereum/core/rawdb"
	gstate "github.com/ethereum/go-ethereum/core/state"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/ethdb"
	"github.com/ethereum/go-ethereum/ethdb/pebble"
	"github.com/ethereum/go-ethereum/params"
	"github.com/ethereum/go-ethereum/triedb"
	"github.com/ethereum/go-ethereum/triedb/pathdb"

	"github.com/hybridvm/hybridvm/runtime"
	"github.com/hybridvm/hybridvm/state/gethstate"
)

// The on-disk state (OpenDisk) is go-ethereum's: a Pebble key-value store in
// DIR/chaindata, the path-scheme trie database (triedb/pathdb) over it, and geth's
// *state.StateDB, which the chain processor drives through state/gethstate. Beside
// the state the replay keeps, in the same store, every imported block's header and
// canonical hash (rawdb's keys) and its own head marker: the hash of the last
// block whose state was committed. RATIONALE.md says why the path scheme.
//
// One block's import on disk, in this order:
//
//  1. execute it on a StateDB opened at the parent's root, and validate it;
//  2. StateDB.Commit: the block's trie changes become a layer of the trie database
//     (in memory until the trie database writes them; contract code goes to the
//     store at once);
//  3. one batch: the header, the canonical hash and then the head marker;
//  4. when FlushInterval has passed since the last flush, triedb.Commit writes
//     every layer down to the disk layer.
//
// Close flushes (step 4) whatever is left. A replay stopped between any two steps
// reopens consistently: an invalid or unfinished block wrote nothing; after a kill,
// the layers that were only in memory are gone, so OpenDisk walks back from the
// head marker to the newest stored block whose state the trie database still has
// and resumes after it (those blocks run again).

// headKey is the store key of the replay's head marker.
var headKey = []byte("hybridvm-replay-head")

// DefaultFlushInterval is how often, in replay time, the on-disk state is written
// through to disk when Options.FlushInterval is zero.
const DefaultFlushInterval = time.Minute

// ErrGenesisMismatch is returned by OpenDisk for a datadir holding another chain.
var ErrGenesisMismatch = errors.New("the datadir holds another chain")

// ErrNotExtending is returned by Import with a datadir for a block that forks
// from the chain already stored.
var ErrNotExtending = errors.New("the chain does not extend the datadir's chain")

// disk is a Replayer's on-disk state.
type disk struct {
	kv     ethdb.KeyValueStore
	db     ethdb.Database
	tdb    *triedb.Database
	sdb    gstate.Database
	flush  time.Duration
	last   time.Time   // the last flush
	flushd common.Hash // the root the last flush wrote (the disk layer's)
	// The block being imported: its StateDB and go-ethereum's rules for it.
	cur   *gstate.StateDB
	rules params.Rules
	// resumed is the number of stored blocks walked back over at open.
	resumed uint64
	closed  bool
}

// OpenDisk starts a replay whose state lives in go-ethereum's database in dir
// (created when missing), for states too big for memory. On first use it writes
// the genesis g; on later uses it checks that dir holds the chain of g
// (ErrGenesisMismatch otherwise) and the replay resumes after the last block
// committed: Import skips the blocks already stored, checked by hash
// (ErrNotExtending for one that differs). Close the replayer to write the state
// through to disk; a replay killed without Close resumes from an earlier block
// (at most about FlushInterval of work is lost). A datadir is for one process at
// a time (Pebble locks it).
func OpenDisk(dir string, g *core.Genesis, opts Options) (*Replayer, error) {
	if g.Config == nil || g.Config.ChainID == nil {
		return nil, errors.New("genesis: no config with a chain id")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	kv, err := pebble.New(filepath.Join(dir, "chaindata"), 256, 256, "", false)
	if err != nil {
		return nil, fmt.Errorf("datadir %s: %w", dir, err)
	}
	d := &disk{kv: kv, db: rawdb.NewDatabase(kv), flush: opts.FlushInterval, last: time.Now()}
	if d.flush <= 0 {
		d.flush = DefaultFlushInterval
	}
	// No freezer (rawdb.NewDatabase): pathdb keeps no state history, only the latest
	// state on disk and the recent layers in memory.
	d.tdb = triedb.NewDatabase(d.db, &triedb.Config{PathDB: pathdb.Defaults})
	d.sdb = gstate.NewDatabase(d.tdb, nil)
	head, err := d.open(g)
	if err != nil {
		d.close(nil)
		return nil, fmt.Errorf("datadir %s: %w", dir, err)
	}
	r, err := New(g, nil, opts)
	if err != nil {
		d.close(nil)
		return nil, err
	}
	r.disk, r.parent, d.flushd = d, head, head.Root
	r.hashes = map[uint64]common.Hash{}
	n := head.Number.Uint64()
	for i := n - min(n, 255); i <= n; i++ {
		r.hashes[i] = rawdb.ReadCanonicalHash(d.db, i)
	}
	r.stats.Head, r.stats.Root = n, head.Root
	r.stats.Workers = 1 // parallel execution needs the embedded state
	return r, nil
}

// open writes or checks the genesis and returns the header to resume after.
func (d *disk) open(g *core.Genesis) (*types.Header, error) {
	want := g.ToBlock()
	switch stored := rawdb.ReadCanonicalHash(d.db, 0); stored {
	case common.Hash{}:
		if _, err := g.Commit(d.db, d.tdb, nil); err != nil {
			return nil, fmt.Errorf("writing the genesis: %w", err)
		}
	case want.Hash():
		// The genesis hash does not cover the chain configuration (fork times).
		if stored := rawdb.ReadChainConfig(d.db, want.Hash()); stored != nil {
			a, _ := json.Marshal(stored)
			b, _ := json.Marshal(g.Config)
			if !bytes.Equal(a, b) {
				return nil, fmt.Errorf("%w: the same genesis with another chain configuration: stored %s", ErrGenesisMismatch, a)
			}
		}
	default:
		return nil, fmt.Errorf("%w: its genesis is %x, the genesis file's %x", ErrGenesisMismatch, stored, want.Hash())
	}
	head := want.Header()
	if b, err := d.db.Get(headKey); err == nil && len(b) == common.HashLength {
		hash := common.BytesToHash(b)
		n, ok := rawdb.ReadHeaderNumber(d.db, hash)
		if !ok {
			return nil, fmt.Errorf("the head block %x has no header", hash)
		}
		if head = rawdb.ReadHeader(d.db, hash, n); head == nil {
			return nil, fmt.Errorf("the head block %d (%x) has no header", n, hash)
		}
	}
	// After a kill the trie layers that were only in memory are gone: walk back to
	// the newest block whose state the trie database has.
	moved := false
	for !d.hasState(head.Root) {
		n := head.Number.Uint64()
		if n == 0 {
			return nil, errors.New("the genesis state is missing")
		}
		parent := rawdb.ReadHeader(d.db, head.ParentHash, n-1)
		if parent == nil {
			return nil, fmt.Errorf("block %d (%x) has no header", n-1, head.ParentHash)
		}
		head, moved = parent, true
		d.resumed++
	}
	if moved {
		if err := d.db.Put(headKey, head.Hash().Bytes()); err != nil {
			return nil, err
		}
	}
	return head, nil
}

func (d *disk) hasState(root common.Hash) bool {
	_, err := d.tdb.StateReader(root)
	return err == nil
}

// known reports whether block is already stored at or below the head: it is then
// skipped. A different block at a stored height is ErrNotExtending.
func (r *Replayer) known(block *types.Block) (bool, error) {
	if r.disk == nil {
		return false, nil
	}
	if r.disk.closed {
		return false, errors.New("the replayer is closed")
	}
	n, head := block.NumberU64(), r.parent.Number.Uint64()
	switch {
	case n > head+1:
		return false, nil // the parent check names the gap
	case n == head+1:
		if block.ParentHash() != r.parent.Hash() {
			return false, fmt.Errorf("%w: its parent is %x, the datadir's block %d is %x", ErrNotExtending, block.ParentHash(), head, r.parent.Hash())
		}
		return false, nil
	}
	if stored := rawdb.ReadCanonicalHash(r.disk.db, n); stored != block.Hash() {
		return false, fmt.Errorf("%w: the datadir's block %d is %x", ErrNotExtending, n, stored)
	}
	return true, nil
}

// blockState returns the state to execute block on: the in-memory state, or a
// go-ethereum StateDB at the parent's root.
func (r *Replayer) blockState(header *types.Header) (runtime.TxStateDB, error) {
	if r.disk == nil {
		return r.st, nil
	}
	d := r.disk
	sdb, err := gstate.New(r.parent.Root, d.sdb)
	if err != nil {
		return nil, fmt.Errorf("opening the parent's state: %w", err)
	}
	d.cur, d.rules = sdb, r.proc.ChainConfig().Rules(header.Number, true, header.Time)
	return gethstate.New(sdb, d.rules), nil
}

// stateRoot returns the post-state root of the block being imported.
func (r *Replayer) stateRoot() common.Hash {
	if r.disk == nil {
		return r.st.Root()
	}
	return r.disk.cur.IntermediateRoot(r.disk.rules)
}

// commit persists a validated block: its state, then its header and canonical
// hash and the head marker in one batch, then a flush when one is due.
func (r *Replayer) commit(block *types.Block, root common.Hash) error {
	d := r.disk
	if d == nil {
		return nil
	}
	sdb := d.cur
	d.cur = nil
	got, err := sdb.Commit(d.rules, block.NumberU64())
	if err != nil {
		return fmt.Errorf("committing the state: %w", err)
	}
	if got != root {
		return fmt.Errorf("committing the state: root %x, computed %x before", got, root)
	}
	batch := d.db.NewBatch()
	rawdb.WriteHeader(batch, block.Header())
	rawdb.WriteCanonicalHash(batch, block.Hash(), block.NumberU64())
	if err := batch.Put(headKey, block.Hash().Bytes()); err != nil {
		return err
	}
	if err := batch.Write(); err != nil {
		return fmt.Errorf("writing the block: %w", err)
	}
	if time.Since(d.last) >= d.flush {
		return d.flushTo(root)
	}
	return nil
}

// flushTo writes the state's layers down to root through to disk.
func (d *disk) flushTo(root common.Hash) error {
	d.last = time.Now()
	if root == d.flushd {
		return nil
	}
	if err := d.tdb.Commit(root, false); err != nil {
		return fmt.Errorf("flushing the state: %w", err)
	}
	d.flushd = root
	return nil
}

// close flushes the state at root (unless nil) and closes the database.
func (d *disk) close(root *common.Hash) error {
	var errs []error
	if root != nil {
		errs = append(errs, d.flushTo(*root))
	}
	errs = append(errs, d.tdb.Close(), d.db.Close())
	d.closed = true
	return errors.Join(errs...)
}

// Close writes an on-disk state through to disk and closes its database; a
// replayer with its state in memory has nothing to close. The replayer cannot be
// used afterwards.
func (r *Replayer) Close() error {
	if r.disk == nil || r.disk.closed {
		return nil
	}
	return r.disk.close(&r.parent.Root)
}

// Resumed returns, for a replayer of OpenDisk, how many stored blocks it had to
// walk back over because their state had not been written through (a replay
// killed without Close): those blocks are imported again.
func (r *Replayer) Resumed() uint64 {
	if r.disk == nil {
		return 0
	}
	return r.disk.resumed
}
