package evm

import (
	"bytes"
	"fmt"
	"io"
	"math/rand"
	"sort"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/holiman/uint256"

	"github.com/hybridvm/hybridvm/host"
)

// Differential tests: generated programs run on this package (through the map-backed test
// host) and on go-ethereum's core/vm (with its own state); status, output, gas left, refund,
// logs, storage, transient storage and the touched accounts must agree. Every program also
// runs on the traced loop, which must agree with the fast loop.

var forks = []host.Fork{host.Cancun, host.Prague, host.Osaka}

// preCancun are the forks before Cancun, differential-tested with fewer programs: their
// tables differ from Cancun's by the EIP deltas only (PUSH0, EIP-3860, the Cancun
// opcodes, EIP-6780).
var preCancun = []host.Fork{host.Paris, host.Shanghai}

var (
	testOther1 = common.HexToAddress("0x0000000000000000000000000000000000000b0b")
	testOther2 = common.HexToAddress("0x0000000000000000000000000000000000000ca7")
	// testDelegated holds an EIP-7702 designator pointing at testOther1.
	testDelegated = common.HexToAddress("0x00000000000000000000000000000000000de1e9")
)

func defaultTx(r *rand.Rand) host.TxContext {
	tx := host.TxContext{
		Origin:   testOrigin,
		Coinbase: testCoinbase,
		Number:   1000, Timestamp: 1700000000, GasLimit: 30_000_000,
		BlobHashes: []host.Hash{common.HexToHash("0x01aa"), common.HexToHash("0x01bb")},
	}
	tx.GasPrice.SetUint64(10)
	tx.ChainID.SetUint64(1)
	tx.BaseFee.SetUint64(7)
	tx.BlobBaseFee.SetUint64(1)
	r.Read(tx.PrevRandao[:])
	return tx
}

// genScenario builds a random scenario. nested adds accounts with generated code that the
// program calls and creates.
func genScenario(seed int64, fork host.Fork, nested bool) *scenario {
	r := rand.New(rand.NewSource(seed))
	g := newProgGen(seed, fork)
	sc := &scenario{
		fork: fork, origin: testOrigin, target: testContract,
		accounts: map[host.Address]scenarioAccount{},
		gas:      int64(20_000 + r.Intn(400_000)),
		tx:       defaultTx(r),
	}
	if r.Intn(3) == 0 {
		sc.value.SetUint64(uint64(r.Intn(100)))
	}
	sc.input = make([]byte, r.Intn(100))
	r.Read(sc.input)
	sc.accounts[testOrigin] = scenarioAccount{balance: 1 << 40}
	if nested {
		g.nested = true
		g.addrs = []host.Address{testOther1, testOther2, testContract, testDelegated}
		// initcode: copy 10 bytes of itself (from offset 0) into memory and return them
		g.initRet = []byte{0x60, 0x0a, 0x5f, 0x5f, 0x39, 0x60, 0x0a, 0x5f, 0xf3}
		if fork < host.Shanghai { // the same with PUSH1 0 for PUSH0
			g.initRet = []byte{0x60, 0x0a, 0x60, 0x00, 0x60, 0x00, 0x39, 0x60, 0x0a, 0x60, 0x00, 0xf3}
		}
		sub := newProgGen(seed+1, fork)
		sub.nested, sub.addrs, sub.maxLen, sub.initRet = true, g.addrs, 150, g.initRet
		sc.accounts[testOther1] = scenarioAccount{balance: 500, nonce: 1, code: sub.program()}
		sub.maxLen = 80
		sc.accounts[testOther2] = scenarioAccount{code: sub.program(), nonce: 1,
			storage: map[host.Hash]host.Hash{{31: 1}: {31: 7}}}
		sc.accounts[testDelegated] = scenarioAccount{code: host.DelegationDesignator(testOther1), nonce: 1}
	}
	storage := map[host.Hash]host.Hash{}
	for i := 0; i < r.Intn(4); i++ {
		storage[host.Hash{31: byte(r.Intn(6))}] = host.Hash{31: byte(r.Intn(3))}
	}
	sc.accounts[testContract] = scenarioAccount{balance: uint64(r.Intn(1000)), nonce: 1, code: g.program(), storage: storage}
	return sc
}

// diffScenario runs sc on both sides (and on our traced loop) and returns the differences.
func diffScenario(sc *scenario) []string {
	geth := runGeth(sc, nil)
	ours, h := runOurs(sc, nil)
	compareState(ours, h, geth)
	diffs := compareOutcomes("fast loop", ours, geth)

	traced, th := runOurs(sc, nopTracer{})
	compareState(traced, th, runGeth(sc, nil))
	diffs = append(diffs, compareOutcomes("traced loop", traced, geth)...)
	return diffs
}

type nopTracer struct{}

func (nopTracer) OnOpcode(uint64, OpCode, uint64, uint64, *Scope, int, error) {}
func (nopTracer) OnExit(int, []byte, uint64, error, bool)                     {}

func compareOutcomes(what string, ours, geth *outcome) []string {
	var d []string
	add := func(format string, a ...any) { d = append(d, what+": "+fmt.Sprintf(format, a...)) }
	if ours.status != geth.status {
		add("status %v (%v), geth %v (%v)", ours.status, ours.err, geth.status, geth.err)
	}
	if !bytes.Equal(ours.output, geth.output) {
		add("output %x, geth %x", ours.output, geth.output)
	}
	if ours.gasLeft != geth.gasLeft {
		add("gas left %d, geth %d (ours err %v, geth err %v)", ours.gasLeft, geth.gasLeft, ours.err, geth.err)
	}
	if ours.refund != geth.refund {
		add("refund %d, geth %d", ours.refund, geth.refund)
	}
	if len(ours.logs) != len(geth.logs) {
		add("%d logs, geth %d", len(ours.logs), len(geth.logs))
	} else {
		for i := range ours.logs {
			a, b := ours.logs[i], geth.logs[i]
			if a.Address != b.Address || !bytes.Equal(a.Data, b.Data) || len(a.Topics) != len(b.Topics) {
				add("log %d: %x %x %x, geth %x %x %x", i, a.Address, a.Topics, a.Data, b.Address, b.Topics, b.Data)
				continue
			}
			for j := range a.Topics {
				if a.Topics[j] != b.Topics[j] {
					add("log %d topic %d: %x, geth %x", i, j, a.Topics[j], b.Topics[j])
				}
			}
		}
	}
	for a, v := range ours.exists {
		if geth.exists[a] != v {
			add("account %x exists %v, geth %v", a, v, geth.exists[a])
		}
		if ours.balances[a] != geth.balances[a] {
			add("account %x balance %s, geth %s", a, ours.balances[a], geth.balances[a])
		}
		if ours.nonces[a] != geth.nonces[a] {
			add("account %x nonce %d, geth %d", a, ours.nonces[a], geth.nonces[a])
		}
		if ours.codes[a] != geth.codes[a] {
			add("account %x code hash %x, geth %x", a, ours.codes[a], geth.codes[a])
		}
	}
	for a, ks := range ours.storage {
		for k, v := range ks {
			if gv := geth.storage[a][k]; gv != v {
				add("storage %x[%x] = %x, geth %x", a, k, v, gv)
			}
			if ov, gv := ours.transient[a][k], geth.transient[a][k]; ov != gv {
				add("transient %x[%x] = %x, geth %x", a, k, ov, gv)
			}
		}
	}
	sort.Strings(d)
	return d
}

func describe(sc *scenario) string {
	var b strings.Builder
	fmt.Fprintf(&b, "fork %s gas %d value %s input %x\n", sc.fork, sc.gas, sc.value.Hex(), sc.input)
	for a, acc := range sc.accounts {
		if len(acc.code) > 0 {
			fmt.Fprintf(&b, "code %x: %x\n", a, acc.code)
		}
	}
	return b.String()
}

func runDiff(t *testing.T, name string, forks []host.Fork, n int, nested bool, seed0 int64) {
	t.Helper()
	for _, fork := range forks {
		t.Run(fmt.Sprintf("%s/%s", name, fork), func(t *testing.T) {
			t.Parallel()
			fails := 0
			for i := 0; i < n; i++ {
				seed := seed0 + int64(i)
				sc := genScenario(seed, fork, nested)
				if d := diffScenario(sc); len(d) > 0 {
					t.Errorf("seed %d: %d differences:\n  %s\n%s", seed, len(d), strings.Join(d, "\n  "), describe(sc))
					if fails++; fails >= 3 {
						t.FailNow()
					}
				}
			}
		})
	}
}

func TestDifferentialSingleFrame(t *testing.T) {
	n := 1500
	if testing.Short() {
		n = 100
	}
	runDiff(t, "single frame", forks, n, false, 1)
	runDiff(t, "single frame", preCancun, n/5, false, 1)
}

func TestDifferentialNested(t *testing.T) {
	n := 600
	if testing.Short() {
		n = 50
	}
	runDiff(t, "nested calls and creates", forks, n, true, 100_000)
	runDiff(t, "nested calls and creates", preCancun, n/4, true, 100_000)
}

// TestDifferentialOutcomesVary guards the generator: a differential test whose programs all
// stop at once would prove nothing.
func TestDifferentialOutcomesVary(t *testing.T) {
	counts := map[host.Status]int{}
	for i := 0; i < 200; i++ {
		sc := genScenario(int64(i+1), host.Osaka, i%2 == 0)
		o, _ := runOurs(sc, nil)
		counts[o.status]++
		if o.status == host.StatusSuccess && sc.gas-o.gasLeft < 1000 {
			counts[99]++ // trivially short
		}
	}
	for _, st := range []host.Status{host.StatusSuccess, host.StatusRevert, host.StatusFailure} {
		if counts[st] < 10 {
			t.Errorf("only %d of 200 generated programs ended in %v: %v", counts[st], st, counts)
		}
	}
	if counts[99] > 60 {
		t.Errorf("%d of 200 programs succeeded after less than 1000 gas", counts[99])
	}
	_ = io.Discard
	_ = uint256.NewInt
}
