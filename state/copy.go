package state

import (
	"maps"

	"github.com/hybridvm/hybridvm/host"
)

// Copy returns a deep, independent copy of the state, including the current
// transaction's journal, logs, access list, refund and transient storage:
// snapshots taken on s before the copy can be reverted to on the copy.
//
// Code slices are shared: the state never modifies code in place. Logs are
// shared too (they are immutable once added).
func (s *State) Copy() *State {
	s.finishRoot() // a pending BeginRoot job has tries and storage roots
	c := &State{
		accounts:      make(map[host.Address]*account, len(s.accounts)),
		refund:        s.refund,
		accessAddrs:   maps.Clone(s.accessAddrs),
		accessSlots:   maps.Clone(s.accessSlots),
		transient:     maps.Clone(s.transient),
		ripemdTouched: s.ripemdTouched,
		warmPre:       s.warmPre,
		warmPreLow:    s.warmPreLow,
		// The account trie is not shared: the copy rebuilds its own if needed.
	}
	if c.accessAddrs == nil {
		c.accessAddrs = make(map[host.Address]struct{})
	}
	if c.accessSlots == nil {
		c.accessSlots = make(map[slotKey]struct{})
	}
	if c.transient == nil {
		c.transient = make(map[slotKey]host.Hash)
	}
	if len(s.logs) > 0 {
		c.logs = append([]*host.Log(nil), s.logs...)
	}
	// Journal entries point at account objects, some of which may have been
	// replaced by CreateAccount and no longer be in the map: copy every object
	// once and remap the pointers.
	var remap map[*account]*account
	if len(s.journal) > 0 {
		remap = make(map[*account]*account)
	}
	for addr, a := range s.accounts {
		ca := a.clone()
		c.accounts[addr] = ca
		if remap != nil {
			remap[a] = ca
		}
	}
	if len(s.journal) > 0 {
		c.journal = make([]entry, len(s.journal))
		copy(c.journal, s.journal)
		for i := range c.journal {
			e := &c.journal[i]
			if e.acct == nil {
				continue
			}
			ca, ok := remap[e.acct]
			if !ok {
				ca = e.acct.clone()
				remap[e.acct] = ca
			}
			e.acct = ca
		}
	}
	return c
}

func (a *account) clone() *account {
	c := *a
	if a.storage != nil {
		c.storage = maps.Clone(a.storage)
	}
	// Tries are not shared: the copy rebuilds its own if it needs one.
	c.stTrie, c.dirtyKeys = nil, nil
	return &c
}
