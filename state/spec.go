package state

import (
	"github.com/holiman/uint256"

	"github.com/hybridvm/hybridvm/host"
)

// Speculative execution (used by chain's parallel block processor).
//
// A Base wraps the state a block runs on. A view (NewView) is an ordinary
// State that starts empty and loads what a transaction touches from the base on
// first use: the account's balance, nonce and code, then each storage slot on
// its own. Everything else (journal, snapshots, refunds, logs, access lists,
// transient storage, EIP-161 deletion, self-destructs) is the State's own code,
// unchanged.
//
// While it runs, the view records what the transaction *observed*: each field
// it read (existence, balance, nonce, code, storage slots, "has storage"), and
// the emptiness tests of EIP-161 as predicates on the balance. A balance that
// was only added to or subtracted from is a delta and observes nothing, so
// every transaction can pay the block's fee recipient without depending on the
// others. Writes of any other kind (nonce, code, a balance set outright, a
// storage slot) observe the field they write.
//
// Validate checks every observation against the base; Apply writes the view's
// effects to the base as one transaction. A transaction is a deterministic
// function of what it observed, so a view that validates against the base
// produced exactly what running it on the base would produce, and Apply gives
// exactly the base's own result.

// Observation bits of a loaded account.
const (
	obsExist uint8 = 1 << iota
	obsBalance
	obsNonce
	obsCode
	obsHasStorage
)

// Write bits: fields written outright (balances are deltas unless wBalance).
const (
	wNonce uint8 = 1 << iota
	wCode
	wBalance
)

// rec is what a view knows about one account of the base: the values it loaded
// (zero for an account that did not exist), what it observed of them and what it
// wrote.
type rec struct {
	exists     bool
	balance    uint256.Int
	nonce      uint64
	codeHash   host.Hash // zero for an account that did not exist
	hasStorage bool      // valid with obsHasStorage
	obs, wr    uint8
	deleted    bool // the transaction deleted the account (self-destruct, EIP-161)

	slots  map[host.Hash]host.Hash // storage values read from the base
	wslots map[host.Hash]struct{}  // storage slots written
	zero   []zeroCheck             // EIP-161 emptiness tests on an unobserved balance
	geq    []geqCheck              // balance >= v tests on an unobserved balance
}

// geqCheck: "base balance + delta >= min" was found to be ok.
type geqCheck struct {
	delta, min uint256.Int
	ok         bool
}

// zeroCheck: "base balance + delta is zero" was found to be zero.
type zeroCheck struct {
	delta uint256.Int
	zero  bool
}

// spec is a view's link to its base and its records.
type spec struct {
	base *Base
	recs map[host.Address]*rec
	// slab holds the records and account copies of the view's loads, reused
	// from one transaction to the next (used: how many are in use).
	slab []*loaded
	used int
}

// loaded is one load's record and account copy, allocated together, with the
// address and the base's account object it was loaded from (nil: none). The
// committer walks a view's loads in this order (Validate, Apply), and finds the
// base's account through base while that object is still the base's (not gone).
type loaded struct {
	r    rec
	a    account
	addr host.Address
	base *account
}

// next returns a cleared slab entry.
func (sp *spec) next() *loaded {
	if sp.used == len(sp.slab) {
		sp.slab = append(sp.slab, &loaded{})
	}
	l := sp.slab[sp.used]
	sp.used++
	slots, wslots, zero, geq := l.r.slots, l.r.wslots, l.r.zero[:0], l.r.geq[:0]
	clear(slots)
	clear(wslots)
	l.r = rec{slots: slots, wslots: wslots, zero: zero, geq: geq}
	return l
}

// Base is a state that views read through, concurrently. Views load from it
// under its read lock; Apply writes under its write lock. Only one goroutine
// may call Validate and Apply (the committer).
type Base struct {
	mu spinRW
	st *State
}

// NewBase wraps st. While views are open, st must be changed only through Apply.
func NewBase(st *State) *Base { return &Base{st: st} }

// State returns the wrapped state.
func (b *Base) State() *State { return b.st }

// NewView returns an empty view of b for one transaction.
func (b *Base) NewView() *State {
	v := New()
	v.spec = &spec{base: b, recs: make(map[host.Address]*rec)}
	return v
}

// ResetView empties a view (of this base or another) for the next
// transaction, keeping its memory.
func (b *Base) ResetView(v *State) {
	v.spec.base = b
	clear(v.accounts)
	v.cached = nil
	v.resetJournal()
	clear(v.spec.recs)
	for _, l := range v.spec.slab[:v.spec.used] {
		l.base = nil // the base's objects are not kept alive by a pooled view
	}
	v.spec.used = 0
	v.BeginTx()
}

// loads returns the view's loads in the order it made them.
func (sp *spec) loads() []*loaded { return sp.slab[:sp.used] }

// baseAccount returns the base's current object for l's address (nil: none),
// without a lookup while the object l loaded is still the base's.
func (st *State) baseAccount(l *loaded) *account {
	if l.base != nil && !l.base.gone {
		return l.base
	}
	return st.accounts[l.addr]
}

// load reads an account from the base into the view (once).
func (sp *spec) load(addr host.Address) (*rec, *account) {
	l := sp.next()
	r := &l.r
	b := sp.base
	b.mu.RLock()
	ba := b.st.accounts[addr]
	l.addr, l.base = addr, ba
	var a *account
	if ba != nil {
		r.exists = true
		r.balance, r.nonce, r.codeHash = ba.balance, ba.nonce, ba.codeHash
		storage := l.a.storage
		clear(storage)
		l.a = account{balance: ba.balance, nonce: ba.nonce, code: ba.code, codeHash: ba.codeHash,
			addrHash: ba.addrHash, addrHashed: ba.addrHashed, rec: r, storage: storage}
		a = &l.a
	}
	b.mu.RUnlock()
	sp.recs[addr] = r
	return r, a
}

// loadSlot reads a storage slot from the base and records it.
func (sp *spec) loadSlot(addr host.Address, r *rec, key host.Hash) host.Hash {
	if v, ok := r.slots[key]; ok {
		return v
	}
	b := sp.base
	b.mu.RLock()
	var v host.Hash
	if ba := b.st.accounts[addr]; ba != nil {
		v = ba.storage[key].cur
	}
	b.mu.RUnlock()
	if r.slots == nil {
		r.slots = make(map[host.Hash]host.Hash)
	}
	r.slots[key] = v
	return v
}

// recOf returns the view's record of addr (loading it if needed).
func (s *State) recOf(addr host.Address) *rec {
	if r := s.spec.recs[addr]; r != nil {
		return r
	}
	s.get(addr)
	return s.spec.recs[addr]
}

// observe records that the transaction read the given fields of addr.
func (s *State) observe(addr host.Address, a *account, bits uint8) {
	if s.spec == nil {
		return
	}
	if a != nil && a.rec != nil {
		a.rec.obs |= bits
		return
	}
	s.recOf(addr).obs |= bits
}

// slotOf returns a storage slot of a (which belongs to addr), loading it from the
// base in a view.
func (s *State) slotOf(addr host.Address, a *account, key host.Hash) slot {
	if sl, ok := a.storage[key]; ok || s.spec == nil || a.reset || a.rec == nil {
		return sl
	}
	v := s.spec.loadSlot(addr, a.rec, key)
	if a.storage == nil {
		a.storage = make(map[host.Hash]slot)
	}
	sl := slot{cur: v, orig: v}
	a.storage[key] = sl
	return sl
}

// absentSlot records, in a view, the read of a slot of an account the view
// holds as missing (its value is zero).
func (s *State) absentSlot(addr host.Address, key host.Hash) {
	r := s.recOf(addr)
	if r.slots == nil {
		r.slots = make(map[host.Hash]host.Hash)
	}
	if _, ok := r.slots[key]; !ok {
		r.slots[key] = host.Hash{}
	}
}

// isEmpty is a.empty(), recording in a view what the answer depended on: the
// nonce, the code and (unless observed) whether the balance is zero.
func (s *State) isEmpty(a *account) bool {
	r := a.rec
	if r == nil {
		return a.empty()
	}
	r.obs |= obsNonce
	if a.nonce != 0 {
		return false
	}
	r.obs |= obsCode
	if len(a.code) != 0 {
		return false
	}
	if r.obs&obsBalance == 0 {
		zc := zeroCheck{zero: a.balance.IsZero()}
		zc.delta.Sub(&a.balance, &r.balance)
		r.zero = append(r.zero, zc)
	}
	return a.balance.IsZero()
}

// written records, in a view, fields written outright (which also observes them).
func (a *account) written(obs, wr uint8) {
	if a.rec != nil {
		a.rec.obs |= obs
		a.rec.wr |= wr
	}
}

// baseHasStorage answers HasStorage for the base's copy of addr (recorded).
func (s *State) baseHasStorage(addr host.Address, r *rec) bool {
	if r.obs&obsHasStorage == 0 {
		b := s.spec.base
		b.mu.RLock()
		ba := b.st.accounts[addr]
		r.hasStorage = ba != nil && hasStorage(ba)
		b.mu.RUnlock()
		r.obs |= obsHasStorage
	}
	return r.hasStorage
}

// BalanceAtLeast reports whether addr's balance is at least v. In a view it
// observes only the answer, not the balance: a sender whose balance an earlier
// transaction of the block credited still validates while it can pay.
func (s *State) BalanceAtLeast(addr host.Address, v *uint256.Int) bool {
	a := s.get(addr)
	var bal *uint256.Int = &zero
	if a != nil {
		bal = &a.balance
	}
	ok := !bal.Lt(v)
	if s.spec == nil {
		return ok
	}
	r := s.recOf(addr)
	if r.obs&obsBalance == 0 {
		c := geqCheck{min: *v, ok: ok}
		c.delta.Sub(bal, &r.balance)
		r.geq = append(r.geq, c)
	}
	return ok
}
