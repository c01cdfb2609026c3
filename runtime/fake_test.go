package runtime

import (
	"errors"
	"fmt"
	"testing"

	"github.com/ethereum/go-ethereum/crypto"
	"github.com/holiman/uint256"

	"github.com/hybridvm/hybridvm/host"
	"github.com/hybridvm/hybridvm/state"
)

// A fake engine stands in for the EVM and the RISC-V machine: account code is
// the name of a Go function (a "program") that does what a test needs through
// host.Host, calls and creates included.

type program func(h host.Host, msg *host.Message) host.Result

type frameRecord struct {
	kind        host.CallKind
	depth       int
	recipient   host.Address
	codeAddress host.Address
	code        string
	gas         int64
}

type fakeEngine struct {
	t      testing.TB
	name   string
	progs  map[string]program
	frames []frameRecord
}

func newFake(t testing.TB, name string) *fakeEngine {
	return &fakeEngine{t: t, name: name, progs: map[string]program{}}
}

var errUnknownCode = errors.New("fake engine: unknown code")

func (e *fakeEngine) Execute(h host.Host, msg *host.Message, code []byte, codeHash host.Hash) host.Result {
	if codeHash != crypto.Keccak256Hash(code) && (codeHash != (host.Hash{}) || (!msg.Kind.IsCreate() && msg.Code == nil)) {
		e.t.Errorf("%s engine: code hash %x is neither keccak256 of the code nor zero for initcode", e.name, codeHash)
	}
	if len(e.frames) < 4096 {
		e.frames = append(e.frames, frameRecord{msg.Kind, msg.Depth, msg.Recipient, msg.CodeAddress, string(code), msg.Gas})
	}
	p := e.progs[string(code)]
	if p == nil {
		return host.Failed(fmt.Errorf("%w %x", errUnknownCode, code))
	}
	return p(h, msg)
}

// prog registers a program and returns the code that runs it: 0x01 ‖ name (an
// EVM-routed first byte), or 0xFF ‖ name for the RISC-V fake.
func (e *fakeEngine) prog(name string, p program) []byte {
	prefix := byte(0x01)
	if e.name == "riscv" {
		prefix = 0xFF
	}
	code := append([]byte{prefix}, name...)
	e.progs[string(code)] = p
	return code
}

// env is a runtime over a fresh state with fake engines.
type env struct {
	t     *testing.T
	rt    *Runtime
	st    *state.State
	evm   *fakeEngine
	riscv *fakeEngine
}

func newEnv(t *testing.T, fork host.Fork, withRISCV bool) *env {
	e := &env{t: t, st: state.New(), evm: newFake(t, "evm"), riscv: newFake(t, "riscv")}
	cfg := Config{Fork: fork, EVM: e.evm}
	if withRISCV {
		cfg.RISCV = e.riscv
	}
	rt, err := New(cfg, e.st)
	if err != nil {
		t.Fatal(err)
	}
	e.rt = rt
	e.st.BeginTx()
	return e
}

// useState switches the runtime to st and starts a transaction on it.
func (e *env) useState(st *state.State) {
	e.st = st
	e.rt.UseState(st)
	st.BeginTx()
}

func addr(b byte) host.Address { return host.Address{19: b, 0: 0xAA} }

func u(v uint64) *uint256.Int { return uint256.NewInt(v) }

func (e *env) account(a host.Address, balance uint64, code []byte) {
	e.st.SetBalance(a, u(balance))
	if code != nil {
		e.st.SetCode(a, code)
	}
}

// call runs a top-level frame.
func (e *env) call(kind host.CallKind, from, to host.Address, value uint64, gas int64, input []byte) host.Result {
	msg := &host.Message{Kind: kind, Sender: from, Recipient: to, CodeAddress: to, Gas: gas, Input: input}
	msg.Value.SetUint64(value)
	if kind == host.KindCallCode || kind == host.KindDelegateCall {
		msg.Recipient = from
	}
	return e.rt.Call(msg)
}

// Programs used by many tests.

// sstoreProg writes slot 1 = 1 and returns.
func sstoreProg(h host.Host, msg *host.Message) host.Result {
	h.SetState(msg.Recipient, host.Hash{31: 1}, host.Hash{31: 1})
	return host.Result{Status: host.StatusSuccess, GasLeft: msg.Gas - 100}
}

// revertProg writes slot 1 = 2 and reverts, keeping gas.
func revertProg(h host.Host, msg *host.Message) host.Result {
	h.SetState(msg.Recipient, host.Hash{31: 1}, host.Hash{31: 2})
	return host.Result{Status: host.StatusRevert, Err: host.ErrExecutionReverted, GasLeft: msg.Gas - 10, Output: []byte("no")}
}

// failProg writes slot 1 = 3 and halts exceptionally, claiming gas back (the
// runtime must not give it).
func failProg(h host.Host, msg *host.Message) host.Result {
	h.SetState(msg.Recipient, host.Hash{31: 1}, host.Hash{31: 3})
	return host.Result{Status: host.StatusFailure, Err: host.ErrOutOfGas, GasLeft: msg.Gas}
}

// returnProg returns fixed bytes (as initcode: the code to deploy).
func returnProg(out []byte) program {
	return func(h host.Host, msg *host.Message) host.Result {
		return host.Result{Status: host.StatusSuccess, GasLeft: msg.Gas, Output: out}
	}
}
