package state

import "github.com/hybridvm/hybridvm/host"

// BeginTx starts a transaction: it clears the logs, the refund counter, the access
// list and transient storage left by the previous one. The maps keep their memory,
// so a steady stream of transactions does not allocate here.
func (s *State) BeginTx() {
	if len(s.journal) != 0 {
		// A transaction that was neither finalised nor discarded: its changes stay
		// (they are already applied) but can no longer be reverted.
		s.resetJournal()
	}
	for i := range s.logs {
		s.logs[i] = nil
	}
	s.logs = s.logs[:0]
	s.refund = 0
	clear(s.accessAddrs)
	clear(s.accessSlots)
	clear(s.transient)
	s.ripemdTouched = false
	s.warmPre = nil
}

// FinaliseTx ends a transaction:
//   - accounts self-destructed in it are deleted;
//   - touched accounts that are empty are deleted (EIP-161; every fork hybridvm
//     supports has it);
//   - the current storage becomes the committed storage (the next transaction's
//     EIP-2200 original values), and slots written to zero are dropped;
//   - the "created in this transaction" marks (EIP-6780) are cleared;
//   - transient storage (EIP-1153) is cleared, and the journal is emptied, so
//     snapshots taken before cannot be reverted to.
//
// The logs stay readable (Logs, LogsHash) until the next BeginTx.
func (s *State) FinaliseTx() {
	// Storage first: it only looks at the objects the journal recorded.
	for i := range s.journal {
		e := &s.journal[i]
		switch e.kind {
		case entryStorage:
			if sl, ok := e.acct.storage[e.key]; ok {
				if sl.cur == (host.Hash{}) {
					delete(e.acct.storage, e.key)
				} else if sl.orig != sl.cur {
					sl.orig = sl.cur
					e.acct.storage[e.key] = sl
				}
			}
		case entryCreateContract:
			e.acct.newContract = false
		}
	}
	s.noteDirtyAccounts()
	for i := range s.journal {
		e := &s.journal[i]
		if !e.touchesAccount() {
			continue
		}
		s.finaliseAccount(e.addr)
	}
	if s.ripemdTouched {
		s.finaliseAccount(ripemd)
	}
	clear(s.transient)
	s.resetJournal()
}

func (s *State) finaliseAccount(addr host.Address) {
	a := s.accounts[addr]
	if a == nil {
		return
	}
	a.newContract = false
	if a.selfDestructed || s.isEmpty(a) {
		if a.rec != nil {
			a.rec.deleted = true
		}
		delete(s.accounts, addr)
		s.cached = nil
	}
}

// DiscardTx undoes everything done since BeginTx (for a transaction found
// invalid after it started changing the state).
func (s *State) DiscardTx() {
	s.RevertToSnapshot(0)
	clear(s.transient)
}

func (s *State) resetJournal() {
	clear(s.journal)
	s.journal = s.journal[:0]
}
