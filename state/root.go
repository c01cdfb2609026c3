package state

import (
	"bytes"
	"slices"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/rlp"
	"github.com/ethereum/go-ethereum/trie"

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
// Storage roots are cached per account until the account's storage changes, so
// repeated roots over a large, mostly unchanged state cost one hash per account.
func (s *State) Root() host.Hash {
	leaves := make([]kv, 0, len(s.accounts))
	enc := rlp.NewEncoderBuffer(nil)
	for addr, a := range s.accounts {
		if !a.addrHashed {
			a.addrHash = crypto.Keccak256Hash(addr[:])
			a.addrHashed = true
		}
		root := s.storageRoot(a)
		enc.Reset(nil)
		l := enc.List()
		enc.WriteUint64(a.nonce)
		enc.WriteUint256(&a.balance)
		enc.WriteBytes(root[:])
		enc.WriteBytes(a.codeHash[:])
		enc.ListEnd(l)
		leaves = append(leaves, kv{a.addrHash, enc.ToBytes()})
	}
	return trieRoot(leaves)
}

// StorageRoot returns the storage root of the account (EmptyRootHash when it has
// no storage or does not exist).
func (s *State) StorageRoot(addr host.Address) host.Hash {
	a := s.accounts[addr]
	if a == nil {
		return EmptyRootHash
	}
	return s.storageRoot(a)
}

func (s *State) storageRoot(a *account) host.Hash {
	if a.rootValid {
		return a.storageRoot
	}
	leaves := make([]kv, 0, len(a.storage))
	for k, sl := range a.storage {
		if sl.cur == (host.Hash{}) {
			continue
		}
		v, err := rlp.EncodeToBytes(common.TrimLeftZeroes(sl.cur[:]))
		if err != nil {
			panic("BUG: state: RLP of a byte string failed: " + err.Error())
		}
		leaves = append(leaves, kv{crypto.Keccak256Hash(k[:]), v})
	}
	a.storageRoot = trieRoot(leaves)
	a.rootValid = true
	return a.storageRoot
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
