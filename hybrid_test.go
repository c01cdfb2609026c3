package hybridvm

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/big"
	"slices"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/holiman/uint256"

	"github.com/hybridvm/hybridvm/guest"
	"github.com/hybridvm/hybridvm/host"
	"github.com/hybridvm/hybridvm/internal/testtools"
)

// solContract is a contract built by testdata/hybrid/build-sol.sh.
type solContract struct {
	ABI      abi.ABI
	Bytecode []byte
}

func loadSol(t testing.TB, name string) solContract {
	t.Helper()
	var raw struct {
		ABI      json.RawMessage `json:"abi"`
		Bytecode hexutil.Bytes   `json:"bytecode"`
	}
	if err := json.Unmarshal(readFile(t, "testdata", "hybrid", "sol", name+".json"), &raw); err != nil {
		t.Fatal(err)
	}
	a, err := abi.JSON(bytes.NewReader(raw.ABI))
	if err != nil {
		t.Fatal(err)
	}
	return solContract{a, raw.Bytecode}
}

func (c solContract) pack(t testing.TB, method string, args ...any) []byte {
	t.Helper()
	b, err := c.ABI.Pack(method, args...)
	if err != nil {
		t.Fatalf("pack %s: %v", method, err)
	}
	return b
}

// relayABI describes testdata/hybrid/relay.c.
var relayABI = mustABI(`[
{"type":"function","name":"callOut","inputs":[{"type":"address"},{"type":"bytes"}],"outputs":[{"type":"bytes"}]},
{"type":"function","name":"callValue","inputs":[{"type":"address"},{"type":"bytes"}],"outputs":[{"type":"bytes"}]},
{"type":"function","name":"staticOut","inputs":[{"type":"address"},{"type":"bytes"}],"outputs":[{"type":"bool"},{"type":"bytes"}]},
{"type":"function","name":"delegateOut","inputs":[{"type":"address"},{"type":"bytes"}],"outputs":[{"type":"bytes"}]},
{"type":"function","name":"tryCall","inputs":[{"type":"address"},{"type":"bytes"}],"outputs":[{"type":"bool"}]},
{"type":"function","name":"createOut","inputs":[{"type":"bytes"}],"outputs":[{"type":"address"}]},
{"type":"function","name":"create2Out","inputs":[{"type":"bytes32"},{"type":"bytes"}],"outputs":[{"type":"address"}]},
{"type":"function","name":"store","inputs":[{"type":"uint256"}],"outputs":[]},
{"type":"function","name":"load","inputs":[],"outputs":[{"type":"uint256"}]},
{"type":"function","name":"outcome","inputs":[],"outputs":[{"type":"uint256"}]}]`)

func mustABI(s string) abi.ABI {
	a, err := abi.JSON(strings.NewReader(s))
	if err != nil {
		panic("BUG: " + err.Error())
	}
	return a
}

func packABI(t testing.TB, a abi.ABI, method string, args ...any) []byte {
	t.Helper()
	b, err := a.Pack(method, args...)
	if err != nil {
		t.Fatalf("pack %s: %v", method, err)
	}
	return b
}

// hybridWorld deploys the contracts of the hybrid scenarios.
type hybridWorld struct {
	t  *testing.T
	rt *Runtime
	db host.StateDB
	// transcript records every call's outcome, to compare backends.
	transcript               []string
	relay, relay2, token     common.Address
	store, store2, router    common.Address
	pinger                   common.Address
	storeC, routerC, pingerC solContract
}

func newHybridWorld(t *testing.T, e Engine, b backend) *hybridWorld {
	rt := newBackendRuntime(t, e, b)
	w := &hybridWorld{t: t, rt: rt, db: rt.State(), storeC: loadSol(t, "Store"), routerC: loadSol(t, "Router"), pingerC: loadSol(t, "Pinger")}
	w.db.AddBalance(alice, uint256.NewInt(1e18))
	relayInit := readFile(t, "testdata", "hybrid", "relay.initcode")
	w.relay = w.deploy(relayInit)
	w.relay2 = w.deploy(relayInit)
	w.token = w.deploy(readFile(t, "examples", "erc20", "erc20.initcode"))
	w.store = w.deploy(w.storeC.Bytecode)
	w.store2 = w.deploy(w.storeC.Bytecode)
	w.router = w.deploy(w.routerC.Bytecode)
	w.pinger = w.deploy(w.pingerC.Bytecode)
	return w
}

func (w *hybridWorld) deploy(initcode []byte) common.Address {
	w.t.Helper()
	res, err := w.rt.Create(context.Background(), CreateMsg{From: alice, Initcode: initcode, Gas: 10_000_000})
	if err != nil || res.Status != StatusSuccess {
		w.t.Fatalf("deploy: %v %+v", err, res)
	}
	w.record(res)
	return res.Address
}

func (w *hybridWorld) call(from, to common.Address, input []byte, gas uint64, value uint64) *Result {
	w.t.Helper()
	res, err := w.rt.Call(context.Background(), CallMsg{From: from, To: to, Input: input, Gas: gas, Value: uint256.NewInt(value)})
	if err != nil {
		w.t.Fatal(err)
	}
	w.record(res)
	return res
}

func (w *hybridWorld) record(res *Result) {
	line := fmt.Sprintf("%v out=%x gas=%d refund=%d instr=%d addr=%v", res.Status, res.Output, res.GasUsed, res.Refund, res.Instructions, res.Address)
	for _, l := range res.Logs {
		line += fmt.Sprintf(" log(%v %v %x)", l.Address, l.Topics, l.Data)
	}
	w.transcript = append(w.transcript, line)
}

func (w *hybridWorld) mustCall(from, to common.Address, input []byte) *Result {
	w.t.Helper()
	res := w.call(from, to, input, 5_000_000, 0)
	if res.Status != StatusSuccess {
		w.t.Fatalf("call %x to %v: %v %v output %x", input[:4], to, res.Status, res.Err, res.Output)
	}
	return res
}

func (w *hybridWorld) slot(addr common.Address, n int64) *big.Int {
	v := w.db.GetState(addr, common.BigToHash(big.NewInt(n)))
	return new(big.Int).SetBytes(v[:])
}

func unpackBytes(t testing.TB, out []byte) []byte {
	t.Helper()
	vals, err := abi.Arguments{{Type: mustType("bytes")}}.Unpack(out)
	if err != nil {
		t.Fatalf("unpack bytes from %x: %v", out, err)
	}
	return vals[0].([]byte)
}

func mustType(s string) abi.Type {
	ty, err := abi.NewType(s, "", nil)
	if err != nil {
		panic("BUG: " + err.Error())
	}
	return ty
}

// hybridScenarios are EVM and RISC-V contracts calling each other in every way.
var hybridScenarios = []struct {
	name string
	run  func(t *testing.T, w *hybridWorld)
}{
	{"EVM router drives the RISC-V ERC20", func(t *testing.T, w *hybridWorld) {
		w.mustCall(alice, w.token, call("mint(address,uint256)", addrWord(alice).Bytes(), word(1000)))
		w.mustCall(alice, w.token, call("approve(address,uint256)", addrWord(w.router).Bytes(), word(100)))
		res := w.mustCall(alice, w.router, w.routerC.pack(t, "pay", w.token, []common.Address{bob, carol}, []*big.Int{big.NewInt(10), big.NewInt(20)}))
		if len(res.Logs) != 2 || res.Logs[0].Address != w.token || res.Logs[0].Topics[2] != addrWord(bob) || res.Logs[1].Topics[2] != addrWord(carol) {
			t.Errorf("logs %+v, want the token's two Transfer events in call order", res.Logs)
		}
		out := w.mustCall(alice, w.router, w.routerC.pack(t, "balances", w.token, []common.Address{alice, bob, carol}))
		vals, _ := w.routerC.ABI.Unpack("balances", out.Output)
		if got := vals[0].([]*big.Int); got[0].Int64() != 970 || got[1].Int64() != 10 || got[2].Int64() != 20 {
			t.Errorf("balances %v", got)
		}
		// The RISC-V token's revert comes back through the EVM router.
		res = w.call(alice, w.router, w.routerC.pack(t, "pay", w.token, []common.Address{bob}, []*big.Int{big.NewInt(500)}), 5_000_000, 0)
		if res.Status != StatusRevert || w.slot(w.token, 2).Int64() != 1000 {
			t.Errorf("pay over the allowance: %v %x", res.Status, res.Output)
		}
	}},
	{"RISC-V relay calls EVM storage and reads its return data", func(t *testing.T, w *hybridWorld) {
		res := w.mustCall(alice, w.relay, packABI(t, relayABI, "callOut", w.store, w.storeC.pack(t, "set", big.NewInt(42))))
		if len(res.Logs) != 1 || res.Logs[0].Address != w.store || res.Logs[0].Topics[1] != addrWord(w.relay) {
			t.Errorf("logs %+v, want Stored(by relay)", res.Logs)
		}
		res = w.mustCall(alice, w.relay, packABI(t, relayABI, "callOut", w.store, w.storeC.pack(t, "get")))
		if got := unpackBytes(t, res.Output); !bytes.Equal(got, word(42)) {
			t.Errorf("get through the relay: %x", got)
		}
		// An EVM custom error comes back to the RISC-V caller and out, byte for byte.
		res = w.call(alice, w.relay, packABI(t, relayABI, "callOut", w.store, w.storeC.pack(t, "fail", big.NewInt(5))), 5_000_000, 0)
		if res.Status != StatusRevert || !bytes.Equal(res.Output, call("Failed(uint256)", word(5))) || w.slot(w.store, 0).Int64() != 42 {
			t.Errorf("fail: %v %x value %v", res.Status, res.Output, w.slot(w.store, 0))
		}
	}},
	{"EVM creates RISC-V and RISC-V creates EVM", func(t *testing.T, w *hybridWorld) {
		res := w.mustCall(alice, w.router, w.routerC.pack(t, "deploy", readFile(t, "examples", "counter", "counter.initcode")))
		counter := common.BytesToAddress(res.Output)
		if counter != crypto.CreateAddress(w.router, 1) || !guest.IsRISCV(w.db.GetCode(counter)) {
			t.Fatalf("router created %v with code %x...", counter, w.db.GetCode(counter)[:4])
		}
		w.mustCall(alice, counter, selector("increment()"))
		if r := w.mustCall(alice, counter, selector("get()")); !bytes.Equal(r.Output, word(1)) {
			t.Errorf("counter made by EVM: %x", r.Output)
		}
		// RISC-V initcode beyond EIP-3860's 49152 bytes (ELFs are large; here constructor
		// arguments pad it): the EVM's CREATE allows the runtime's RISC-V limit.
		large := append(readFile(t, "examples", "counter", "counter.initcode"), make([]byte, 60_000)...)
		res = w.mustCall(alice, w.router, w.routerC.pack(t, "deploy", large))
		if a := common.BytesToAddress(res.Output); !guest.IsRISCV(w.db.GetCode(a)) {
			t.Fatalf("large RISC-V initcode from EVM: %v", a)
		}
		res = w.mustCall(alice, w.relay, packABI(t, relayABI, "createOut", w.storeC.Bytecode))
		evmStore := common.BytesToAddress(res.Output)
		if code := w.db.GetCode(evmStore); len(code) == 0 || guest.IsRISCV(code) {
			t.Fatalf("relay created %v with code %x", evmStore, code)
		}
		w.mustCall(alice, evmStore, w.storeC.pack(t, "set", big.NewInt(9)))
		if w.slot(evmStore, 0).Int64() != 9 {
			t.Errorf("EVM store made by RISC-V: %v", w.slot(evmStore, 0))
		}
	}},
	{"reentrancy across kinds", func(t *testing.T, w *hybridWorld) {
		res := w.mustCall(alice, w.store, w.storeC.pack(t, "reenter", w.relay))
		if w.slot(w.store, 0).Int64() != 3 || w.slot(w.store, 1).Int64() != 1 || len(res.Logs) != 1 || res.Logs[0].Topics[1] != addrWord(w.relay) {
			t.Errorf("value %v calls %v logs %+v", w.slot(w.store, 0), w.slot(w.store, 1), res.Logs)
		}
	}},
	{"a revert deep in a mixed stack unwinds only its frames", func(t *testing.T, w *hybridWorld) {
		// store -> relay.tryCall -> relay2.callOut -> store2.fail: store2's write and
		// the failure bubble up to relay, which records it; store carries on.
		inner := packABI(t, relayABI, "callOut", w.store2, w.storeC.pack(t, "fail", big.NewInt(1)))
		res := w.mustCall(alice, w.store, w.storeC.pack(t, "deep", w.relay, w.relay2, inner))
		ok, _ := w.storeC.ABI.Unpack("deep", res.Output)
		if ok[0].(bool) || w.slot(w.store, 0).Int64() != 7 || w.slot(w.relay, 1).Int64() != 2 || w.slot(w.store2, 0).Sign() != 0 {
			t.Errorf("ok %v store %v relay outcome %v store2 %v", ok[0], w.slot(w.store, 0), w.slot(w.relay, 1), w.slot(w.store2, 0))
		}
		// The same path succeeding records 1 and keeps store2's write.
		inner = packABI(t, relayABI, "callOut", w.store2, w.storeC.pack(t, "set", big.NewInt(5)))
		w.mustCall(alice, w.store, w.storeC.pack(t, "deep", w.relay, w.relay2, inner))
		if w.slot(w.relay, 1).Int64() != 1 || w.slot(w.store2, 0).Int64() != 5 {
			t.Errorf("success path: relay outcome %v store2 %v", w.slot(w.relay, 1), w.slot(w.store2, 0))
		}
	}},
	{"static-call violations in either kind", func(t *testing.T, w *hybridWorld) {
		// EVM STATICCALLs the RISC-V relay, whose SSTORE faults.
		res := w.mustCall(alice, w.store, w.storeC.pack(t, "tryStatic", w.relay, packABI(t, relayABI, "store", big.NewInt(1))))
		if !bytes.Equal(res.Output, word(0)) || w.slot(w.relay, 0).Sign() != 0 {
			t.Errorf("EVM static into RISC-V store: %x", res.Output)
		}
		// The static flag is inherited across kinds: static -> relay -> EVM set.
		res = w.mustCall(alice, w.store, w.storeC.pack(t, "tryStatic", w.relay, packABI(t, relayABI, "callOut", w.store2, w.storeC.pack(t, "set", big.NewInt(1)))))
		if !bytes.Equal(res.Output, word(0)) {
			t.Errorf("EVM static -> RISC-V -> EVM set: %x", res.Output)
		}
		// RISC-V STATICCALLs EVM code: a write fails, a read works.
		res = w.mustCall(alice, w.relay, packABI(t, relayABI, "staticOut", w.store, w.storeC.pack(t, "set", big.NewInt(1))))
		vals, _ := relayABI.Unpack("staticOut", res.Output)
		if vals[0].(bool) {
			t.Errorf("RISC-V static into EVM set succeeded")
		}
		w.mustCall(alice, w.store, w.storeC.pack(t, "set", big.NewInt(8)))
		res = w.mustCall(alice, w.relay, packABI(t, relayABI, "staticOut", w.store, w.storeC.pack(t, "get")))
		vals, _ = relayABI.Unpack("staticOut", res.Output)
		if !vals[0].(bool) || !bytes.Equal(vals[1].([]byte), word(8)) {
			t.Errorf("RISC-V static read of EVM: %v %x", vals[0], vals[1])
		}
	}},
	{"DELEGATECALL runs code of one kind in the other's context", func(t *testing.T, w *hybridWorld) {
		// RISC-V relay delegates to EVM code: the write lands in the relay's slot 0.
		w.mustCall(alice, w.relay, packABI(t, relayABI, "delegateOut", w.store, w.storeC.pack(t, "store", big.NewInt(77))))
		if r := w.mustCall(alice, w.relay, packABI(t, relayABI, "load")); !bytes.Equal(r.Output, word(77)) || w.slot(w.store, 0).Sign() != 0 {
			t.Errorf("relay slot 0 %x, store slot 0 %v", r.Output, w.slot(w.store, 0))
		}
		res := w.mustCall(bob, w.relay, packABI(t, relayABI, "delegateOut", w.store, w.storeC.pack(t, "whoami")))
		who, err := w.storeC.ABI.Unpack("whoami", unpackBytes(t, res.Output))
		if err != nil || who[0].(common.Address) != bob || who[1].(common.Address) != w.relay || who[2].(*big.Int).Int64() != 77 {
			t.Errorf("whoami under delegation: %v %v", who, err)
		}
		// EVM store delegates to RISC-V code: the write lands in the store's slot 0.
		w.mustCall(alice, w.store, w.storeC.pack(t, "delegate", w.relay, packABI(t, relayABI, "store", big.NewInt(55))))
		if w.slot(w.store, 0).Int64() != 55 || w.slot(w.relay, 0).Int64() != 77 {
			t.Errorf("store slot 0 %v, relay slot 0 %v", w.slot(w.store, 0), w.slot(w.relay, 0))
		}
	}},
	{"value transfers across kinds", func(t *testing.T, w *hybridWorld) {
		res := w.call(alice, w.relay, packABI(t, relayABI, "callValue", bob, []byte{}), 5_000_000, 5)
		if res.Status != StatusSuccess || w.db.GetBalance(bob).Uint64() != 5 || !w.db.GetBalance(w.relay).IsZero() {
			t.Errorf("%v %v: bob %v relay %v", res.Status, res.Err, w.db.GetBalance(bob), w.db.GetBalance(w.relay))
		}
	}},
	{"call depth is counted across kinds", func(t *testing.T, w *hybridWorld) {
		// Pinger (EVM, even depths) -> relay (RISC-V, odd depths) -> Pinger ...: the
		// ping at depth 1024 is number 512; its call to the relay (depth 1025) fails.
		testtools.SkipIfEmulated(t, testtools.DeepRecursionUnderEmulator)
		res := w.call(alice, w.pinger, w.pingerC.pack(t, "ping", w.relay, big.NewInt(0)), 1<<50, 0)
		if res.Status != StatusSuccess || !bytes.Equal(res.Output, word(512)) {
			t.Errorf("ping: %v %v %x, want 512", res.Status, res.Err, res.Output)
		}
	}},
}

// TestHybridScenarios runs the hybrid scenarios on every RISC-V engine, on the embedded
// state and through the go-ethereum adapter, and checks that the adapter gives exactly
// the embedded state's results (outputs, gas, refunds, logs) call by call.
func TestHybridScenarios(t *testing.T) {
	for _, e := range testEngines() {
		for _, sc := range hybridScenarios {
			t.Run(e.String()+"/"+sc.name, func(t *testing.T) {
				var transcripts [2][]string
				for i, b := range []backend{embedded, geth} {
					t.Run(b.String(), func(t *testing.T) {
						w := newHybridWorld(t, e, b)
						sc.run(t, w)
						transcripts[i] = w.transcript
					})
				}
				if !slices.Equal(transcripts[0], transcripts[1]) {
					for i := range transcripts[0] {
						if i >= len(transcripts[1]) || transcripts[0][i] != transcripts[1][i] {
							t.Fatalf("call %d differs through the geth adapter:\nembedded %s\ngeth     %s", i, transcripts[0][i], at(transcripts[1], i))
						}
					}
					t.Fatalf("the geth adapter made %d calls, the embedded state %d", len(transcripts[1]), len(transcripts[0]))
				}
			})
		}
	}
}

func at(s []string, i int) string {
	if i < len(s) {
		return s[i]
	}
	return "(none)"
}
