package state

import (
	"bytes"
	"fmt"
	"math/rand"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/holiman/uint256"

	"github.com/hybridvm/hybridvm/host"
)

// dump renders everything observable about a state, canonically ordered, so two
// states can be compared with ==.
func dump(s *State) string {
	var b strings.Builder
	addrs := s.Accounts()
	slices.SortFunc(addrs, func(x, y host.Address) int { return bytes.Compare(x[:], y[:]) })
	for _, addr := range addrs {
		a := s.accounts[addr]
		fmt.Fprintf(&b, "%x bal=%s nonce=%d code=%x hash=%x sd=%v new=%v\n", addr, a.balance.Dec(), a.nonce, a.code, a.codeHash, a.selfDestructed, a.newContract)
		keys := make([]string, 0, len(a.storage))
		for k, sl := range a.storage {
			keys = append(keys, fmt.Sprintf("  %x cur=%x orig=%x\n", k, sl.cur, sl.orig))
		}
		sort.Strings(keys)
		b.WriteString(strings.Join(keys, ""))
	}
	// ripemdTouched is left out on purpose: it survives reverts (see ripemd).
	fmt.Fprintf(&b, "refund=%d logs=%d\n", s.refund, len(s.logs))
	for _, l := range s.logs {
		fmt.Fprintf(&b, "log %x %x %x\n", l.Address, l.Topics, l.Data)
	}
	var al []string
	for a := range s.accessAddrs {
		al = append(al, fmt.Sprintf("warm %x\n", a))
	}
	for k := range s.accessSlots {
		al = append(al, fmt.Sprintf("warm %x %x\n", k.addr, k.key))
	}
	for k, v := range s.transient {
		al = append(al, fmt.Sprintf("transient %x %x = %x\n", k.addr, k.key, v))
	}
	sort.Strings(al)
	b.WriteString(strings.Join(al, ""))
	return b.String()
}

// randomOps applies random mutations drawn from a small address and key space,
// so that operations collide on the same accounts and slots.
type randomOps struct {
	r     *rand.Rand
	addrs []host.Address
	keys  []host.Hash
}

func newRandomOps(seed int64, nAddrs, nKeys int) *randomOps {
	r := rand.New(rand.NewSource(seed))
	o := &randomOps{r: r}
	for i := 0; i < nAddrs; i++ {
		var a host.Address
		r.Read(a[:])
		o.addrs = append(o.addrs, a)
	}
	o.addrs = append(o.addrs, ripemd)
	for i := 0; i < nKeys; i++ {
		var k host.Hash
		k[31] = byte(i)
		if i%2 == 1 {
			r.Read(k[:])
		}
		o.keys = append(o.keys, k)
	}
	return o
}

func (o *randomOps) addr() host.Address { return o.addrs[o.r.Intn(len(o.addrs))] }
func (o *randomOps) key() host.Hash     { return o.keys[o.r.Intn(len(o.keys))] }
func (o *randomOps) word() host.Hash {
	var v host.Hash
	switch o.r.Intn(3) {
	case 0: // zero
	case 1:
		v[31] = byte(o.r.Intn(4))
	default:
		o.r.Read(v[:])
	}
	return v
}
func (o *randomOps) amount() *uint256.Int {
	if o.r.Intn(3) == 0 {
		return new(uint256.Int)
	}
	return uint256.NewInt(uint64(o.r.Intn(1000)))
}

// apply performs one random mutation and returns its description.
func (o *randomOps) apply(s *State) string {
	a := o.addr()
	switch o.r.Intn(16) {
	case 0:
		amt := o.amount()
		s.AddBalance(a, amt)
		return fmt.Sprintf("AddBalance(%x, %s)", a[:2], amt.Dec())
	case 1:
		amt := o.amount()
		if s.GetBalance(a).Cmp(amt) < 0 {
			amt = new(uint256.Int)
		}
		s.SubBalance(a, amt)
		return fmt.Sprintf("SubBalance(%x, %s)", a[:2], amt.Dec())
	case 2:
		n := uint64(o.r.Intn(3))
		s.SetNonce(a, n)
		return fmt.Sprintf("SetNonce(%x, %d)", a[:2], n)
	case 3:
		var code []byte
		if o.r.Intn(2) == 0 {
			code = []byte{byte(o.r.Intn(256)), 0x00}
		}
		s.SetCode(a, code)
		return fmt.Sprintf("SetCode(%x, %x)", a[:2], code)
	case 4, 5, 6:
		k, v := o.key(), o.word()
		s.SetState(a, k, v)
		return fmt.Sprintf("SetState(%x, %x, %x)", a[:2], k[:2], v[:2])
	case 7:
		k, v := o.key(), o.word()
		s.SetTransientState(a, k, v)
		return fmt.Sprintf("SetTransientState(%x, %x, %x)", a[:2], k[:2], v[:2])
	case 8:
		if !s.Exist(a) {
			s.CreateAccount(a)
			return fmt.Sprintf("CreateAccount(%x)", a[:2])
		}
		s.CreateContract(a)
		return fmt.Sprintf("CreateContract(%x)", a[:2])
	case 9:
		s.SelfDestruct(a)
		return fmt.Sprintf("SelfDestruct(%x)", a[:2])
	case 10:
		g := uint64(o.r.Intn(100))
		s.AddRefund(g)
		return fmt.Sprintf("AddRefund(%d)", g)
	case 11:
		g := uint64(o.r.Intn(100))
		if g > s.GetRefund() {
			g = s.GetRefund()
		}
		s.SubRefund(g)
		return fmt.Sprintf("SubRefund(%d)", g)
	case 12:
		s.AddAddressToAccessList(a)
		return fmt.Sprintf("AddAddressToAccessList(%x)", a[:2])
	case 13:
		k := o.key()
		s.AddSlotToAccessList(a, k)
		return fmt.Sprintf("AddSlotToAccessList(%x, %x)", a[:2], k[:2])
	case 14:
		s.AddLog(&host.Log{Address: a, Topics: []host.Hash{o.key()}, Data: []byte{byte(o.r.Intn(256))}})
		return fmt.Sprintf("AddLog(%x)", a[:2])
	default:
		s.CreateAccount(a)
		return fmt.Sprintf("CreateAccount!(%x)", a[:2])
	}
}

// TestSnapshotRevertExact applies random mutations with nested snapshots and
// checks that every revert restores exactly the state seen when the snapshot was
// taken (compared through a deep copy made at that moment).
func TestSnapshotRevertExact(t *testing.T) {
	for seed := int64(1); seed <= 40; seed++ {
		o := newRandomOps(seed, 4, 4)
		s := New()
		s.BeginTx()
		type snap struct {
			id   int
			want string
		}
		var stack []snap
		var history []string
		for step := 0; step < 400; step++ {
			switch x := o.r.Intn(10); {
			case x == 0:
				stack = append(stack, snap{s.Snapshot(), dump(s.Copy())})
				history = append(history, "Snapshot")
			case x == 1 && len(stack) > 0:
				i := o.r.Intn(len(stack))
				s.RevertToSnapshot(stack[i].id)
				history = append(history, fmt.Sprintf("Revert(%d)", stack[i].id))
				if got := dump(s); got != stack[i].want {
					t.Fatalf("seed %d step %d: revert to snapshot %d did not restore the state\nops: %s\ngot:\n%s\nwant:\n%s",
						seed, step, stack[i].id, strings.Join(history, " "), got, stack[i].want)
				}
				stack = stack[:i]
			case x == 2 && o.r.Intn(8) == 0:
				s.FinaliseTx()
				s.BeginTx()
				stack = stack[:0]
				history = append(history, "FinaliseTx")
			default:
				history = append(history, o.apply(s))
			}
		}
	}
}

// TestTransactionBoundaries checks what FinaliseTx keeps and drops.
func TestTransactionBoundaries(t *testing.T) {
	a := host.Address{1}
	ki, v1, v2 := host.Hash{31: 1}, host.Hash{31: 0x11}, host.Hash{31: 0x22}
	one := uint256.NewInt(1)
	tests := []struct {
		name  string
		setup func(s *State) // runs in a transaction that is finalised
		tx    func(s *State) // runs in the next transaction
		check func(t *testing.T, s *State)
	}{
		{
			name:  "original value is the value at the start of the transaction (EIP-2200)",
			setup: func(s *State) { s.SetState(a, ki, v1); s.SetNonce(a, 1) },
			tx: func(s *State) {
				s.SetState(a, ki, v2)
				if got := s.GetCommittedState(a, ki); got != v1 {
					t.Errorf("committed = %x, want %x", got, v1)
				}
				if got := s.GetState(a, ki); got != v2 {
					t.Errorf("current = %x, want %x", got, v2)
				}
			},
			check: func(t *testing.T, s *State) {
				if got := s.GetCommittedState(a, ki); got != v2 {
					t.Errorf("committed after the tx = %x, want %x", got, v2)
				}
			},
		},
		{
			name:  "slot written to zero keeps its original value until the transaction ends",
			setup: func(s *State) { s.SetState(a, ki, v1); s.AddBalance(a, one) },
			tx: func(s *State) {
				s.SetState(a, ki, host.Hash{})
				if got := s.GetCommittedState(a, ki); got != v1 {
					t.Errorf("committed during tx = %x, want %x", got, v1)
				}
			},
			check: func(t *testing.T, s *State) {
				if got := s.GetCommittedState(a, ki); got != (host.Hash{}) {
					t.Errorf("committed after tx = %x, want 0", got)
				}
				if len(s.accounts[a].storage) != 0 {
					t.Errorf("zero slot not dropped: %v", s.accounts[a].storage)
				}
			},
		},
		{
			name:  "touched empty account is deleted (EIP-161)",
			setup: func(s *State) { s.SetNonce(a, 0) },
			tx:    func(s *State) { s.AddBalance(a, new(uint256.Int)) },
			check: func(t *testing.T, s *State) {
				if s.Exist(a) {
					t.Error("empty touched account still exists")
				}
			},
		},
		{
			name: "untouched empty account survives (pre-state accounts stay)",
			setup: func(s *State) {
				s.accounts[a] = newAccount() // as loaded from an alloc
			},
			tx: func(s *State) { _ = s.GetBalance(a) },
			check: func(t *testing.T, s *State) {
				if !s.Exist(a) {
					t.Error("untouched empty account was deleted")
				}
			},
		},
		{
			name:  "reverted touch does not delete",
			setup: func(s *State) { s.accounts[a] = newAccount() },
			tx: func(s *State) {
				id := s.Snapshot()
				s.AddBalance(a, new(uint256.Int))
				s.RevertToSnapshot(id)
			},
			check: func(t *testing.T, s *State) {
				if !s.Exist(a) {
					t.Error("account deleted by a reverted touch")
				}
			},
		},
		{
			name:  "reverted touch of RIPEMD-160 still deletes it (mainnet quirk kept by go-ethereum)",
			setup: func(s *State) { s.accounts[ripemd] = newAccount() },
			tx: func(s *State) {
				id := s.Snapshot()
				s.AddBalance(ripemd, new(uint256.Int))
				s.RevertToSnapshot(id)
			},
			check: func(t *testing.T, s *State) {
				if s.Exist(ripemd) {
					t.Error("RIPEMD-160 survived its reverted touch")
				}
			},
		},
		{
			name:  "self-destructed account is deleted with its storage",
			setup: func(s *State) { s.SetState(a, ki, v1); s.AddBalance(a, one); s.SetNonce(a, 1) },
			tx: func(s *State) {
				s.SelfDestruct(a)
				if !s.Exist(a) || !s.HasSelfDestructed(a) || !s.GetBalance(a).IsZero() {
					t.Error("self-destructed account must exist, be marked and have zero balance until the tx ends")
				}
			},
			check: func(t *testing.T, s *State) {
				if s.Exist(a) || s.GetState(a, ki) != (host.Hash{}) {
					t.Error("self-destructed account survived")
				}
			},
		},
		{
			name:  "created-in-this-transaction mark lasts one transaction (EIP-6780)",
			setup: func(s *State) { s.CreateContract(a); s.SetNonce(a, 1) },
			tx: func(s *State) {
				if s.IsNewContract(a) {
					t.Error("still new in the next transaction")
				}
			},
			check: func(t *testing.T, s *State) {},
		},
		{
			name: "transient storage, logs, refund and access list are per transaction",
			setup: func(s *State) {
				s.SetTransientState(a, ki, v1)
				s.AddRefund(5)
				s.AddAddressToAccessList(a)
				s.AddLog(&host.Log{})
			},
			tx: func(s *State) {
				if s.GetTransientState(a, ki) != (host.Hash{}) || s.GetRefund() != 0 || s.AddressInAccessList(a) || len(s.Logs()) != 0 {
					t.Error("transaction-scoped data leaked into the next transaction")
				}
			},
			check: func(t *testing.T, s *State) {},
		},
		{
			name:  "CreateAccount over an existing account keeps only the balance; revert restores it",
			setup: func(s *State) { s.SetState(a, ki, v1); s.AddBalance(a, one); s.SetNonce(a, 7) },
			tx: func(s *State) {
				id := s.Snapshot()
				s.CreateAccount(a)
				if s.GetNonce(a) != 0 || s.GetState(a, ki) != (host.Hash{}) || !s.GetBalance(a).Eq(one) {
					t.Error("CreateAccount did not reset the account keeping its balance")
				}
				s.RevertToSnapshot(id)
				if s.GetNonce(a) != 7 || s.GetState(a, ki) != v1 {
					t.Error("revert of CreateAccount did not restore the old account")
				}
			},
			check: func(t *testing.T, s *State) {},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := New()
			s.BeginTx()
			tc.setup(s)
			s.FinaliseTx()
			s.BeginTx()
			tc.tx(s)
			s.FinaliseTx()
			tc.check(t, s)
		})
	}
}

func TestCodeHashRules(t *testing.T) {
	s := New()
	a, b := host.Address{1}, host.Address{2}
	s.AddBalance(a, uint256.NewInt(1))
	if got := s.GetCodeHash(b); got != (host.Hash{}) {
		t.Errorf("missing account code hash = %x, want zero (EIP-1052)", got)
	}
	if got := s.GetCodeHash(a); got != EmptyCodeHash {
		t.Errorf("codeless account code hash = %x, want keccak of empty", got)
	}
	code := []byte{0x60, 0x00}
	s.SetCode(a, code)
	code[0] = 0xff // the state must have copied it
	if got := s.GetCode(a); got[0] != 0x60 || s.GetCodeSize(a) != 2 || s.GetCodeHash(a) != codeHashOf([]byte{0x60, 0}) {
		t.Errorf("SetCode did not keep its own copy: %x", got)
	}
}

// TestCopyIndependent checks that a copy taken mid-transaction is a deep copy whose
// journal still works.
func TestCopyIndependent(t *testing.T) {
	a := host.Address{1}
	k := host.Hash{31: 1}
	s := New()
	s.BeginTx()
	s.SetState(a, k, host.Hash{31: 1})
	id := s.Snapshot()
	s.CreateAccount(a) // replaces the object: the journal holds the old one
	s.SetState(a, k, host.Hash{31: 2})
	c := s.Copy()
	s.SetState(a, k, host.Hash{31: 3})
	if got := c.GetState(a, k); got != (host.Hash{31: 2}) {
		t.Fatalf("copy sees the original's later write: %x", got)
	}
	c.RevertToSnapshot(id)
	if got := c.GetState(a, k); got != (host.Hash{31: 1}) {
		t.Fatalf("revert on the copy: slot = %x, want 1", got)
	}
	if got := s.GetState(a, k); got != (host.Hash{31: 3}) {
		t.Fatalf("revert on the copy changed the original: %x", got)
	}
}

// TestHotPathsDoNotAllocate: SLOAD/SSTORE of an existing slot, balance changes and
// warm checks must not allocate once the journal has grown.
func TestHotPathsDoNotAllocate(t *testing.T) {
	s := New()
	a := host.Address{1}
	k := host.Hash{31: 1}
	s.SetState(a, k, host.Hash{31: 1})
	s.SetNonce(a, 1)
	s.FinaliseTx()
	s.BeginTx()
	s.AddAddressToAccessList(a)
	s.AddSlotToAccessList(a, k)
	base := s.Snapshot()
	for i := 0; i < 64; i++ { // grow the journal's backing array
		s.AddRefund(1)
	}
	s.RevertToSnapshot(base)
	one := uint256.NewInt(1)
	v := host.Hash{31: 2}
	allocs := testing.AllocsPerRun(200, func() {
		id := s.Snapshot()
		_ = s.GetState(a, k)
		_ = s.GetCommittedState(a, k)
		s.SetState(a, k, v)
		s.AddBalance(a, one)
		_, _ = s.SlotInAccessList(a, k)
		_ = s.GetBalance(a)
		s.RevertToSnapshot(id)
	})
	if allocs != 0 {
		t.Fatalf("hot path allocates %.1f times per iteration, want 0", allocs)
	}
}

// TestWarmPrecompiles: precompiles made warm by WarmPrecompiles are warm for
// the whole transaction (a revert does not cool them, as go-ethereum's Prepare
// entries), in a copy too, and cold again after the next BeginTx; an ordinary
// address is unaffected, also when the list holds a non-small address.
func TestWarmPrecompiles(t *testing.T) {
	pre := []host.Address{{19: 1}, {19: 2}, {18: 1, 19: 0}}
	other := host.Address{0: 1, 19: 1}
	s := New()
	s.BeginTx()
	snap := s.Snapshot()
	s.WarmPrecompiles(pre)
	s.AddAddressToAccessList(pre[0]) // already warm: no journal entry
	s.RevertToSnapshot(snap)
	for _, p := range pre {
		if !s.AddressInAccessList(p) {
			t.Errorf("%x cold after WarmPrecompiles and a revert", p)
		}
		if ok, _ := s.SlotInAccessList(p, host.Hash{}); !ok {
			t.Errorf("%x: SlotInAccessList says the address is cold", p)
		}
		if !s.Copy().AddressInAccessList(p) {
			t.Errorf("%x cold in a copy", p)
		}
	}
	if s.AddressInAccessList(other) || s.AddressInAccessList(host.Address{19: 9}) {
		t.Error("an address not in the list is warm")
	}
	s.WarmPrecompiles(append([]host.Address{other}, pre...))
	if !s.AddressInAccessList(other) || s.AddressInAccessList(host.Address{0: 1, 19: 2}) {
		t.Error("a list with a large address: wrong warmth")
	}
	s.FinaliseTx()
	s.BeginTx()
	for _, p := range pre {
		if s.AddressInAccessList(p) {
			t.Errorf("%x still warm in the next transaction", p)
		}
	}
}
