package state

import (
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/trie"
	"github.com/holiman/uint256"

	"github.com/hybridvm/hybridvm/host"
)

// A state root on another goroutine (BeginRoot): block replay hashes block N's
// state while block N+1 executes.
//
// BeginRoot copies, on the caller's goroutine, what the incremental root needs
// of every account changed since the last root (nonce, balance, code hash, the
// written slots' values) and hands the account trie and those accounts' storage
// tries to a job, which owns them until it is done. Meanwhile the state goes on
// changing: writes are noted for the next root as usual (the tries being out
// does not stop the bookkeeping), and nothing in the state touches a trie. The
// job reads only its copies and its tries, so it needs no lock. Whatever needs
// a trie or a storage root back (Root, BeginRoot, StorageRoot, Copy) first waits
// for the job and takes the tries back (finishRoot).

// rootJob is a root being computed by BeginRoot's goroutine.
type rootJob struct {
	done     chan struct{}
	accTrie  *trie.Trie
	accounts []rootAccount
	deleted  []host.Address
	root     host.Hash // the result, once done is closed
	// dropTrie is set (by the state's goroutine) when the changes noted while
	// the job ran outgrew the incremental trie: it is not taken back.
	dropTrie bool
}

// rootAccount is the job's copy of a changed account.
type rootAccount struct {
	a        *account // the object it was copied from: given its tries back
	addr     host.Address
	addrHash host.Hash
	hashed   bool
	nonce    uint64
	balance  uint256.Int
	codeHash host.Hash

	// Storage root: known (root), or computed from the trie and updates, or
	// from all the slots (full: a stack trie, or a new trie when keep is set).
	rootKnown bool
	root      host.Hash
	stTrie    *trie.Trie
	updates   []slotUpdate
	keep      bool // no trie yet but one is wanted (the root is needed a second time)
}

// BeginRoot starts computing the state root of the current state (as Root would
// return it now) and returns a function that waits for it. The state may be
// changed meanwhile. The function may be called more than once; the next
// Root, BeginRoot, StorageRoot or Copy also waits for the job.
//
// A state without an incremental trie yet (its first two roots, or after more
// changes than rebuilding costs) computes the root before BeginRoot returns.
func (s *State) BeginRoot() func() host.Hash {
	s.finishRoot()
	if s.accTrie == nil {
		root := s.Root()
		return func() host.Hash { return root }
	}
	s.noteDirtyAccounts()
	job := &rootJob{done: make(chan struct{}), accTrie: s.accTrie}
	seen := make(map[host.Address]struct{}, len(s.dirty))
	for _, addr := range s.dirty {
		if _, ok := seen[addr]; ok {
			continue
		}
		seen[addr] = struct{}{}
		a := s.accounts[addr]
		if a == nil {
			job.deleted = append(job.deleted, addr)
			continue
		}
		job.accounts = append(job.accounts, s.snapshotAccount(addr, a))
	}
	s.dirty = s.dirty[:0]
	s.accTrie = nil
	s.rootJob = job
	go job.run()
	return func() host.Hash {
		if s.rootJob == job {
			s.finishRoot()
		} else {
			<-job.done
		}
		return job.root
	}
}

// snapshotAccount copies what the root needs of a and hands its storage trie
// to the job. From here until finishRoot, a.rootValid means "storage unchanged
// since the copy".
func (s *State) snapshotAccount(addr host.Address, a *account) rootAccount {
	ra := rootAccount{a: a, addr: addr, addrHash: a.addrHash, hashed: a.addrHashed,
		nonce: a.nonce, balance: a.balance, codeHash: a.codeHash, stTrie: a.stTrie}
	if a.rootValid {
		ra.rootKnown, ra.root = true, a.storageRoot
	} else {
		ra.updates, ra.keep = a.rootUpdates(), a.rootComputed
	}
	a.stTrie, a.dirtyKeys = nil, nil
	a.rootBusy = true
	a.rootValid = true
	return ra
}

// run computes the root from the job's copies and tries.
func (j *rootJob) run() {
	defer close(j.done)
	for _, addr := range j.deleted {
		if err := j.accTrie.Delete(crypto.Keccak256(addr[:])); err != nil {
			panic("BUG: state: in-memory trie delete: " + err.Error())
		}
	}
	for i := range j.accounts {
		ra := &j.accounts[i]
		ra.storageRoot()
		if !ra.hashed {
			ra.addrHash, ra.hashed = crypto.Keccak256Hash(ra.addr[:]), true
		}
		if err := j.accTrie.Update(ra.addrHash[:], encodeAccount(ra.nonce, &ra.balance, ra.root, ra.codeHash)); err != nil {
			panic("BUG: state: in-memory trie update: " + err.Error())
		}
	}
	j.root = j.accTrie.Hash()
}

// storageRoot computes ra.root as State.storageRoot would have.
func (ra *rootAccount) storageRoot() {
	if !ra.rootKnown {
		ra.root, ra.stTrie = hashStorage(ra.stTrie, ra.keep, ra.updates)
	}
}

// finishRoot waits for a pending BeginRoot job and takes its results and tries
// back. It is a no-op without one.
func (s *State) finishRoot() {
	job := s.rootJob
	if job == nil {
		return
	}
	<-job.done
	s.rootJob = nil
	if !job.dropTrie {
		s.accTrie = job.accTrie
	} else {
		s.dirty = s.dirty[:0] // rebuilt from scratch at the next root
	}
	for i := range job.accounts {
		ra := &job.accounts[i]
		a := ra.a
		a.addrHash, a.addrHashed = ra.addrHash, true
		a.rootBusy = false
		a.rootComputed = true
		if a.rootValid { // no storage write since the copy
			a.storageRoot = ra.root
		}
		switch {
		case a.dropTrie:
			a.dropTrie = false
			a.stTrie, a.dirtyKeys = nil, nil
		case ra.stTrie != nil:
			a.stTrie = ra.stTrie // dirtyKeys: the writes since the copy
		default:
			a.dirtyKeys = nil
		}
	}
}

// tracksDirty reports whether changes must be noted for an incremental root:
// there is an account trie, or a BeginRoot job has it.
func (s *State) tracksDirty() bool { return s.accTrie != nil || s.rootJob != nil }

// dropIncremental gives up the incremental account trie (rebuilt at the next root).
func (s *State) dropIncremental() {
	s.accTrie, s.dirty = nil, nil
	if s.rootJob != nil {
		s.rootJob.dropTrie = true
	}
}
