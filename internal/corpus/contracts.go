package corpus

import (
	"bytes"
	"fmt"
	"math/big"
	"os"
	"path/filepath"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/holiman/uint256"

	"github.com/hybridvm/hybridvm/evm"
	"github.com/hybridvm/hybridvm/host"
	"github.com/hybridvm/hybridvm/machine"
	"github.com/hybridvm/hybridvm/riscvengine"
	"github.com/hybridvm/hybridvm/runtime"
	"github.com/hybridvm/hybridvm/state"
)

// Scenario deploys contracts and calls them, each step through riscvengine.Engine.
type Scenario struct {
	Name string
	// Deploy lists initcode files (relative to the repository root), deployed in
	// order by Deployer; step targets index this list.
	Deploy []string
	Steps  []Step
}

// Step is one transaction-level call.
type Step struct {
	Name   string
	Target int // index into Deploy
	Input  []byte
	Gas    int64
}

// StepResult is what engines must agree on after a step.
type StepResult struct {
	Name         string
	Status       host.Status
	Err          string
	GasLeft      int64
	Output       []byte
	Instructions uint64
	Created      host.Address
	Root, Logs   host.Hash // state root and logs hash after the step
}

func (a StepResult) equal(b StepResult) bool {
	return a.Name == b.Name && a.Status == b.Status && a.Err == b.Err && a.GasLeft == b.GasLeft &&
		bytes.Equal(a.Output, b.Output) && a.Instructions == b.Instructions && a.Created == b.Created &&
		a.Root == b.Root && a.Logs == b.Logs
}

func (a StepResult) String() string {
	out := a.Output
	if len(out) > 64 {
		out = out[:64]
	}
	return fmt.Sprintf("%s: status %v err %q gas left %d instructions %d output %x (%d bytes) created %v root %x logs %x",
		a.Name, a.Status, a.Err, a.GasLeft, a.Instructions, out, len(a.Output), a.Created, a.Root[:4], a.Logs[:4])
}

// Deployer deploys and calls everything (funded in the scenario's state).
var Deployer = common.HexToAddress("0x00000000000000000000000000000000000a11ce")

var other = common.HexToAddress("0x0000000000000000000000000000000000000b0b")

// RunScenario runs s on engine e, with images cached in cache.
func RunScenario(root string, s Scenario, e Engine, cache *machine.Cache) ([]StepResult, error) {
	if e.Disk {
		de := e
		de.Disk = false
		return fromDisk(func(c *machine.Cache) ([]StepResult, error) { return RunScenario(root, s, de, c) })
	}
	vm, err := evm.New(evm.Config{Fork: host.LatestFork})
	if err != nil {
		return nil, err
	}
	db := state.New()
	db.CreateAccount(Deployer)
	db.AddBalance(Deployer, uint256.NewInt(1e18))
	// Unmetered: every step runs native code from its first block (the corpus is about
	// engine agreement; metering only decides when code switches to native).
	rv := riscvengine.New(riscvengine.Config{Engine: e.Engine, Fork: host.LatestFork, Cache: cache, Unmetered: true})
	rt, err := runtime.New(runtime.Config{Fork: host.LatestFork, EVM: vm, RISCV: rv}, db)
	if err != nil {
		return nil, err
	}
	var results []StepResult
	record := func(name string, r host.Result) {
		sr := StepResult{Name: name, Status: r.Status, GasLeft: r.GasLeft, Output: r.Output,
			Instructions: r.Instructions, Created: r.CreateAddress, Root: db.Root(), Logs: db.LogsHash()}
		if r.Err != nil {
			sr.Err = r.Err.Error()
		}
		results = append(results, sr)
	}
	var addrs []host.Address
	for _, path := range s.Deploy {
		initcode, err := os.ReadFile(filepath.Join(root, path))
		if err != nil {
			return nil, err
		}
		r := rt.Call(&host.Message{Kind: host.KindCreate, Gas: 30_000_000, Sender: Deployer, Input: initcode})
		record("deploy "+path, r)
		addrs = append(addrs, r.CreateAddress)
	}
	for _, st := range s.Steps {
		gas := st.Gas
		if gas == 0 {
			gas = 5_000_000
		}
		to := addrs[st.Target]
		record(st.Name, rt.Call(&host.Message{Kind: host.KindCall, Gas: gas, Sender: Deployer, Recipient: to, CodeAddress: to, Input: st.Input}))
	}
	return results, nil
}

func sel(sig string) []byte { return crypto.Keccak256([]byte(sig))[:4] }

func word(v uint64) []byte { return common.LeftPadBytes(new(big.Int).SetUint64(v).Bytes(), 32) }

func addr(a common.Address) []byte { return common.LeftPadBytes(a[:], 32) }

func calldata(sig string, args ...[]byte) []byte { return append(sel(sig), bytes.Join(args, nil)...) }

// Scenarios are the contract scenarios of the corpus: the examples' life cycles and
// the testdata contracts' modes.
func Scenarios() []Scenario {
	erc20 := []Step{
		{Name: "name", Input: calldata("name()")},
		{Name: "symbol", Input: calldata("symbol()")},
		{Name: "mint", Input: calldata("mint(address,uint256)", addr(Deployer), word(1_000_000))},
		{Name: "transfer", Input: calldata("transfer(address,uint256)", addr(other), word(250))},
		{Name: "transfer too much", Input: calldata("transfer(address,uint256)", addr(other), word(1<<40))},
		{Name: "approve", Input: calldata("approve(address,uint256)", addr(other), word(100))},
		{Name: "allowance", Input: calldata("allowance(address,address)", addr(Deployer), addr(other))},
		{Name: "balanceOf", Input: calldata("balanceOf(address)", addr(other))},
		{Name: "totalSupply", Input: calldata("totalSupply()")},
		{Name: "unknown selector", Input: []byte{1, 2, 3, 4}},
		{Name: "short calldata", Input: []byte{1}},
		{Name: "transfer out of gas", Input: calldata("transfer(address,uint256)", addr(other), word(1)), Gas: 30_000},
	}
	counter := []Step{
		{Name: "increment", Input: calldata("increment()")},
		{Name: "increment again", Input: calldata("increment()")},
		{Name: "set", Input: calldata("set(uint256)", word(41))},
		{Name: "get", Input: calldata("get()")},
	}
	fib := []Step{
		{Name: "fib(10)", Input: calldata("fib(uint256)", word(10))},
		{Name: "fib(90)", Input: calldata("fib(uint256)", word(90))},
		{Name: "fibRec(20)", Input: calldata("fibRec(uint256)", word(20))},
		{Name: "fibRec(25) out of gas", Input: calldata("fibRec(uint256)", word(25)), Gas: 200_000},
	}
	factory := []Step{
		{Name: "deploy", Input: calldata("deploy()")},
		{Name: "lastChild", Input: calldata("lastChild()")},
		{Name: "deploy2", Input: calldata("deploy2(bytes32)", word(0x5a17))},
		{Name: "deploy2 collides", Input: calldata("deploy2(bytes32)", word(0x5a17))},
	}
	var badptr, bigreturn []Step
	for mode := 0; mode <= 0x13; mode++ {
		badptr = append(badptr, Step{Name: fmt.Sprintf("mode %#x", mode), Input: []byte{byte(mode)}})
	}
	for mode := 0; mode <= 2; mode++ {
		bigreturn = append(bigreturn, Step{Name: fmt.Sprintf("mode %#x", mode), Input: []byte{byte(mode)}})
	}
	var scan []Step
	for _, n := range []int{0, 1, 31, 32, 33, 100} {
		scan = append(scan, Step{Name: fmt.Sprintf("%d bytes", n), Input: bytes.Repeat([]byte{0xA5}, n), Gas: 20_000_000})
	}
	return []Scenario{
		{Name: "erc20", Deploy: []string{"examples/erc20/erc20.initcode"}, Steps: erc20},
		{Name: "counter", Deploy: []string{"examples/counter/counter.initcode"}, Steps: counter},
		{Name: "fib", Deploy: []string{"examples/fib/fib.initcode"}, Steps: fib},
		{Name: "factory", Deploy: []string{"examples/factory/factory.initcode"}, Steps: factory},
		{Name: "badptr", Deploy: []string{"testdata/riscv/contracts/badptr.initcode"}, Steps: badptr},
		{Name: "bigreturn", Deploy: []string{"testdata/riscv/contracts/bigreturn.initcode"}, Steps: bigreturn},
		{Name: "calldata_scan", Deploy: []string{"testdata/riscv/contracts/calldata_scan.initcode"}, Steps: scan},
		{Name: "recurse", Deploy: []string{"testdata/riscv/contracts/recurse.initcode"}, Steps: []Step{
			{Name: "recurse 1M gas", Input: word(0), Gas: 1_000_000},
			{Name: "recurse 30M gas", Input: word(0), Gas: 30_000_000},
		}},
	}
}
