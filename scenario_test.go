package hybridvm

import (
	"bytes"
	"context"
	"errors"
	"math/big"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/common"
	gethcore "github.com/ethereum/go-ethereum/core/state"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/holiman/uint256"

	"github.com/hybridvm/hybridvm/guest"
	"github.com/hybridvm/hybridvm/host"
	"github.com/hybridvm/hybridvm/internal/testtools"
	"github.com/hybridvm/hybridvm/state"
	"github.com/hybridvm/hybridvm/state/gethstate"
)

// testEngines are the RISC-V engines every scenario runs on: the interpreter always,
// native code where this architecture has it.
func testEngines() []Engine {
	if DefaultEngine() == EngineInterp {
		return []Engine{EngineInterp}
	}
	return []Engine{EngineInterp, EngineJIT, EngineAOT, EngineTiered}
}

var (
	alice = common.HexToAddress("0x00000000000000000000000000000000000a11ce")
	bob   = common.HexToAddress("0x0000000000000000000000000000000000000b0b")
	carol = common.HexToAddress("0x00000000000000000000000000000000000ca201")
)

func readFile(t testing.TB, path ...string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(path...))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func newTestRuntime(t testing.TB, e Engine) (*Runtime, *state.State) {
	t.Helper()
	st := state.New()
	rt, err := NewRuntime(context.Background(), Config{Engine: e, Fork: ForkLatest, State: st})
	if err != nil {
		t.Fatal(err)
	}
	return rt, st
}

// word is a 32-byte big-endian word.
func word(v uint64) []byte { return common.LeftPadBytes(new(big.Int).SetUint64(v).Bytes(), 32) }

func addrWord(a common.Address) common.Hash { return common.BytesToHash(a[:]) }

// mappingSlot is Solidity's slot of mapping[key] for a mapping at slot.
func mappingSlot(key, slot common.Hash) common.Hash {
	return crypto.Keccak256Hash(key[:], slot[:])
}

func selector(sig string) []byte { return crypto.Keccak256([]byte(sig))[:4] }

func call(sig string, args ...[]byte) []byte {
	return append(selector(sig), bytes.Join(args, nil)...)
}

// step is one call of a scenario with its exact expected outcome.
type step struct {
	name   string
	from   common.Address
	input  []byte
	status Status
	output []byte // nil: not checked
	logs   []*Log // checked exactly (nil means none)
}

func runSteps(t *testing.T, rt *Runtime, to common.Address, steps []step) map[string]uint64 {
	t.Helper()
	gas := map[string]uint64{}
	for _, s := range steps {
		res, err := rt.Call(context.Background(), CallMsg{From: s.from, To: to, Input: s.input, Gas: 2_000_000})
		if err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		if res.Status != s.status {
			t.Fatalf("%s: status %v (%v), want %v", s.name, res.Status, res.Err, s.status)
		}
		if s.output != nil && !bytes.Equal(res.Output, s.output) {
			t.Errorf("%s: output\n %x\nwant\n %x", s.name, res.Output, s.output)
		}
		if len(res.Logs) != len(s.logs) {
			t.Errorf("%s: %d logs, want %d", s.name, len(res.Logs), len(s.logs))
		} else {
			for i, l := range res.Logs {
				w := s.logs[i]
				if l.Address != w.Address || !equalTopics(l.Topics, w.Topics) || !bytes.Equal(l.Data, w.Data) {
					t.Errorf("%s: log %d = %+v, want %+v", s.name, i, l, w)
				}
			}
		}
		gas[s.name] = res.GasUsed
	}
	return gas
}

func equalTopics(a, b []common.Hash) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

var (
	topicTransfer  = crypto.Keccak256Hash([]byte("Transfer(address,address,uint256)"))
	topicApproval  = crypto.Keccak256Hash([]byte("Approval(address,address,uint256)"))
	topicOwnership = crypto.Keccak256Hash([]byte("OwnershipTransferred(address,address)"))
)

// TestERC20Scenario runs the token's life with exact outputs, logs, storage slots and
// custom-error reverts, on every engine, and checks that every engine charges the same gas.
func TestERC20Scenario(t *testing.T) {
	var gasByEngine []map[string]uint64
	for _, e := range testEngines() {
		t.Run(e.String(), func(t *testing.T) {
			rt, st := newTestRuntime(t, e)
			res, err := rt.Create(context.Background(), CreateMsg{From: alice, Initcode: readFile(t, "examples", "erc20", "erc20.initcode"), Gas: 5_000_000})
			if err != nil || res.Status != StatusSuccess {
				t.Fatalf("deploy: %v %v", err, res)
			}
			tok := res.Address
			if want := crypto.CreateAddress(alice, 0); tok != want {
				t.Fatalf("token at %v, want %v", tok, want)
			}
			if len(res.Logs) != 1 || res.Logs[0].Topics[0] != topicOwnership || res.Logs[0].Topics[2] != addrWord(alice) {
				t.Errorf("deploy logs %+v", res.Logs)
			}
			if code := st.GetCode(tok); !guest.IsRISCV(code) || !bytes.HasPrefix(code[1:], []byte("\x7fELF")) {
				t.Fatalf("deployed code does not start with 0xFF ‖ ELF: %x", code[:8])
			}
			transferLog := func(from, to common.Address, v uint64) *Log {
				return &Log{Address: tok, Topics: []common.Hash{topicTransfer, addrWord(from), addrWord(to)}, Data: word(v)}
			}
			a, b, c := common.LeftPadBytes(alice[:], 32), common.LeftPadBytes(bob[:], 32), common.LeftPadBytes(carol[:], 32)
			errBalance := func(who []byte, bal, need uint64) []byte {
				return call("ERC20InsufficientBalance(address,uint256,uint256)", who, word(bal), word(need))
			}
			steps := []step{
				{"name", alice, call("name()"), StatusSuccess, append(append(word(32), word(12)...), common.RightPadBytes([]byte("Hybrid Token"), 32)...), nil},
				{"symbol", alice, call("symbol()"), StatusSuccess, append(append(word(32), word(3)...), common.RightPadBytes([]byte("HYB"), 32)...), nil},
				{"decimals", alice, call("decimals()"), StatusSuccess, word(18), nil},
				{"owner", alice, call("owner()"), StatusSuccess, a, nil},
				{"mint by a stranger", bob, call("mint(address,uint256)", b, word(5)), StatusRevert, call("OwnableUnauthorizedAccount(address)", b), nil},
				{"mint", alice, call("mint(address,uint256)", a, word(1000)), StatusSuccess, []byte{}, []*Log{transferLog(common.Address{}, alice, 1000)}},
				{"transfer", alice, call("transfer(address,uint256)", b, word(250)), StatusSuccess, word(1), []*Log{transferLog(alice, bob, 250)}},
				{"transfer too much", alice, call("transfer(address,uint256)", b, word(10000)), StatusRevert, errBalance(a, 750, 10000), nil},
				{"transfer to zero", alice, call("transfer(address,uint256)", word(0), word(1)), StatusRevert, call("ERC20InvalidReceiver(address)", word(0)), nil},
				{"approve", alice, call("approve(address,uint256)", b, word(100)), StatusSuccess, word(1),
					[]*Log{{Address: tok, Topics: []common.Hash{topicApproval, addrWord(alice), addrWord(bob)}, Data: word(100)}}},
				{"transferFrom", bob, call("transferFrom(address,address,uint256)", a, c, word(40)), StatusSuccess, word(1), []*Log{transferLog(alice, carol, 40)}},
				{"transferFrom over the allowance", bob, call("transferFrom(address,address,uint256)", a, c, word(70)), StatusRevert,
					call("ERC20InsufficientAllowance(address,uint256,uint256)", b, word(60), word(70)), nil},
				{"allowance", alice, call("allowance(address,address)", a, b), StatusSuccess, word(60), nil},
				{"balanceOf alice", alice, call("balanceOf(address)", a), StatusSuccess, word(710), nil},
				{"balanceOf bob", alice, call("balanceOf(address)", b), StatusSuccess, word(250), nil},
				{"balanceOf carol", alice, call("balanceOf(address)", c), StatusSuccess, word(40), nil},
				{"totalSupply", alice, call("totalSupply()"), StatusSuccess, word(1000), nil},
				{"unknown selector", alice, []byte{1, 2, 3, 4}, StatusRevert, []byte{}, nil},
				{"short calldata", alice, call("balanceOf(address)")[:3], StatusRevert, []byte{}, nil},
			}
			gasByEngine = append(gasByEngine, runSteps(t, rt, tok, steps))

			// Solidity's storage layout: balances at slot 0, allowances at slot 1 (nested),
			// totalSupply at slot 2, owner at slot 3.
			slot := func(n uint64) common.Hash { return common.BigToHash(new(big.Int).SetUint64(n)) }
			checks := []struct {
				name string
				key  common.Hash
				want common.Hash
			}{
				{"balances[alice]", mappingSlot(addrWord(alice), slot(0)), common.BytesToHash(word(710))},
				{"balances[bob]", mappingSlot(addrWord(bob), slot(0)), common.BytesToHash(word(250))},
				{"balances[carol]", mappingSlot(addrWord(carol), slot(0)), common.BytesToHash(word(40))},
				{"allowances[alice][bob]", mappingSlot(addrWord(bob), mappingSlot(addrWord(alice), slot(1))), common.BytesToHash(word(60))},
				{"totalSupply", slot(2), common.BytesToHash(word(1000))},
				{"owner", slot(3), addrWord(alice)},
			}
			for _, c := range checks {
				if got := st.GetState(tok, c.key); got != c.want {
					t.Errorf("storage %s = %x, want %x", c.name, got, c.want)
				}
			}
		})
	}
	for i := 1; i < len(gasByEngine); i++ {
		for k, g := range gasByEngine[0] {
			if gasByEngine[i][k] != g {
				t.Errorf("%s: gas %d on %v, %d on %v", k, gasByEngine[i][k], testEngines()[i], g, testEngines()[0])
			}
		}
	}
}

// TestFactoryScenario: a RISC-V contract creates RISC-V contracts (CREATE and CREATE2),
// calls them and forwards a revert.
func TestFactoryScenario(t *testing.T) {
	for _, e := range testEngines() {
		t.Run(e.String(), func(t *testing.T) {
			rt, st := newTestRuntime(t, e)
			ctx := context.Background()
			res, err := rt.Create(ctx, CreateMsg{From: alice, Initcode: readFile(t, "examples", "factory", "factory.initcode"), Gas: 10_000_000})
			if err != nil || res.Status != StatusSuccess {
				t.Fatalf("deploy: %v %+v", err, res)
			}
			factory := res.Address
			child := crypto.CreateAddress(factory, 1) // a new contract's nonce starts at 1 (EIP-161)
			counterInit := readFile(t, "examples", "counter", "counter.initcode")
			salt := common.HexToHash("0x5a17")
			child2 := crypto.CreateAddress2(factory, salt, crypto.Keccak256(counterInit))
			runSteps(t, rt, factory, []step{
				{"deploy", alice, call("deploy()"), StatusSuccess, append(common.LeftPadBytes(child[:], 32), word(1)...), nil},
				{"lastChild", alice, call("lastChild()"), StatusSuccess, common.LeftPadBytes(child[:], 32), nil},
				{"deploy2", alice, call("deploy2(bytes32)", salt[:]), StatusSuccess, append(common.LeftPadBytes(child2[:], 32), word(1)...), nil},
				{"deploy2 again collides", alice, call("deploy2(bytes32)", salt[:]), StatusRevert, call("CreateFailed()"), nil},
			})
			if got := st.GetCode(child); !bytes.Equal(got, st.GetCode(child2)) || !guest.IsRISCV(got) {
				t.Errorf("children's code differ or are not RISC-V")
			}
			// 1, plus the two creates; the colliding CREATE2 bumped it too, but the
			// factory's revert undid that.
			if n := st.GetNonce(factory); n != 3 {
				t.Errorf("factory nonce %d, want 3", n)
			}
			// A call through proxy reaches the child; the child's revert comes back byte for byte.
			proxy := func(target common.Address, data []byte) []byte {
				input := call("proxy(address,bytes)", common.LeftPadBytes(target[:], 32), word(64), word(uint64(len(data))), common.RightPadBytes(data, (len(data)+31)/32*32))
				return input
			}
			runSteps(t, rt, factory, []step{
				{"proxy increment", alice, proxy(child, selector("increment()")), StatusSuccess, []byte{}, nil},
				{"proxy get", alice, proxy(child, selector("get()")), StatusSuccess, word(2), nil},
				{"proxy forwards a revert", alice, proxy(child, []byte{0xde, 0xad, 0xbe, 0xef}), StatusRevert, []byte{}, nil},
			})
		})
	}
}

// TestHostileContracts: bad syscall arguments, huge returns, depth exhaustion and
// oversized calldata end as failures of the frame (all its gas used, state reverted),
// never as host errors.
func TestHostileContracts(t *testing.T) {
	for _, e := range testEngines() {
		t.Run(e.String(), func(t *testing.T) {
			rt, st := newTestRuntime(t, e)
			ctx := context.Background()
			deploy := func(name string) common.Address {
				res, err := rt.Create(ctx, CreateMsg{From: alice, Initcode: readFile(t, "testdata", "riscv", "contracts", name+".initcode"), Gas: 10_000_000})
				if err != nil || res.Status != StatusSuccess {
					t.Fatalf("deploy %s: %v %+v", name, err, res)
				}
				return res.Address
			}
			badptr := deploy("badptr")
			st.AddBalance(badptr, uint256.NewInt(10))
			const gas = 1_000_000
			type outcome int
			const (
				fault outcome = iota
				zeroWord
				succeeds
				oneWord
			)
			modes := []struct {
				mode byte
				want outcome
			}{
				{0x00, fault}, {0x01, fault}, {0x02, fault}, {0x03, fault}, {0x04, fault},
				{0x05, zeroWord}, {0x06, succeeds}, {0x07, zeroWord}, {0x08, succeeds},
				{0x09, zeroWord}, {0x0A, succeeds}, {0x0B, zeroWord}, {0x0C, oneWord},
				{0x0D, fault}, {0x0E, fault}, {0x0F, fault}, {0x10, fault}, {0x11, fault},
				{0x12, zeroWord}, {0x13, succeeds},
			}
			for _, m := range modes {
				res, err := rt.Call(ctx, CallMsg{From: alice, To: badptr, Input: []byte{m.mode}, Gas: gas})
				if err != nil {
					t.Fatalf("mode %#x: host error %v", m.mode, err)
				}
				switch m.want {
				case fault:
					var f *guest.Fault
					if res.Status != StatusFailure || res.GasUsed != gas || !errors.As(res.Err, &f) {
						t.Errorf("mode %#x: %v %v gas %d, want a guest fault using all gas", m.mode, res.Status, res.Err, res.GasUsed)
					}
				case zeroWord, oneWord:
					want := word(0)
					if m.want == oneWord {
						want = word(1)
					}
					if res.Status != StatusSuccess || !bytes.Equal(res.Output, want) {
						t.Errorf("mode %#x: %v %v output %x, want %x", m.mode, res.Status, res.Err, res.Output, want)
					}
				case succeeds:
					if res.Status != StatusSuccess {
						t.Errorf("mode %#x: %v %v, want success", m.mode, res.Status, res.Err)
					}
				}
			}

			big := deploy("bigreturn")
			for mode, wantOOG := range map[byte]bool{0: false, 1: true, 2: false, 3: false, 4: true} {
				res, err := rt.Call(ctx, CallMsg{From: alice, To: big, Input: []byte{mode}, Gas: 30_000_000})
				if err != nil {
					t.Fatal(err)
				}
				if res.Status != StatusFailure || res.GasUsed != 30_000_000 || errors.Is(res.Err, host.ErrOutOfGas) != wantOOG {
					t.Errorf("bigreturn mode %d: %v %v (gas %d), want failure (out of gas: %v)", mode, res.Status, res.Err, res.GasUsed, wantOOG)
				}
			}

			scan := deploy("calldata_scan")
			input := bytes.Repeat([]byte{0xA5, 0x01, 0x00, 0xFF}, 40)
			res, err := rt.Call(ctx, CallMsg{From: alice, To: scan, Input: input, Gas: 30_000_000})
			if err != nil || res.Status != StatusSuccess || !bytes.Equal(res.Output, append(word(160), word(2*(160+34+4)+1)...)) {
				t.Errorf("calldata_scan: %v %+v", err, res)
			}
			res, err = rt.Call(ctx, CallMsg{From: alice, To: scan, Input: make([]byte, guest.MaxCalldata+1), Gas: 30_000_000})
			if err != nil || res.Status != StatusFailure || res.GasUsed != 30_000_000 {
				t.Errorf("calldata over the window: %v %+v, want failure using all gas", err, res)
			}

			// Depth: with enough gas the 1025th frame's CALL fails on the depth limit.
			if testtools.Emulated() != "" {
				t.Logf("recursion to depth 1024 not run under %s: %s", testtools.Emulated(), testtools.DeepRecursionUnderEmulator)
				return
			}
			rec := deploy("recurse")
			res, err = rt.Call(ctx, CallMsg{From: alice, To: rec, Input: word(0), Gas: 1 << 50})
			if err != nil || res.Status != StatusSuccess || !bytes.Equal(res.Output, word(1024)) {
				t.Errorf("recurse: %v %v %x, want success returning 1024", err, res.Status, res.Output)
			}
		})
	}
}

// TestExampleSelectors checks every selector, error and topic constant in the C
// sources against go-ethereum's keccak of the signature written next to it.
func TestExampleSelectors(t *testing.T) {
	re := regexp.MustCompile(`0x([0-9a-fA-F]{8})u?\s*,?\s*/\*\s*([A-Za-z_][A-Za-z0-9_]*\([^)]*\))`)
	n := 0
	for _, glob := range []string{"examples/*/*.[ch]", "testdata/riscv/contracts/*.c", "sdk/c/*.h"} {
		files, _ := filepath.Glob(glob)
		for _, f := range files {
			for _, m := range re.FindAllStringSubmatch(string(readFile(t, f)), -1) {
				sig := strings.ReplaceAll(m[2], " ", "")
				if _, err := abi.ParseSelector(sig); err != nil {
					continue // a call in a comment, not a signature
				}
				n++
				if got := common.Bytes2Hex(selector(sig)); !strings.EqualFold(got, m[1]) {
					t.Errorf("%s: 0x%s for %s, keccak gives 0x%s", f, m[1], sig, got)
				}
			}
		}
	}
	if n < 20 {
		t.Fatalf("found only %d selector constants; the pattern no longer matches the sources", n)
	}
}

// backend selects the state a test runtime runs on.
type backend int

const (
	embedded backend = iota // state.State
	geth                    // go-ethereum's core/state through state/gethstate
)

func (b backend) String() string { return [...]string{"embedded", "geth"}[b] }

func newBackendRuntime(t testing.TB, e Engine, b backend) *Runtime {
	t.Helper()
	var db host.StateDB = state.New()
	if b == geth {
		sdb, err := gethcore.New(types.EmptyRootHash, gethcore.NewDatabaseForTesting())
		if err != nil {
			t.Fatal(err)
		}
		db = gethstate.New(sdb, gethstate.RulesFor(host.LatestFork))
	}
	rt, err := NewRuntime(context.Background(), Config{Engine: e, Fork: ForkLatest, State: db})
	if err != nil {
		t.Fatal(err)
	}
	return rt
}
