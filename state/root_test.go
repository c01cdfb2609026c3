package state

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand"
	"slices"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	gstate "github.com/ethereum/go-ethereum/core/state"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/params"
	"github.com/ethereum/go-ethereum/rlp"
	"github.com/holiman/uint256"

	"github.com/hybridvm/hybridvm/host"
)

// The reference for every root in this file is go-ethereum's core/state, fed the
// same accounts or the same operations.

func newGeth(t testing.TB) *gstate.StateDB {
	t.Helper()
	g, err := gstate.New(types.EmptyRootHash, gstate.NewDatabaseForTesting())
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// randomAlloc builds a random alloc document and the same accounts in a
// go-ethereum state: empty accounts, storage-only accounts, huge balances and
// nonces, code, and zero-valued slots (which must be ignored) all appear.
func randomAlloc(t testing.TB, r *rand.Rand, n int) ([]byte, *gstate.StateDB) {
	g := newGeth(t)
	alloc := map[string]map[string]any{}
	for i := 0; i < n; i++ {
		var addr common.Address
		r.Read(addr[:])
		acc := map[string]any{}
		var bal uint256.Int
		switch r.Intn(4) {
		case 0:
		case 1:
			bal.SetUint64(r.Uint64())
		default:
			var b [32]byte
			r.Read(b[:r.Intn(33)])
			bal.SetBytes(b[:])
		}
		acc["balance"] = bal.Hex()
		g.SetBalance(addr, &bal, 0)
		nonce := uint64(0)
		if r.Intn(2) == 0 {
			nonce = r.Uint64() >> uint(r.Intn(64))
		}
		acc["nonce"] = fmt.Sprintf("0x%x", nonce)
		g.SetNonce(addr, nonce, 0)
		if r.Intn(2) == 0 {
			code := make([]byte, r.Intn(100))
			r.Read(code)
			acc["code"] = fmt.Sprintf("0x%x", code)
			g.SetCode(addr, code, 0)
		}
		if r.Intn(2) == 0 {
			st := map[string]string{}
			for j := r.Intn(40); j > 0; j-- {
				var k, v common.Hash
				r.Read(k[:r.Intn(33)])
				switch r.Intn(4) {
				case 0: // zero value
				case 1:
					v[31] = byte(r.Intn(256))
				default:
					r.Read(v[r.Intn(32):])
				}
				st[k.Hex()] = v.Hex()
				g.SetState(addr, k, v)
			}
			acc["storage"] = st
		}
		alloc[addr.Hex()] = acc
	}
	data, err := json.Marshal(alloc)
	if err != nil {
		t.Fatal(err)
	}
	return data, g
}

func TestRootMatchesGeth(t *testing.T) {
	if got := New().Root(); got != types.EmptyRootHash {
		t.Fatalf("empty state root = %x, want %x", got, types.EmptyRootHash)
	}
	r := rand.New(rand.NewSource(7))
	for i, n := range []int{1, 2, 3, 16, 17, 100, 500} {
		data, g := randomAlloc(t, r, n)
		s, err := ParseAlloc(data)
		if err != nil {
			t.Fatal(err)
		}
		want := g.IntermediateRoot(params.Rules{}) // no EIP-161 deletion: alloc accounts stay
		if got := s.Root(); got != want {
			t.Errorf("case %d (%d accounts): root %x, go-ethereum %x", i, n, got, want)
		}
		for addr := range s.accounts {
			if got, want := s.StorageRoot(addr), g.GetStorageRoot(addr); got != want {
				t.Errorf("case %d: storage root of %x = %x, go-ethereum %x", i, addr, got, want)
			}
		}
		// A second Root uses the cached storage roots and must agree.
		if got := s.Root(); got != want {
			t.Errorf("case %d: cached root %x, want %x", i, got, want)
		}
	}
}

// TestTransactionsMatchGeth runs the same random operations, with nested
// snapshots and reverts, on this state and on go-ethereum's, transaction after
// transaction, and compares the state root after each one (EIP-161 deletion,
// self-destructs and storage commits included) and reads along the way.
func TestTransactionsMatchGeth(t *testing.T) {
	rules := params.Rules{IsEIP158: true, IsByzantium: true, IsBerlin: true, IsLondon: true, IsMerge: true, IsShanghai: true, IsCancun: true}
	for seed := int64(1); seed <= 300; seed++ {
		r := rand.New(rand.NewSource(seed))
		data, g := randomAlloc(t, r, 6)
		g.IntermediateRoot(params.Rules{})
		s, err := ParseAlloc(data)
		if err != nil {
			t.Fatal(err)
		}
		o := newRandomOps(seed, 0, 5)
		pre := s.Accounts()
		slices.SortFunc(pre, func(x, y host.Address) int { return bytes.Compare(x[:], y[:]) })
		o.addrs = append(o.addrs, pre...)
		for i := 0; i < 3; i++ {
			var a host.Address
			r.Read(a[:])
			o.addrs = append(o.addrs, a)
		}
		for tx := 0; tx < 12; tx++ {
			s.BeginTx()
			var snaps [][2]int
			var log []string
			for step := 0; step < 40; step++ {
				switch x := o.r.Intn(12); {
				case x == 0:
					snaps = append(snaps, [2]int{s.Snapshot(), g.Snapshot()})
				case x == 1 && len(snaps) > 0:
					i := o.r.Intn(len(snaps))
					s.RevertToSnapshot(snaps[i][0])
					g.RevertToSnapshot(snaps[i][1])
					snaps = snaps[:i]
					log = append(log, "revert")
				default:
					log = append(log, applyBoth(o, s, g))
				}
				a, k := o.addr(), o.key()
				if s.Exist(a) != g.Exist(a) || s.Empty(a) != g.Empty(a) || s.GetState(a, k) != g.GetState(a, k) ||
					s.GetCommittedState(a, k) != g.GetCommittedState(a, k) || s.GetCodeHash(a) != g.GetCodeHash(a) ||
					s.GetNonce(a) != g.GetNonce(a) || !s.GetBalance(a).Eq(g.GetBalance(a)) || s.IsNewContract(a) != g.IsNewContract(a) {
					t.Fatalf("seed %d tx %d: reads of %x/%x differ from go-ethereum after %v\nexist %v %v empty %v %v state %x %x committed %x %x codehash %x %x nonce %d %d bal %s %s new %v %v", seed, tx, a[:2], k[:2], log, s.Exist(a), g.Exist(a), s.Empty(a), g.Empty(a), s.GetState(a, k), g.GetState(a, k), s.GetCommittedState(a, k), g.GetCommittedState(a, k), s.GetCodeHash(a), g.GetCodeHash(a), s.GetNonce(a), g.GetNonce(a), s.GetBalance(a).Dec(), g.GetBalance(a).Dec(), s.IsNewContract(a), g.IsNewContract(a))
				}
			}
			s.FinaliseTx()
			want := g.IntermediateRoot(rules)
			if got := s.Root(); got != want {
				for _, a := range o.addrs {
					if s.Exist(a) != g.Exist(a) || s.GetNonce(a) != g.GetNonce(a) || !s.GetBalance(a).Eq(g.GetBalance(a)) || s.GetCodeHash(a) != g.GetCodeHash(a) || s.StorageRoot(a) != g.GetStorageRoot(a) {
						t.Errorf("account %x: exist %v/%v nonce %d/%d bal %s/%s code %x/%x storage %x/%x", a[:2], s.Exist(a), g.Exist(a), s.GetNonce(a), g.GetNonce(a), s.GetBalance(a).Dec(), g.GetBalance(a).Dec(), s.GetCodeHash(a), g.GetCodeHash(a), s.StorageRoot(a), g.GetStorageRoot(a))
					}
				}
				t.Fatalf("seed %d tx %d: root %x, go-ethereum %x\nops: %v", seed, tx, got, want, log)
			}
		}
	}
}

// applyBoth performs one random account mutation on both states.
func applyBoth(o *randomOps, s *State, g *gstate.StateDB) string {
	a := o.addr()
	switch o.r.Intn(9) {
	case 0:
		amt := o.amount()
		s.AddBalance(a, amt)
		g.AddBalance(a, amt, 0)
		return fmt.Sprintf("add %x %s", a[:2], amt.Dec())
	case 1:
		amt := o.amount()
		if s.GetBalance(a).Cmp(amt) < 0 {
			amt = new(uint256.Int)
		}
		s.SubBalance(a, amt)
		g.SubBalance(a, amt, 0)
		return fmt.Sprintf("sub %x %s", a[:2], amt.Dec())
	case 2:
		n := uint64(o.r.Intn(3))
		s.SetNonce(a, n)
		g.SetNonce(a, n, 0)
		return fmt.Sprintf("nonce %x %d", a[:2], n)
	case 3:
		var code []byte
		if o.r.Intn(2) == 0 {
			code = []byte{byte(o.r.Intn(256))}
		}
		s.SetCode(a, code)
		g.SetCode(a, code, 0)
		return fmt.Sprintf("code %x %x", a[:2], code)
	case 4, 5:
		k, v := o.key(), o.word()
		s.SetState(a, k, v)
		g.SetState(a, k, v)
		return fmt.Sprintf("sstore %x %x %x", a[:2], k[:2], v[:2])
	case 6:
		if !s.Exist(a) {
			s.CreateAccount(a)
			g.CreateAccount(a)
			return fmt.Sprintf("create %x", a[:2])
		}
		// As a CREATE does: the mark, then nonce 1.
		s.CreateContract(a)
		g.CreateContract(a)
		s.SetNonce(a, 1)
		g.SetNonce(a, 1, 0)
		return fmt.Sprintf("createContract %x", a[:2])
	case 7:
		// The host contract zeroes the balance; go-ethereum leaves that to the
		// opcode, so do it by hand there.
		if g.Exist(a) {
			g.SubBalance(a, g.GetBalance(a).Clone(), 0)
		}
		s.SelfDestruct(a)
		g.SelfDestruct(a)
		return fmt.Sprintf("selfdestruct %x", a[:2])
	default:
		_ = s.GetState(a, o.key())
		return "read"
	}
}

func TestLogsHashMatchesGeth(t *testing.T) {
	logs := []*host.Log{
		{Address: host.Address{1}, Data: nil},
		{Address: host.Address{2}, Topics: []host.Hash{{1}, {2}}, Data: []byte{1, 2, 3}},
		{Address: host.Address{3}, Topics: []host.Hash{{3}}, Data: make([]byte, 100)},
	}
	for n := 0; n <= len(logs); n++ {
		var gl []*types.Log
		for _, l := range logs[:n] {
			gl = append(gl, &types.Log{Address: l.Address, Topics: l.Topics, Data: l.Data})
		}
		enc, err := rlp.EncodeToBytes(gl)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := LogsHash(logs[:n]), crypto.Keccak256Hash(enc); got != want {
			t.Errorf("%d logs: hash %x, want %x", n, got, want)
		}
	}
	// The well-known hash of no logs, as in every state test without events.
	if got := LogsHash(nil); got.Hex() != "0x1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347" {
		t.Errorf("empty logs hash = %x", got)
	}
}

// TestIncrementalRootMatchesOneShot: the incremental tries (kept from the second
// root on) agree with a from-scratch root after any mix of writes, reverts, roots
// in the middle of a transaction and end-of-transaction deletions.
func TestIncrementalRootMatchesOneShot(t *testing.T) {
	for seed := int64(1); seed <= 100; seed++ {
		o := newRandomOps(seed, 5, 6)
		s := New()
		s.BeginTx()
		var snaps []int
		for step := 0; step < 300; step++ {
			if !o.journalStep(s, &snaps) {
				continue
			}
			if got, want := s.Root(), s.Copy().Root(); got != want {
				t.Fatalf("seed %d step %d: incremental root %x, from scratch %x", seed, step, got, want)
			}
		}
	}
}

// journalStep takes one random step on s: a snapshot, a revert to one of snaps,
// the end of the transaction, or a write (apply). It reports whether a root is
// due: after the end of a transaction, and at random within one.
func (o *randomOps) journalStep(s *State, snaps *[]int) bool {
	switch x := o.r.Intn(12); {
	case x == 0:
		*snaps = append(*snaps, s.Snapshot())
	case x == 1 && len(*snaps) > 0:
		i := o.r.Intn(len(*snaps))
		s.RevertToSnapshot((*snaps)[i])
		*snaps = (*snaps)[:i]
	case x == 2:
		s.FinaliseTx()
		s.BeginTx()
		*snaps = (*snaps)[:0]
		return true
	case x == 3:
		return true
	default:
		o.apply(s)
	}
	return false
}

// TestBeginRootMatchesRoot: a root computed by BeginRoot's job while the state
// goes on changing is the root of the state when BeginRoot was called, and the
// roots after it (incremental, with the tries taken back) stay right. Run under
// -race, it also shows the job shares nothing with the state's goroutine.
func TestBeginRootMatchesRoot(t *testing.T) {
	for seed := int64(1); seed <= 100; seed++ {
		o := newRandomOps(seed, 5, 6)
		s := New()
		s.BeginTx()
		var snaps []int
		var pending func() host.Hash
		var pendingWant host.Hash
		check := func(step int) {
			if pending != nil {
				if got := pending(); got != pendingWant {
					t.Fatalf("seed %d step %d: BeginRoot %x, from scratch at BeginRoot %x", seed, step, got, pendingWant)
				}
				pending = nil
			}
		}
		for step := 0; step < 1000; step++ {
			if pending != nil && o.r.Intn(50) == 0 {
				// Whatever needs the tries waits for the job first.
				want := pendingWant
				s.StorageRoot(o.addr())
				if got := pending(); got != want {
					t.Fatalf("seed %d step %d: BeginRoot %x after StorageRoot, want %x", seed, step, got, want)
				}
				pending = nil
			}
			if !o.journalStep(s, &snaps) {
				continue
			}
			check(step)
			want := s.Copy().Root()
			if o.r.Intn(3) == 0 {
				if got := s.Root(); got != want {
					t.Fatalf("seed %d step %d: root %x, from scratch %x", seed, step, got, want)
				}
			} else {
				pending, pendingWant = s.BeginRoot(), want
			}
		}
		check(1000)
		if got, want := s.Root(), s.Copy().Root(); got != want {
			t.Fatalf("seed %d: final root %x, from scratch %x", seed, got, want)
		}
	}
}

// TestBeginRootOutgrown: more changes while the job runs than the incremental
// tries keep (accounts, and one account's storage) drop the tries the job has;
// the job's root and the roots after it are still right.
func TestBeginRootOutgrown(t *testing.T) {
	s := New()
	addrs := []host.Address{{1}, {2}, {3}}
	key := host.Hash{31: 1}
	s.BeginTx()
	for _, a := range addrs {
		s.AddBalance(a, uint256.NewInt(1))
		s.SetState(a, key, host.Hash{31: 7})
	}
	s.FinaliseTx()
	s.Root()
	s.BeginTx()
	s.SetState(addrs[0], key, host.Hash{31: 8})
	s.FinaliseTx()
	s.Root() // the incremental tries exist from here on
	s.BeginTx()
	s.SetState(addrs[1], key, host.Hash{31: 9})
	s.FinaliseTx()
	want := s.Copy().Root()
	wait := s.BeginRoot()
	for i := range 1500 {
		s.BeginTx()
		s.AddBalance(addrs[i%3], uint256.NewInt(1))
		s.SetState(addrs[1], key, host.Hash{31: byte(i)})
		s.FinaliseTx()
	}
	if s.rootJob == nil || !s.rootJob.dropTrie || !s.accounts[addrs[1]].dropTrie {
		t.Fatal("the changes did not outgrow the tries")
	}
	if got := wait(); got != want {
		t.Fatalf("BeginRoot %x, want %x", got, want)
	}
	if got, want := s.Root(), s.Copy().Root(); got != want {
		t.Fatalf("root after %x, from scratch %x", got, want)
	}
}
