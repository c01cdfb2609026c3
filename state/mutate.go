package state

import (
	"github.com/holiman/uint256"

	"github.com/hybridvm/hybridvm/host"
)

// getOrCreate returns the account, creating it (journaled) when it does not
// exist: like go-ethereum, writing to a missing account brings it into existence.
func (s *State) getOrCreate(addr host.Address) *account {
	if a := s.get(addr); a != nil {
		return a
	}
	a := newAccount()
	if s.spec != nil {
		a.rec = s.spec.recs[addr]
	}
	s.accounts[addr] = a
	s.cachedAddr, s.cached = addr, a
	s.journal = append(s.journal, entry{kind: entryCreateAccount, addr: addr})
	return a
}

// CreateAccount creates the account. An existing account is replaced by a fresh
// one that keeps only its balance (the old object stays in the journal).
func (s *State) CreateAccount(addr host.Address) {
	prev := s.get(addr)
	a := newAccount()
	if prev != nil {
		a.balance = prev.balance
		a.addrHash, a.addrHashed = prev.addrHash, prev.addrHashed
	}
	if s.spec != nil {
		// The new object's storage is not the base's; the nonce and code are
		// written (to zero) and existence decides what the old ones were.
		a.rec, a.reset = s.spec.recs[addr], true
		a.written(obsExist|obsNonce|obsCode, wNonce|wCode)
	}
	s.accounts[addr] = a
	s.cachedAddr, s.cached = addr, a
	s.journal = append(s.journal, entry{kind: entryCreateAccount, addr: addr, acct: prev})
}

// CreateContract marks the account as created in this transaction (EIP-6780),
// creating it if needed.
func (s *State) CreateContract(addr host.Address) {
	a := s.getOrCreate(addr)
	if !a.newContract {
		a.newContract = true
		s.journal = append(s.journal, entry{kind: entryCreateContract, addr: addr, acct: a})
	}
}

// touch records a zero-value balance change on an empty account: under EIP-161
// that makes it a candidate for deletion at the end of the transaction.
func (s *State) touch(addr host.Address) {
	s.journal = append(s.journal, entry{kind: entryTouch, addr: addr})
	if addr == ripemd {
		s.ripemdTouched = true
	}
}

// AddBalance adds amount to the account's balance, creating the account if
// needed. Adding zero only touches the account (EIP-161).
func (s *State) AddBalance(addr host.Address, amount *uint256.Int) {
	a := s.getOrCreate(addr)
	if amount.IsZero() {
		if s.isEmpty(a) {
			s.touch(addr)
		}
		return
	}
	s.journal = append(s.journal, entry{kind: entryBalance, addr: addr, acct: a, bal: a.balance})
	a.balance.Add(&a.balance, amount)
}

// SubBalance subtracts amount from the account's balance, creating the account if
// needed. The caller checks that the balance suffices; the arithmetic wraps like
// go-ethereum's. Subtracting zero does not touch the account (only adding zero
// does, as in go-ethereum: a transfer touches its recipient, not its sender).
func (s *State) SubBalance(addr host.Address, amount *uint256.Int) {
	a := s.getOrCreate(addr)
	if amount.IsZero() {
		return
	}
	s.journal = append(s.journal, entry{kind: entryBalance, addr: addr, acct: a, bal: a.balance})
	a.balance.Sub(&a.balance, amount)
}

// SetBalance sets the account's balance.
func (s *State) SetBalance(addr host.Address, amount *uint256.Int) {
	a := s.getOrCreate(addr)
	a.written(obsBalance, wBalance)
	s.journal = append(s.journal, entry{kind: entryBalance, addr: addr, acct: a, bal: a.balance})
	a.balance = *amount
}

// SetNonce sets the account's nonce.
func (s *State) SetNonce(addr host.Address, nonce uint64) {
	a := s.getOrCreate(addr)
	a.written(obsNonce, wNonce)
	s.journal = append(s.journal, entry{kind: entryNonce, addr: addr, acct: a, u64: a.nonce})
	a.nonce = nonce
}

// SetCode sets the account's code. The state keeps its own copy: engines may hand
// over slices of memory they reuse.
func (s *State) SetCode(addr host.Address, code []byte) {
	a := s.getOrCreate(addr)
	a.written(obsCode, wCode)
	s.journal = append(s.journal, entry{kind: entryCode, addr: addr, acct: a, code: a.code, key: a.codeHash})
	if len(code) == 0 {
		a.code = nil
	} else {
		a.code = append([]byte(nil), code...)
	}
	a.codeHash = codeHashOf(a.code)
}

// SetState sets a storage slot. Overwriting an existing slot does not allocate.
func (s *State) SetState(addr host.Address, key, value host.Hash) {
	a := s.getOrCreate(addr)
	if a.rec != nil {
		s.slotOf(addr, a, key) // a view loads the slot (writing observes it)
		if a.rec.wslots == nil {
			a.rec.wslots = make(map[host.Hash]struct{})
		}
		a.rec.wslots[key] = struct{}{}
	}
	if a.storage == nil {
		a.storage = make(map[host.Hash]slot)
	}
	sl, existed := a.storage[key]
	if existed && sl.cur == value {
		return
	}
	if !existed && value == (host.Hash{}) {
		return // zero over a missing (zero) slot changes nothing
	}
	s.journal = append(s.journal, entry{kind: entryStorage, addr: addr, acct: a, key: key, prev: sl.cur, flag: existed})
	sl.cur = value
	a.storage[key] = sl
	a.storageChanged(key)
}

// SetTransientState sets a transient storage slot (EIP-1153).
func (s *State) SetTransientState(addr host.Address, key, value host.Hash) {
	k := slotKey{addr, key}
	prev := s.transient[k]
	if prev == value {
		return
	}
	s.journal = append(s.journal, entry{kind: entryTransient, addr: addr, key: key, prev: prev})
	if value == (host.Hash{}) {
		delete(s.transient, k)
	} else {
		s.transient[k] = value
	}
}

// SelfDestruct marks the account for deletion at the end of the transaction and
// zeroes its balance. A missing account is left alone.
func (s *State) SelfDestruct(addr host.Address) {
	a := s.get(addr)
	if a == nil {
		s.observe(addr, nil, obsExist)
		return
	}
	a.written(obsBalance, wBalance)
	s.journal = append(s.journal, entry{kind: entrySelfDestruct, addr: addr, acct: a, flag: a.selfDestructed, bal: a.balance})
	a.selfDestructed = true
	a.balance.Clear()
}

// AddRefund adds gas to the refund counter.
func (s *State) AddRefund(gas uint64) {
	s.journal = append(s.journal, entry{kind: entryRefund, u64: s.refund})
	s.refund += gas
}

// SubRefund removes gas from the refund counter. Going below zero is a broken
// invariant of the engine's SSTORE accounting.
func (s *State) SubRefund(gas uint64) {
	if gas > s.refund {
		panic("BUG: state: refund counter below zero")
	}
	s.journal = append(s.journal, entry{kind: entryRefund, u64: s.refund})
	s.refund -= gas
}

// AddAddressToAccessList warms the address (EIP-2929).
func (s *State) AddAddressToAccessList(addr host.Address) {
	if _, ok := s.accessAddrs[addr]; ok || s.warmPrecompile(addr) {
		return
	}
	s.accessAddrs[addr] = struct{}{}
	s.journal = append(s.journal, entry{kind: entryAccessAddr, addr: addr})
}

// AddSlotToAccessList warms the address and the slot (EIP-2929).
func (s *State) AddSlotToAccessList(addr host.Address, key host.Hash) {
	s.AddAddressToAccessList(addr)
	k := slotKey{addr, key}
	if _, ok := s.accessSlots[k]; ok {
		return
	}
	s.accessSlots[k] = struct{}{}
	s.journal = append(s.journal, entry{kind: entryAccessSlot, addr: addr, key: key})
}

// AddLog records a log of the current transaction.
func (s *State) AddLog(l *host.Log) {
	s.logs = append(s.logs, l)
	s.journal = append(s.journal, entry{kind: entryLog})
}
