package evm

import (
	"fmt"
	"sync"
	"testing"

	"github.com/ethereum/go-ethereum/crypto"

	"github.com/hybridvm/hybridvm/host"
)

// TestConcurrentExecution runs many goroutines through one *EVM, sharing its analysis cache
// (the same codes by hash), each against its own host; every result must equal the result of
// a sequential run. Run it with -race.
func TestConcurrentExecution(t *testing.T) {
	e, err := New(Config{Fork: host.Osaka})
	if err != nil {
		t.Fatal(err)
	}
	const programs = 24
	scs := make([]*scenario, programs)
	want := make([]host.Result, programs)
	for i := range scs {
		scs[i] = genScenario(int64(9000+i), host.Osaka, i%2 == 0)
		want[i] = runShared(e, scs[i])
	}
	workers := 8
	rounds := 6
	if testing.Short() {
		rounds = 2
	}
	var wg sync.WaitGroup
	errs := make(chan string, workers*programs*rounds)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for r := 0; r < rounds; r++ {
				for k := range scs {
					i := (k + w*5 + r) % programs
					got := runShared(e, scs[i])
					if got.Status != want[i].Status || got.GasLeft != want[i].GasLeft || string(got.Output) != string(want[i].Output) {
						errs <- fmt.Sprintf("worker %d program %d: %v/%d, want %v/%d", w, i, got.Status, got.GasLeft, want[i].Status, want[i].GasLeft)
					}
				}
			}
		}(w)
	}
	wg.Wait()
	close(errs)
	for msg := range errs {
		t.Error(msg)
	}
	if n := e.cache.len(); n == 0 {
		t.Error("nothing was cached")
	}
}

// runShared runs a scenario on a fresh test host whose nested frames use the shared EVM e
// with code hashes, so that the cache is exercised by every frame.
func runShared(e *EVM, sc *scenario) host.Result {
	h := newTestHost()
	h.evm = e
	h.tx = sc.tx
	h.hashCode = true
	for a, acc := range sc.accounts {
		h.setAccount(a, acc.balance, acc.code, acc.storage)
	}
	code := sc.accounts[sc.target].code
	return e.Execute(h, &host.Message{Kind: host.KindCall, Gas: sc.gas, Recipient: sc.target, Sender: sc.origin,
		CodeAddress: sc.target, Input: sc.input, Value: sc.value}, code, crypto.Keccak256Hash(code))
}

// TestCacheIsBounded fills a small cache with many programs and checks its size stays near
// its budget while hits still work.
func TestCacheIsBounded(t *testing.T) {
	e, _ := New(Config{Fork: host.Cancun, CacheBytes: 64 << 10})
	total := 0
	for i := 0; i < 2000; i++ {
		code := asm(p(i), p(i+1), ADD, STOP)
		h := crypto.Keccak256Hash(code)
		e.program(code, h)
		total += e.cache.get(h).bytes()
		if e.cache.get(h) == nil {
			t.Fatalf("program %d not cached right after analysis", i)
		}
	}
	bytes := 0
	for i := range e.cache.shards {
		s := &e.cache.shards[i]
		for _, p := range s.young {
			bytes += p.bytes()
		}
		for _, p := range s.old {
			bytes += p.bytes()
		}
	}
	if bytes > 2*(64<<10)+cacheShards*1024 || bytes >= total {
		t.Errorf("cache holds %d bytes of programs (budget 64 KiB, %d analysed)", bytes, total)
	}
}

// TestZeroHashIsNotCached: initcode (zero hash) is analysed every time, not cached.
func TestZeroHashIsNotCached(t *testing.T) {
	e, _ := New(Config{Fork: host.Cancun})
	e.Execute(newTestHost(), &host.Message{Gas: 100}, asm(PUSH0, STOP), host.Hash{})
	if n := e.cache.len(); n != 0 {
		t.Errorf("%d programs cached", n)
	}
}
