package state

import (
	"encoding/binary"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/holiman/uint256"

	"github.com/hybridvm/hybridvm/host"
)

// specTx is a random transaction: a list of operations on a few accounts and
// slots whose written values depend on everything read before them, so it is a
// function of what it observes (as a real transaction is).
type specTx struct {
	ops []specOp
}

type specOp struct {
	kind int
	addr host.Address
	key  host.Hash
	n    uint64
}

const specOpKinds = 17

func randomSpecTx(rng *rand.Rand, addrs []host.Address) specTx {
	var tx specTx
	for range 1 + rng.IntN(12) {
		op := specOp{kind: rng.IntN(specOpKinds), addr: addrs[rng.IntN(len(addrs))], n: uint64(rng.IntN(4))}
		op.key[31] = byte(rng.IntN(3))
		tx.ops = append(tx.ops, op)
	}
	return tx
}

// run executes tx on s as one transaction (BeginTx … FinaliseTx).
func (tx specTx) run(s *State) {
	s.BeginTx()
	var acc uint64 = 1
	mix := func(v uint64) { acc = acc*1000003 + v }
	word := func(h host.Hash) uint64 { return binary.BigEndian.Uint64(h[24:]) }
	var snaps []int
	for _, op := range tx.ops {
		switch op.kind {
		case 0:
			if s.Exist(op.addr) {
				mix(1)
			}
		case 1:
			if s.Empty(op.addr) {
				mix(2)
			}
		case 2:
			mix(s.GetBalance(op.addr).Uint64())
		case 3: // a fee-like credit: observes nothing
			s.AddBalance(op.addr, uint256.NewInt(op.n))
		case 4:
			if bal := s.GetBalance(op.addr); bal.Uint64() >= op.n {
				s.SubBalance(op.addr, uint256.NewInt(op.n))
			}
		case 5:
			s.SetNonce(op.addr, s.GetNonce(op.addr)+1)
		case 6:
			mix(word(s.GetState(op.addr, op.key)))
		case 7:
			var v host.Hash
			binary.BigEndian.PutUint64(v[24:], (word(s.GetState(op.addr, op.key))+acc)%5)
			s.SetState(op.addr, op.key, v)
		case 8:
			if s.GetCodeSize(op.addr) == 0 && acc%3 == 0 {
				s.SetCode(op.addr, []byte{byte(acc), 1})
			}
			mix(uint64(s.GetCodeHash(op.addr)[0]))
		case 9:
			if !s.HasStorage(op.addr) && s.GetNonce(op.addr) == 0 && acc%2 == 0 {
				s.CreateAccount(op.addr)
				s.CreateContract(op.addr)
				s.SetNonce(op.addr, 1)
			}
		case 10:
			if acc%4 == 0 {
				s.SelfDestruct(op.addr)
			}
		case 11:
			snaps = append(snaps, s.Snapshot())
		case 12:
			if len(snaps) > 0 {
				s.RevertToSnapshot(snaps[len(snaps)-1])
				snaps = snaps[:len(snaps)-1]
			}
		case 13:
			cur, orig := s.GetStorageOrig(op.addr, op.key)
			mix(word(cur) + 7*word(orig))
		case 14:
			mix(word(s.GetCommittedState(op.addr, op.key)))
		case 15:
			s.AddBalance(op.addr, new(uint256.Int)) // a touch
		case 16: // a transfer: only whether the balance suffices is observed
			if s.BalanceAtLeast(op.addr, uint256.NewInt(op.n)) {
				s.SubBalance(op.addr, uint256.NewInt(op.n))
				mix(3)
			}
		}
	}
	s.FinaliseTx()
}

func specBase(rng *rand.Rand, addrs []host.Address) *State {
	st := New()
	st.BeginTx()
	for i, a := range addrs {
		if rng.IntN(4) == 0 {
			continue // missing
		}
		st.SetBalance(a, uint256.NewInt(uint64(rng.IntN(5))))
		if rng.IntN(2) == 0 {
			st.SetNonce(a, uint64(rng.IntN(2)))
		}
		if i%3 == 0 {
			st.SetCode(a, []byte{byte(i)})
		}
		for k := range 3 {
			if rng.IntN(2) == 0 {
				st.SetState(a, host.Hash{31: byte(k)}, host.Hash{31: byte(1 + rng.IntN(3))})
			}
		}
	}
	st.FinaliseTx()
	return st
}

// TestSpeculationMatchesSequential runs random blocks of conflicting
// transactions two ways: one after another on a state, and each in a view
// opened before any of them commits, committed in order after validation (a
// failed validation re-runs the transaction on a fresh view). The roots must
// agree, and some views must have failed validation (the test is not vacuous).
func TestSpeculationMatchesSequential(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	addrs := []host.Address{{1}, {2}, {3}, {4}, {5}}
	conflicts, clean := 0, 0
	for iter := range 3000 {
		base := specBase(rng, addrs)
		seq := base.Copy()
		var txs []specTx
		for range 1 + rng.IntN(6) {
			txs = append(txs, randomSpecTx(rng, addrs))
		}
		for _, tx := range txs {
			tx.run(seq)
		}
		if iter%2 == 0 {
			// Twice: the base keeps incremental tries, which Apply must keep
			// up to date.
			base.Root()
			base.Root()
		}
		b := NewBase(base)
		views := make([]*State, len(txs))
		for i, tx := range txs { // all speculative, against the block's start
			views[i] = b.NewView()
			tx.run(views[i])
		}
		for i, tx := range txs {
			if c := b.Validate(views[i]); c != "" {
				conflicts++
				b.ResetView(views[i])
				tx.run(views[i])
				if c := b.Validate(views[i]); c != "" {
					t.Fatalf("iteration %d tx %d: a view run on the current base fails validation: %s", iter, i, c)
				}
			} else {
				clean++
			}
			b.Apply(views[i])
		}
		if got, want := dump(base), dump(seq); got != want {
			t.Fatalf("iteration %d: speculative state\n%s\nsequential state\n%s", iter, got, want)
		}
		if got, want := base.Root(), seq.Root(); got != want {
			t.Fatalf("iteration %d: speculative root %x, sequential %x", iter, got, want)
		}
	}
	t.Logf("%d views validated, %d re-run", clean, conflicts)
	if conflicts == 0 || clean == 0 {
		t.Fatalf("want both clean and conflicting views, got %d clean, %d conflicts", clean, conflicts)
	}
}

// TestFeeCreditsDoNotConflict: transactions that each credit one account
// (the block's fee recipient) and touch nothing else in common all validate.
func TestFeeCreditsDoNotConflict(t *testing.T) {
	base := New()
	coinbase := host.Address{0xcb}
	base.BeginTx()
	base.SetBalance(coinbase, uint256.NewInt(1))
	base.FinaliseTx()
	b := NewBase(base)
	var views []*State
	for i := range 8 {
		v := b.NewView()
		v.BeginTx()
		from := host.Address{byte(i + 1)}
		v.SetNonce(from, v.GetNonce(from)+1)
		v.AddBalance(coinbase, uint256.NewInt(uint64(10+i)))
		v.FinaliseTx()
		views = append(views, v)
	}
	for i, v := range views {
		if c := b.Validate(v); c != "" {
			t.Fatalf("view %d: conflict %s", i, c)
		}
		b.Apply(v)
	}
	if got := base.GetBalance(coinbase).Uint64(); got != 1+10+11+12+13+14+15+16+17 {
		t.Fatalf("coinbase balance %d", got)
	}
	// A transaction that reads the coinbase's balance depends on every credit.
	v := b.NewView()
	v.BeginTx()
	_ = v.GetBalance(coinbase)
	v.FinaliseTx()
	base.BeginTx()
	base.AddBalance(coinbase, uint256.NewInt(1))
	base.FinaliseTx()
	if c := b.Validate(v); !strings.HasPrefix(c, "balance") {
		t.Fatalf("a read of a credited balance validated (%q)", c)
	}
}
