package state

import (
	"bytes"
	"slices"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/rlp"
	"github.com/ethereum/go-ethereum/trie"
	"github.com/holiman/uint256"

	"github.com/hybridvm/hybridvm/host"
)

// EmptyRootHash is the root of an empty trie: the storage root of an account
// without storage and the state root of an empty state.
var EmptyRootHash = types.EmptyRootHash

// kv is one trie leaf: the keccak-hashed key and the RLP-encoded value.
type kv struct {
	key host.Hash
	val []byte
}

// Root returns the Ethereum state root of the current state: the Merkle-Patricia
// trie over keccak256(address) → RLP([nonce, balance, storageRoot, codeHash]),
// each storage root the trie over keccak256(slot) → RLP(value without leading
// zero bytes). Call it between transactions (after FinaliseTx): it reads current
// values and does not apply end-of-transaction deletions.
//
// The first root of a state (and the first storage root of an account) is
// computed in one pass with go-ethereum's stack trie, the cheapest way when it is
// needed once (a state test). From the second on, the state keeps go-ethereum's
// in-memory trie and updates only what changed since the previous root, so a
// long-lived state (block replay) pays for its changes, not for its size.
func (s *State) Root() host.Hash {
	s.finishRoot()
	if s.accTrie == nil {
		s.roots++
		if s.roots == 1 {
			return s.oneShotRoot()
		}
		s.accTrie = trie.NewEmpty(nil)
		s.dirty = s.dirty[:0]
		for addr, a := range s.accounts {
			s.updateLeaf(addr, a)
		}
		return s.accTrie.Hash()
	}
	s.noteDirtyAccounts() // changes of the current transaction, if any
	for _, addr := range s.dirty {
		a := s.accounts[addr]
		if a == nil {
			if err := s.accTrie.Delete(crypto.Keccak256(addr[:])); err != nil {
				panic("BUG: state: in-memory trie delete: " + err.Error())
			}
			continue
		}
		s.updateLeaf(addr, a)
	}
	s.dirty = s.dirty[:0]
	return s.accTrie.Hash()
}

// maxDirtyFactor bounds the change lists kept for the incremental tries: beyond
// this many entries per account (or slot), rebuilding is cheaper than replaying
// them, and a state that is never asked for a root must not grow without bound.
const maxDirtyFactor = 2

// noteDirtyAccounts records the accounts the journal changed, for the next
// incremental root.
func (s *State) noteDirtyAccounts() {
	if !s.tracksDirty() {
		return
	}
	for i := range s.journal {
		e := &s.journal[i]
		if e.touchesAccount() {
			s.dirty = append(s.dirty, e.addr)
		}
	}
	if s.ripemdTouched {
		s.dirty = append(s.dirty, ripemd)
	}
	if len(s.dirty) > maxDirtyFactor*len(s.accounts)+1024 {
		s.dropIncremental() // rebuilt at the next root
	}
}

// noteDirty records that addr changed outside a transaction's journal (Base.Apply).
func (s *State) noteDirty(addr host.Address) {
	if !s.tracksDirty() {
		return
	}
	s.dirty = append(s.dirty, addr)
	if len(s.dirty) > maxDirtyFactor*len(s.accounts)+1024 {
		s.dropIncremental() // rebuilt at the next root
	}
}

func (s *State) updateLeaf(addr host.Address, a *account) {
	if !a.addrHashed {
		a.addrHash = crypto.Keccak256Hash(addr[:])
		a.addrHashed = true
	}
	if err := s.accTrie.Update(a.addrHash[:], s.accountRLP(a)); err != nil {
		panic("BUG: state: in-memory trie update: " + err.Error())
	}
}

// oneShotRoot computes the root from scratch with a stack trie.
func (s *State) oneShotRoot() host.Hash {
	leaves := make([]kv, 0, len(s.accounts))
	for addr, a := range s.accounts {
		if !a.addrHashed {
			a.addrHash = crypto.Keccak256Hash(addr[:])
			a.addrHashed = true
		}
		leaves = append(leaves, kv{a.addrHash, s.accountRLP(a)})
	}
	return trieRoot(leaves)
}

// accountRLP encodes an account leaf: RLP([nonce, balance, storageRoot, codeHash]).
func (s *State) accountRLP(a *account) []byte {
	return encodeAccount(a.nonce, &a.balance, s.storageRoot(a), a.codeHash)
}

// encodeAccount encodes RLP([nonce, balance, storageRoot, codeHash]).
func encodeAccount(nonce uint64, balance *uint256.Int, root, codeHash host.Hash) []byte {
	enc := rlp.NewEncoderBuffer(nil)
	l := enc.List()
	enc.WriteUint64(nonce)
	enc.WriteUint256(balance)
	enc.WriteBytes(root[:])
	enc.WriteBytes(codeHash[:])
	enc.ListEnd(l)
	return enc.ToBytes()
}

// StorageRoot returns the storage root of the account (EmptyRootHash when it has
// no storage or does not exist).
func (s *State) StorageRoot(addr host.Address) host.Hash {
	s.finishRoot()
	a := s.accounts[addr]
	if a == nil {
		return EmptyRootHash
	}
	return s.storageRoot(a)
}

// storageChanged invalidates the cached storage root after a write (or the revert
// of one) to key, and remembers the key for the incremental storage trie.
func (a *account) storageChanged(key host.Hash) {
	a.rootValid = false
	if a.stTrie != nil || a.rootBusy {
		a.dirtyKeys = append(a.dirtyKeys, key)
		if len(a.dirtyKeys) > maxDirtyFactor*len(a.storage)+64 {
			a.stTrie, a.dirtyKeys = nil, nil // rebuilt at the next root
			a.dropTrie = a.rootBusy          // and the trie out with BeginRoot's job not taken back
		}
	}
}

func (s *State) storageRoot(a *account) host.Hash {
	if a.rootValid {
		return a.storageRoot
	}
	a.storageRoot, a.stTrie = hashStorage(a.stTrie, a.rootComputed, a.rootUpdates())
	a.dirtyKeys = a.dirtyKeys[:0]
	a.rootComputed = true
	a.rootValid = true
	return a.storageRoot
}

// slotUpdate is a written slot's key (not hashed) and value (zero: deleted).
type slotUpdate struct{ key, val host.Hash }

// rootUpdates lists what the storage root must take in: the slots written
// since the storage trie was brought up to date, or, without a trie, every
// non-zero slot.
func (a *account) rootUpdates() []slotUpdate {
	if a.stTrie != nil {
		u := make([]slotUpdate, len(a.dirtyKeys))
		for i, k := range a.dirtyKeys {
			u[i] = slotUpdate{k, a.storage[k].cur}
		}
		return u
	}
	u := make([]slotUpdate, 0, len(a.storage))
	for k, sl := range a.storage {
		if sl.cur != (host.Hash{}) {
			u = append(u, slotUpdate{k, sl.cur})
		}
	}
	return u
}

// hashStorage returns the storage root after updates and the trie to keep: t
// (nil: none yet) brought up to date; a new trie when there is none but keep
// is set (the root is needed a second time); otherwise none, the root of the
// updates alone from go-ethereum's stack trie, the cheapest way when it is
// needed once.
func hashStorage(t *trie.Trie, keep bool, updates []slotUpdate) (host.Hash, *trie.Trie) {
	if t == nil && !keep {
		leaves := make([]kv, len(updates))
		for i, u := range updates {
			leaves[i] = kv{crypto.Keccak256Hash(u.key[:]), slotRLP(u.val)}
		}
		return trieRoot(leaves), nil
	}
	if t == nil {
		t = trie.NewEmpty(nil)
	}
	for _, u := range updates {
		hk := crypto.Keccak256(u.key[:])
		var err error
		if u.val == (host.Hash{}) {
			err = t.Delete(hk)
		} else {
			err = t.Update(hk, slotRLP(u.val))
		}
		if err != nil {
			panic("BUG: state: in-memory storage trie: " + err.Error())
		}
	}
	return t.Hash(), t
}

// slotRLP encodes a storage value: RLP of its bytes without leading zeros.
func slotRLP(v host.Hash) []byte {
	b, err := rlp.EncodeToBytes(common.TrimLeftZeroes(v[:]))
	if err != nil {
		panic("BUG: state: RLP of a byte string failed: " + err.Error())
	}
	return b
}

// trieRoot sorts the leaves by key and feeds them to go-ethereum's stack trie,
// which needs ascending keys and hashes subtrees as soon as they are complete.
func trieRoot(leaves []kv) host.Hash {
	if len(leaves) == 0 {
		return EmptyRootHash
	}
	slices.SortFunc(leaves, func(a, b kv) int { return bytes.Compare(a.key[:], b.key[:]) })
	t := trie.NewStackTrie(nil)
	for i := range leaves {
		if err := t.Update(leaves[i].key[:], leaves[i].val); err != nil {
			panic("BUG: state: stack trie update: " + err.Error())
		}
	}
	return t.Hash()
}

// LogsHash returns keccak256 of the RLP list of the transaction's logs, each
// encoded as [address, [topics...], data]: the "logs" hash of the state tests.
func (s *State) LogsHash() host.Hash {
	return LogsHash(s.logs)
}

// LogsHash returns keccak256(RLP([[address, [topics...], data], ...])).
func LogsHash(logs []*host.Log) host.Hash {
	enc := rlp.NewEncoderBuffer(nil)
	outer := enc.List()
	for _, l := range logs {
		inner := enc.List()
		enc.WriteBytes(l.Address[:])
		topics := enc.List()
		for i := range l.Topics {
			enc.WriteBytes(l.Topics[i][:])
		}
		enc.ListEnd(topics)
		enc.WriteBytes(l.Data)
		enc.ListEnd(inner)
	}
	enc.ListEnd(outer)
	return crypto.Keccak256Hash(enc.ToBytes())
}
