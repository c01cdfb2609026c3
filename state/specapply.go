package state

import (
	"fmt"

	"github.com/holiman/uint256"

	"github.com/hybridvm/hybridvm/host"
)

// Validate checks what view v observed against the base. It returns "" when
// every observation still holds, or else names the first that does not (for
// example "balance 0x…" or "slot 0x…[0x…]"). Only the committer calls it, so the
// base is not changing meanwhile.
func (b *Base) Validate(v *State) string {
	if v.spec == nil || v.spec.base != b {
		panic("BUG: state: Validate of a state that is not a view of this base")
	}
	st := b.st
	for _, l := range v.spec.loads() {
		addr, r, ba := l.addr, &l.r, st.baseAccount(l)
		if r.obs != 0 {
			if c := r.check(addr, ba); c != "" {
				return c
			}
		}
		for key, want := range r.slots {
			var got host.Hash
			if ba != nil {
				got = ba.storage[key].cur
			}
			if got != want {
				return fmt.Sprintf("slot %x[%x]", addr, key)
			}
		}
		if len(r.zero) > 0 || len(r.geq) > 0 {
			var bal, sum uint256.Int
			if ba != nil {
				bal = ba.balance
			}
			for i := range r.zero {
				zc := &r.zero[i]
				if sum.Add(&bal, &zc.delta).IsZero() != zc.zero {
					return fmt.Sprintf("emptiness %x", addr)
				}
			}
			for i := range r.geq {
				c := &r.geq[i]
				if sum.Add(&bal, &c.delta).Lt(&c.min) == c.ok {
					return fmt.Sprintf("balance sufficiency %x", addr)
				}
			}
		}
	}
	return ""
}

// check compares the observed fields of one account with the base's ba (nil:
// the account does not exist).
func (r *rec) check(addr host.Address, ba *account) string {
	var (
		exists   = ba != nil
		balance  uint256.Int
		nonce    uint64
		codeHash host.Hash
	)
	if exists {
		balance, nonce, codeHash = ba.balance, ba.nonce, ba.codeHash
	}
	switch {
	case r.obs&obsExist != 0 && exists != r.exists:
		return fmt.Sprintf("existence %x", addr)
	case r.obs&obsBalance != 0 && balance != r.balance:
		return fmt.Sprintf("balance %x", addr)
	case r.obs&obsNonce != 0 && nonce != r.nonce:
		return fmt.Sprintf("nonce %x", addr)
	case r.obs&obsCode != 0 && codeHash != r.codeHash:
		return fmt.Sprintf("code %x", addr)
	case r.obs&obsHasStorage != 0 && exists && hasStorage(ba) != r.hasStorage,
		r.obs&obsHasStorage != 0 && !exists && r.hasStorage:
		return fmt.Sprintf("storage presence %x", addr)
	}
	return ""
}

// Apply writes view v's effects to the base as one finalised transaction:
// accounts the view deleted are deleted, accounts it re-created are new
// objects, and every field that ended different from what the view loaded
// gets its final value; balances it only added to or subtracted from get the
// difference. v must be finalised (FinaliseTx) and must have validated against
// the base as it is now, and the base must have no transaction open.
//
// The final values are written straight into the base's accounts, as its own
// FinaliseTx would leave them, without a journal: committing is the serial part
// of parallel execution, so it must cost little beside running the
// transaction. What counts is the net change (a write the transaction reverted
// is no change); an account changed is one the transaction touched, so one
// that ends empty is deleted (EIP-161), as a sequential run deletes it.
func (b *Base) Apply(v *State) {
	b.mu.Lock()
	defer b.mu.Unlock()
	st := b.st
	st.cached = nil
	for _, l := range v.spec.loads() {
		addr, r := l.addr, &l.r
		a := v.accounts[addr]
		ba := st.baseAccount(l)
		if r.deleted {
			// Deleted at the end of the transaction (self-destruct, EIP-161).
			if ba != nil {
				delete(st.accounts, addr)
				ba.gone = true
				st.noteDirty(addr)
			}
			continue
		}
		if a == nil {
			continue // read as missing and never created
		}
		fresh := a.reset || ba == nil
		if !a.reset && !a.netChange(r) {
			continue
		}
		if fresh {
			// Created, or re-created over the base's object (which keeps only
			// its balance, as CreateAccount does): a new object.
			nb := newAccount()
			if ba != nil {
				nb.balance = ba.balance
				nb.addrHash, nb.addrHashed = ba.addrHash, ba.addrHashed
				ba.gone = true
			}
			ba = nb
		}
		// A field that changed was written, so observed: validated, the base
		// still has the value the view loaded.
		if a.reset || a.nonce != r.nonce {
			ba.nonce = a.nonce
		}
		if a.reset || a.codeHash != r.loadedCodeHash() {
			ba.code, ba.codeHash = a.code, a.codeHash
		}
		if r.wr&wBalance != 0 {
			ba.balance = a.balance
		} else if a.balance != r.balance {
			var delta uint256.Int
			delta.Sub(&a.balance, &r.balance)
			ba.balance.Add(&ba.balance, &delta)
		}
		for key := range r.wslots {
			v := a.storage[key].cur
			if old, ok := ba.storage[key]; ok && old.cur == v || !ok && v == (host.Hash{}) {
				continue
			}
			if v == (host.Hash{}) {
				delete(ba.storage, key)
			} else {
				if ba.storage == nil {
					ba.storage = make(map[host.Hash]slot)
				}
				ba.storage[key] = slot{cur: v, orig: v}
			}
			ba.storageChanged(key)
		}
		switch {
		case ba.empty():
			delete(st.accounts, addr)
			ba.gone = true
		case fresh:
			st.accounts[addr] = ba
		}
		st.noteDirty(addr)
	}
}

// loadedCodeHash is the code hash of the account as loaded: an account that did
// not exist has no code.
func (r *rec) loadedCodeHash() host.Hash {
	if !r.exists {
		return EmptyCodeHash
	}
	return r.codeHash
}

// netChange reports whether view account a ends the transaction different from
// what the view loaded into its record r (a write undone by a revert is no
// change).
func (a *account) netChange(r *rec) bool {
	if !r.exists || a.nonce != r.nonce || a.codeHash != r.loadedCodeHash() || a.balance != r.balance {
		return true
	}
	for key := range r.wslots {
		if a.storage[key].cur != r.slots[key] {
			return true
		}
	}
	return false
}

// hasStorage reports whether the account has any non-zero storage, now or at the
// start of the transaction.
func hasStorage(a *account) bool {
	for _, sl := range a.storage {
		if sl.cur != (host.Hash{}) || sl.orig != (host.Hash{}) {
			return true
		}
	}
	return false
}

// Key names a piece of state a transaction reads or writes: an account field
// (Slot zero, Field one of the Field* constants) or a storage slot (FieldSlot).
type Key struct {
	Addr  host.Address
	Field uint8
	Slot  host.Hash
}

// The fields of a Key.
const (
	FieldExistence uint8 = iota + 1 // existence and everything an account is
	FieldBalance
	FieldNonce
	FieldCode
	FieldSlot
)

// Footprint returns what view v read from the base and what it wrote: the
// keys a later transaction depends on. A balance only added to is written but
// not read (so fee credits make no dependency between their writers), and a
// balance only tested (enough to pay, not empty) is not a read either: those
// tests hold whatever the earlier credits were unless a balance runs out. A
// created, deleted or re-created account writes its existence.
func (b *Base) Footprint(v *State) (reads, writes []Key) {
	for addr, r := range v.spec.recs {
		if r.obs&obsExist != 0 || r.obs&obsHasStorage != 0 {
			reads = append(reads, Key{Addr: addr, Field: FieldExistence})
		}
		if r.obs&obsBalance != 0 {
			reads = append(reads, Key{Addr: addr, Field: FieldBalance})
		}
		if r.obs&obsNonce != 0 {
			reads = append(reads, Key{Addr: addr, Field: FieldNonce})
		}
		if r.obs&obsCode != 0 {
			reads = append(reads, Key{Addr: addr, Field: FieldCode})
		}
		for key := range r.slots {
			reads = append(reads, Key{Addr: addr, Field: FieldSlot, Slot: key})
		}
		a := v.accounts[addr]
		switch {
		case r.deleted || a != nil && (a.reset || !r.exists):
			writes = append(writes, Key{Addr: addr, Field: FieldExistence})
		case a == nil:
			continue
		}
		if a == nil {
			continue
		}
		if r.wr&wBalance != 0 || a.balance != r.balance {
			writes = append(writes, Key{Addr: addr, Field: FieldBalance})
		}
		if r.wr&wNonce != 0 {
			writes = append(writes, Key{Addr: addr, Field: FieldNonce})
		}
		if r.wr&wCode != 0 {
			writes = append(writes, Key{Addr: addr, Field: FieldCode})
		}
		for key := range r.wslots {
			writes = append(writes, Key{Addr: addr, Field: FieldSlot, Slot: key})
		}
	}
	return reads, writes
}
