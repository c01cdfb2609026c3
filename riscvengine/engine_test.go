package riscvengine_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/holiman/uint256"

	"github.com/hybridvm/hybridvm/host"
	"github.com/hybridvm/hybridvm/machine"
	"github.com/hybridvm/hybridvm/riscvengine"
	"github.com/hybridvm/hybridvm/runtime"
	"github.com/hybridvm/hybridvm/state"
)

// noEVM fails every EVM frame: these tests run RISC-V code only.
type noEVM struct{}

func (noEVM) Execute(host.Host, *host.Message, []byte, host.Hash) host.Result {
	return host.Failed(os.ErrInvalid)
}

var (
	rvDeployer = common.HexToAddress("0x1000000000000000000000000000000000000001")
)

func readExample(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "examples", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// newRISCVRuntime returns a runtime with the RISC-V engine over a fresh state in which
// the deployer has funds.
func newRISCVRuntime(t *testing.T, engine machine.Engine) (*runtime.Runtime, *state.State) {
	t.Helper()
	st := state.New()
	st.CreateAccount(rvDeployer)
	st.AddBalance(rvDeployer, uint256.NewInt(1e18))
	rt, err := runtime.New(runtime.Config{Fork: host.LatestFork, EVM: noEVM{}, RISCV: riscvengine.New(riscvengine.Config{Engine: engine, Fork: host.LatestFork})}, st)
	if err != nil {
		t.Fatal(err)
	}
	return rt, st
}

func TestRISCVCounter(t *testing.T) {
	rt, _ := newRISCVRuntime(t, machine.EngineInterp)
	res := rt.Call(&host.Message{Kind: host.KindCreate, Gas: 10_000_000, Sender: rvDeployer, Input: readExample(t, "counter/counter.initcode")})
	if res.Status != host.StatusSuccess {
		t.Fatalf("create: %v %v", res.Status, res.Err)
	}
	addr := res.CreateAddress
	call := func(input []byte) host.Result {
		return rt.Call(&host.Message{Kind: host.KindCall, Gas: 1_000_000, Sender: rvDeployer, Recipient: addr, CodeAddress: addr, Input: input})
	}
	inc := common.FromHex("d09de08a")
	for i := 0; i < 3; i++ {
		if r := call(inc); r.Status != host.StatusSuccess {
			t.Fatalf("increment: %v %v", r.Status, r.Err)
		}
	}
	r := call(common.FromHex("6d4ce63c"))
	if r.Status != host.StatusSuccess || new(uint256.Int).SetBytes(r.Output).Uint64() != 3 || len(r.Output) != 32 {
		t.Fatalf("get: %v %v %x", r.Status, r.Err, r.Output)
	}
	t.Logf("get(): gas used %d, instructions %d", 1_000_000-r.GasLeft, r.Instructions)
}
