package state

import (
	"fmt"

	"github.com/holiman/uint256"

	"github.com/hybridvm/hybridvm/host"
)

// entryKind says what a journal entry undoes.
type entryKind uint8

const (
	// Account mutations: the address counts as touched for EIP-161 while the entry
	// is in the journal (go-ethereum's "dirty" set).
	entryCreateAccount entryKind = iota + 1 // acct = previous object or nil
	entrySelfDestruct                       // flag = previous mark, bal = previous balance
	entryBalance                            // bal = previous balance
	entryNonce                              // u64 = previous nonce
	entryCode                               // code, key = previous code and hash
	entryStorage                            // key, prev = previous value; flag = slot existed
	entryTouch                              // nothing to undo

	// Changes that do not count as touching an account. The EIP-6780 mark is one
	// of them, as in go-ethereum: a create always sets the nonce too.
	entryCreateContract // acct.newContract was false
	entryRefund         // u64 = previous refund
	entryLog            // drop the last log
	entryAccessAddr     // remove addr from the access list
	entryAccessSlot     // remove (addr, key) from the access list
	entryTransient      // key, prev = previous transient value
	entryKindsLimit_    // sentinel
)

// entry is one journal record. It is a plain value (no interface, no pointer to a
// fresh allocation), so appending to the journal allocates only when the
// journal's backing array grows, and the array is reused across transactions.
type entry struct {
	kind entryKind
	flag bool
	addr host.Address
	acct *account
	key  host.Hash
	prev host.Hash
	bal  uint256.Int
	u64  uint64
	code []byte
}

// touchesAccount reports whether the entry counts as a mutation of e.addr for
// EIP-161 deletion at the end of the transaction.
func (e *entry) touchesAccount() bool {
	return e.kind >= entryCreateAccount && e.kind <= entryTouch
}

// Snapshot returns an identifier for the current state: the journal length.
func (s *State) Snapshot() int { return len(s.journal) }

// RevertToSnapshot undoes every change made after Snapshot returned id.
func (s *State) RevertToSnapshot(id int) {
	if id < 0 || id > len(s.journal) {
		panic(fmt.Sprintf("BUG: state: revert to snapshot %d, journal has %d entries", id, len(s.journal)))
	}
	for i := len(s.journal) - 1; i >= id; i-- {
		e := &s.journal[i]
		if s.tracksDirty() && e.touchesAccount() {
			// A root taken since the change may have put it in the trie.
			s.dirty = append(s.dirty, e.addr)
		}
		s.undo(e)
		*e = entry{} // drop references for the garbage collector
	}
	s.journal = s.journal[:id]
}

func (s *State) undo(e *entry) {
	switch e.kind {
	case entryCreateAccount:
		if e.acct == nil {
			delete(s.accounts, e.addr)
		} else {
			s.accounts[e.addr] = e.acct
		}
		s.cached = nil
	case entryCreateContract:
		e.acct.newContract = false
	case entrySelfDestruct:
		e.acct.selfDestructed = e.flag
		e.acct.balance = e.bal
	case entryBalance:
		e.acct.balance = e.bal
	case entryNonce:
		e.acct.nonce = e.u64
	case entryCode:
		e.acct.code = e.code
		e.acct.codeHash = e.key
	case entryStorage:
		if e.flag {
			sl := e.acct.storage[e.key]
			sl.cur = e.prev
			e.acct.storage[e.key] = sl
		} else {
			delete(e.acct.storage, e.key)
		}
		e.acct.storageChanged(e.key)
	case entryTouch:
	case entryRefund:
		s.refund = e.u64
	case entryLog:
		s.logs[len(s.logs)-1] = nil
		s.logs = s.logs[:len(s.logs)-1]
	case entryAccessAddr:
		delete(s.accessAddrs, e.addr)
	case entryAccessSlot:
		delete(s.accessSlots, slotKey{e.addr, e.key})
	case entryTransient:
		if e.prev == (host.Hash{}) {
			delete(s.transient, slotKey{e.addr, e.key})
		} else {
			s.transient[slotKey{e.addr, e.key}] = e.prev
		}
	default:
		panic(fmt.Sprintf("BUG: state: unknown journal entry kind %d", e.kind))
	}
}
