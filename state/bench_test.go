package state

import (
	"math/rand"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/params"
	"github.com/holiman/uint256"

	"github.com/hybridvm/hybridvm/host"
)

// compare runs ours and the reference (go-ethereum's core/state) for b.N
// iterations each and reports both costs and their ratio.
func compare(b *testing.B, ours, ref func(n int)) {
	b.ReportAllocs()
	start := time.Now()
	ours(b.N)
	oursNs := float64(time.Since(start).Nanoseconds()) / float64(b.N)
	b.StopTimer()
	start = time.Now()
	ref(b.N)
	refNs := float64(time.Since(start).Nanoseconds()) / float64(b.N)
	b.ReportMetric(oursNs, "ns/op-hybridvm")
	b.ReportMetric(refNs, "ns/op-geth")
	b.ReportMetric(refNs/oursNs, "x-faster-than-geth")
}

// BenchmarkSStoreSLoad: one SLOAD and one SSTORE of an existing slot inside a
// snapshot that is reverted (the journal stays small), the EVM's hottest pair.
func BenchmarkSStoreSLoad(b *testing.B) {
	a := host.Address{1}
	k := host.Hash{31: 1}
	s := New()
	s.SetState(a, k, host.Hash{31: 1})
	s.SetNonce(a, 1)
	s.FinaliseTx()
	g := newGeth(b)
	g.SetState(a, k, host.Hash{31: 1})
	g.SetNonce(a, 1, 0)
	g.IntermediateRoot(params.Rules{})
	vals := [2]host.Hash{{31: 2}, {31: 3}}
	compare(b, func(n int) {
		for i := 0; i < n; i++ {
			id := s.Snapshot()
			_ = s.GetState(a, k)
			s.SetState(a, k, vals[i&1])
			if i&63 == 63 {
				s.RevertToSnapshot(0)
			} else {
				_ = id
			}
		}
	}, func(n int) {
		for i := 0; i < n; i++ {
			id := g.Snapshot()
			_ = g.GetState(a, k)
			g.SetState(a, k, vals[i&1])
			if i&63 == 63 {
				g.RevertToSnapshot(id)
			}
		}
	})
}

// BenchmarkTransfer: a plain value transfer's state work (two balance changes, a
// nonce bump, the transaction boundary).
func BenchmarkTransfer(b *testing.B) {
	from, to := host.Address{1}, host.Address{2}
	s := New()
	s.SetBalance(from, uint256.NewInt(1<<62))
	s.FinaliseTx()
	g := newGeth(b)
	g.SetBalance(from, uint256.NewInt(1<<62), 0)
	g.IntermediateRoot(params.Rules{})
	one := uint256.NewInt(1)
	rules := params.Rules{IsEIP158: true}
	compare(b, func(n int) {
		for i := 0; i < n; i++ {
			s.BeginTx()
			s.SetNonce(from, s.GetNonce(from)+1)
			s.SubBalance(from, one)
			s.AddBalance(to, one)
			s.FinaliseTx()
		}
	}, func(n int) {
		for i := 0; i < n; i++ {
			g.SetNonce(from, g.GetNonce(from)+1, 0)
			g.SubBalance(from, one, 0)
			g.AddBalance(to, one, 0)
			g.Finalise(rules)
		}
	})
}

// BenchmarkCopy copies a state of the size of a large state test's pre-state.
func BenchmarkCopy(b *testing.B) {
	data, g := randomAlloc(b, rand.New(rand.NewSource(1)), 50)
	s, err := ParseAlloc(data)
	if err != nil {
		b.Fatal(err)
	}
	g.IntermediateRoot(params.Rules{})
	compare(b, func(n int) {
		for i := 0; i < n; i++ {
			_ = s.Copy()
		}
	}, func(n int) {
		for i := 0; i < n; i++ {
			_ = g.Copy()
		}
	})
}

// BenchmarkRoot computes the root of a 1000-account state after changing one
// account's storage (the cached storage roots of the others are reused).
func BenchmarkRoot(b *testing.B) {
	data, g := randomAlloc(b, rand.New(rand.NewSource(1)), 1000)
	s, err := ParseAlloc(data)
	if err != nil {
		b.Fatal(err)
	}
	a := s.Accounts()[0]
	g.IntermediateRoot(params.Rules{})
	rules := params.Rules{IsEIP158: true}
	compare(b, func(n int) {
		for i := 0; i < n; i++ {
			s.SetState(a, host.Hash{1}, host.Hash{31: byte(i) | 1})
			s.FinaliseTx()
			_ = s.Root()
		}
	}, func(n int) {
		for i := 0; i < n; i++ {
			g.SetState(a, host.Hash{1}, host.Hash{31: byte(i) | 1})
			_ = g.IntermediateRoot(rules)
		}
	})
}
