package state

import (
	"encoding/binary"
	"slices"

	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/trie"
	"github.com/holiman/uint256"

	"github.com/hybridvm/hybridvm/host"
)

// EmptyCodeHash is keccak256 of empty code: the code hash of every existing
// account without code.
var EmptyCodeHash = types.EmptyCodeHash

// ripemd is the RIPEMD-160 precompile. go-ethereum keeps it in the set of touched
// accounts even when the touch is reverted: a historical mainnet consensus quirk
// (block 1714175) that EIP-161 deletion must reproduce.
var ripemd = host.Address{19: 3}

// slot is one storage slot: its current value and its value at the start of the
// transaction (the EIP-2200 "original value"). A slot written to zero stays in the
// map until the transaction ends, so its original value is not lost.
type slot struct {
	cur, orig host.Hash
}

// account is one account object. A CreateAccount over an existing account
// replaces the object (the journal keeps the old one), so nothing in here needs to
// be journaled field by field except the scalar fields below.
type account struct {
	balance  uint256.Int
	nonce    uint64
	code     []byte
	codeHash host.Hash
	storage  map[host.Hash]slot

	selfDestructed bool
	newContract    bool // created in the current transaction (EIP-6780)

	// Caches for Root: the keccak of the address and the storage root. The
	// storage root is valid while rootValid is set; every storage write and
	// every revert of one clears it.
	addrHash    host.Hash
	addrHashed  bool
	storageRoot host.Hash
	rootValid   bool
	// Incremental storage root (see root.go): once the storage root has been
	// needed twice, stTrie holds the storage trie and dirtyKeys the slots
	// written since it was last brought up to date.
	rootComputed bool
	stTrie       *trie.Trie
	dirtyKeys    []host.Hash
	// While a BeginRoot job has the storage trie (rootasync.go): rootBusy,
	// and dropTrie when the writes since outgrew it (not taken back).
	rootBusy, dropTrie bool

	// In a view (spec.go): the record of the base's account, and whether
	// CreateAccount replaced the object (its storage is then not the base's).
	rec   *rec
	reset bool
	// gone: a base's object Apply removed from the base's map (deleted or
	// replaced), which views that loaded it must no longer take for the base's.
	gone bool
}

func newAccount() *account {
	return &account{codeHash: EmptyCodeHash}
}

// empty is EIP-161 emptiness: no code, zero nonce, zero balance.
func (a *account) empty() bool {
	return a.nonce == 0 && a.balance.IsZero() && len(a.code) == 0
}

// slotKey addresses a storage slot of an account in the access list and in
// transient storage.
type slotKey struct {
	addr host.Address
	key  host.Hash
}

// State is the embedded journaled world state. The zero value is not usable; call
// New.
type State struct {
	accounts map[host.Address]*account
	journal  []entry

	// Transaction-scoped data, reset by BeginTx.
	logs          []*host.Log
	refund        uint64
	accessAddrs   map[host.Address]struct{}
	accessSlots   map[slotKey]struct{}
	transient     map[slotKey]host.Hash
	ripemdTouched bool
	// warmPre lists the precompiles, warm for the whole transaction without
	// being in accessAddrs (WarmPrecompiles).
	warmPre    []host.Address
	warmPreLow bool // every warmPre address is a small number

	// A one-entry cache of the last account looked up: engines touch the same
	// account (the executing contract) many times in a row. cached is nil when
	// empty; any change to the accounts map clears or updates it.
	cachedAddr host.Address
	cached     *account

	// Incremental state root (see root.go): after the second Root, accTrie holds
	// the account trie and dirty the accounts changed since it was last brought
	// up to date.
	roots   int
	accTrie *trie.Trie
	dirty   []host.Address
	rootJob *rootJob // a root being computed by BeginRoot (rootasync.go)

	// spec is set in a view of a Base (spec.go): accounts and slots missing
	// here are loaded from the base, and reads are recorded.
	spec *spec
}

var _ host.StateDB = (*State)(nil)

// New returns an empty state.
func New() *State {
	return &State{
		accounts:    make(map[host.Address]*account),
		accessAddrs: make(map[host.Address]struct{}),
		accessSlots: make(map[slotKey]struct{}),
		transient:   make(map[slotKey]host.Hash),
	}
}

// get returns the account, or nil when it does not exist.
func (s *State) get(addr host.Address) *account {
	if s.cached != nil && s.cachedAddr == addr {
		return s.cached
	}
	a := s.accounts[addr]
	if a == nil && s.spec != nil {
		if _, loaded := s.spec.recs[addr]; loaded {
			return nil
		}
		if _, a = s.spec.load(addr); a != nil {
			s.accounts[addr] = a
		}
	}
	if a != nil {
		s.cachedAddr, s.cached = addr, a
	}
	return a
}

// zero is returned by GetBalance for accounts that do not exist; callers must not
// modify it (see GetBalance).
var zero uint256.Int

// Exist reports whether the account exists, including one self-destructed in the
// current transaction.
func (s *State) Exist(addr host.Address) bool {
	a := s.get(addr)
	s.observe(addr, a, obsExist)
	return a != nil
}

// Empty reports whether the account is empty per EIP-161 (no code, zero nonce,
// zero balance) or does not exist.
func (s *State) Empty(addr host.Address) bool {
	a := s.get(addr)
	s.observe(addr, a, obsExist|obsBalance|obsNonce|obsCode)
	return a == nil || a.empty()
}

// GetBalance returns the account's balance. The value is owned by the state:
// callers must not modify it, and it is valid only until the account's balance
// next changes (copy it to keep it). Returning it without a copy keeps BALANCE
// free of allocation.
func (s *State) GetBalance(addr host.Address) *uint256.Int {
	a := s.get(addr)
	s.observe(addr, a, obsBalance)
	if a != nil {
		return &a.balance
	}
	return &zero
}

// GetNonce returns the account's nonce (zero if it does not exist).
func (s *State) GetNonce(addr host.Address) uint64 {
	a := s.get(addr)
	s.observe(addr, a, obsNonce)
	if a != nil {
		return a.nonce
	}
	return 0
}

// GetCode returns the account's code; callers must not modify the slice.
func (s *State) GetCode(addr host.Address) []byte {
	a := s.get(addr)
	s.observe(addr, a, obsCode)
	if a != nil {
		return a.code
	}
	return nil
}

// GetCodeHash returns keccak256 of the account's code, EmptyCodeHash for an
// existing account without code, and the zero hash for an account that does not
// exist (the EXTCODEHASH rule of EIP-1052).
func (s *State) GetCodeHash(addr host.Address) host.Hash {
	a := s.get(addr)
	s.observe(addr, a, obsCode)
	if a != nil {
		return a.codeHash
	}
	return host.Hash{}
}

// GetCodeSize returns the length of the account's code.
func (s *State) GetCodeSize(addr host.Address) int {
	a := s.get(addr)
	s.observe(addr, a, obsCode)
	if a != nil {
		return len(a.code)
	}
	return 0
}

// GetState returns the current value of a storage slot.
func (s *State) GetState(addr host.Address, key host.Hash) host.Hash {
	if a := s.get(addr); a != nil {
		return s.slotOf(addr, a, key).cur
	} else if s.spec != nil {
		s.absentSlot(addr, key)
	}
	return host.Hash{}
}

// GetCommittedState returns the value the slot had when the transaction began.
func (s *State) GetCommittedState(addr host.Address, key host.Hash) host.Hash {
	if a := s.get(addr); a != nil {
		return s.slotOf(addr, a, key).orig
	} else if s.spec != nil {
		s.absentSlot(addr, key)
	}
	return host.Hash{}
}

// GetStorageOrig returns both the current and the transaction-start value of a
// slot with one lookup (what SSTORE's EIP-2200 gas rules need).
func (s *State) GetStorageOrig(addr host.Address, key host.Hash) (current, original host.Hash) {
	if a := s.get(addr); a != nil {
		sl := s.slotOf(addr, a, key)
		return sl.cur, sl.orig
	} else if s.spec != nil {
		s.absentSlot(addr, key)
	}
	return host.Hash{}, host.Hash{}
}

// HasStorage reports whether the account has any non-zero storage, now or at the
// start of the transaction. A CREATE to such an address is a collision
// (EIP-7610).
func (s *State) HasStorage(addr host.Address) bool {
	a := s.get(addr)
	if a == nil {
		if s.spec != nil {
			r := s.recOf(addr)
			r.obs |= obsHasStorage // the base has no account, so no storage
		}
		return false
	}
	if hasStorage(a) {
		return true
	}
	return a.rec != nil && !a.reset && s.baseHasStorage(addr, a.rec)
}

// HasSelfDestructed reports whether the account was self-destructed in the
// current transaction.
func (s *State) HasSelfDestructed(addr host.Address) bool {
	a := s.get(addr)
	return a != nil && a.selfDestructed
}

// IsNewContract reports whether the account was created as a contract in the
// current transaction (EIP-6780).
func (s *State) IsNewContract(addr host.Address) bool {
	a := s.get(addr)
	return a != nil && a.newContract
}

// GetTransientState returns a transient storage slot (EIP-1153).
func (s *State) GetTransientState(addr host.Address, key host.Hash) host.Hash {
	return s.transient[slotKey{addr, key}]
}

// GetRefund returns the refund counter.
func (s *State) GetRefund() uint64 { return s.refund }

// AddressInAccessList reports whether the address is warm (EIP-2929).
func (s *State) AddressInAccessList(addr host.Address) bool {
	_, ok := s.accessAddrs[addr]
	return ok || s.warmPrecompile(addr)
}

// SlotInAccessList reports whether the address and the slot are warm.
func (s *State) SlotInAccessList(addr host.Address, key host.Hash) (addressOK, slotOK bool) {
	_, addressOK = s.accessAddrs[addr]
	_, slotOK = s.accessSlots[slotKey{addr, key}]
	return addressOK || s.warmPrecompile(addr), slotOK
}

// WarmPrecompiles makes the addresses warm until the next BeginTx, as if each
// were added to the access list and never reverted (runtime.PrecompileWarmer).
// The slice is kept, not copied: the caller must not change it.
func (s *State) WarmPrecompiles(addrs []host.Address) {
	s.warmPre, s.warmPreLow = addrs, true
	for i := range addrs {
		if highBits(&addrs[i]) != 0 {
			s.warmPreLow = false
		}
	}
}

// highBits is non-zero unless the address is a small number (every precompile's is).
func highBits(a *host.Address) uint64 {
	return binary.LittleEndian.Uint64(a[0:8]) | binary.LittleEndian.Uint64(a[8:16])
}

// warmPrecompile reports whether addr is one of the WarmPrecompiles addresses.
// An ordinary address is told apart from small ones by its first bytes.
func (s *State) warmPrecompile(addr host.Address) bool {
	if len(s.warmPre) == 0 || s.warmPreLow && highBits(&addr) != 0 {
		return false
	}
	return slices.Contains(s.warmPre, addr)
}

// Logs returns the logs of the current (or just finalised) transaction. The
// slice is owned by the state and is reused by the next BeginTx.
func (s *State) Logs() []*host.Log { return s.logs }

// Len returns the number of accounts.
func (s *State) Len() int { return len(s.accounts) }

// Accounts returns the addresses of all accounts, in no particular order.
func (s *State) Accounts() []host.Address {
	out := make([]host.Address, 0, len(s.accounts))
	for addr := range s.accounts {
		out = append(out, addr)
	}
	return out
}

// StorageOf calls fn for every non-zero storage slot of the account, in no
// particular order.
func (s *State) StorageOf(addr host.Address, fn func(key, value host.Hash)) {
	a := s.get(addr)
	if a == nil {
		return
	}
	for k, sl := range a.storage {
		if sl.cur != (host.Hash{}) {
			fn(k, sl.cur)
		}
	}
}

func codeHashOf(code []byte) host.Hash {
	if len(code) == 0 {
		return EmptyCodeHash
	}
	return crypto.Keccak256Hash(code)
}
