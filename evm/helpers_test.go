package evm

import (
	"bytes"
	"fmt"
	"math/big"
	"testing"

	"github.com/holiman/uint256"

	"github.com/hybridvm/hybridvm/host"
)

// pushv is a PUSH of a value in asm.
type pushv struct{ v *uint256.Int }

// p returns a push of v (uint64, int, hex string or *uint256.Int), shortest encoding.
func p(v any) pushv {
	switch x := v.(type) {
	case int:
		return pushv{uint256.NewInt(uint64(x))}
	case uint64:
		return pushv{uint256.NewInt(x)}
	case string:
		return pushv{uint256.MustFromHex(x)}
	case *uint256.Int:
		return pushv{x}
	case *big.Int:
		return pushv{uint256.MustFromBig(x)}
	}
	panic(fmt.Sprintf("p(%T)", v))
}

// asm assembles opcodes, pushes and raw bytes.
func asm(parts ...any) []byte {
	var b []byte
	for _, part := range parts {
		switch x := part.(type) {
		case OpCode:
			b = append(b, byte(x))
		case pushv:
			v := x.v.Bytes()
			if len(v) == 0 {
				v = []byte{0}
			}
			b = append(b, byte(PUSH1)+byte(len(v)-1))
			b = append(b, v...)
		case []byte:
			b = append(b, x...)
		default:
			panic(fmt.Sprintf("asm(%T)", part))
		}
	}
	return b
}

// retTop returns the code that stores the top of the stack at 0 and returns 32 bytes.
func retTop() []byte { return asm(PUSH0, MSTORE, p(32), PUSH0, RETURN) }

// run executes code as testContract on a fresh test host, on both loops, requires the two
// results to agree, and returns the fast loop's result and host.
func run(t *testing.T, fork host.Fork, code []byte, gas int64, setup func(h *testHost)) (host.Result, *testHost) {
	t.Helper()
	var results [2]host.Result
	var hosts [2]*testHost
	for i, tracer := range []Tracer{nil, nopTracer{}} {
		e, err := New(Config{Fork: fork, Tracer: tracer})
		if err != nil {
			t.Fatal(err)
		}
		h := newTestHost()
		h.evm = e
		h.setAccount(testContract, 0, code, nil)
		h.tx.Origin = testOrigin
		if setup != nil {
			setup(h)
		}
		msg := &host.Message{Kind: host.KindCall, Gas: gas, Recipient: testContract, Sender: testOrigin, CodeAddress: testContract}
		if m, ok := h.msgOverride(); ok {
			m.Gas, m.Recipient, m.CodeAddress = gas, testContract, testContract
			msg = m
		}
		results[i] = e.Execute(h, msg, code, host.Hash{})
		hosts[i] = h
	}
	a, b := results[0], results[1]
	if a.Status != b.Status || a.GasLeft != b.GasLeft || !bytes.Equal(a.Output, b.Output) || fmt.Sprint(a.Err) != fmt.Sprint(b.Err) {
		t.Fatalf("fast and traced loops disagree: %+v vs %+v", a, b)
	}
	return a, hosts[0]
}

// msgOverride lets a setup function supply the message (stored in the host's tx context
// slot for tests).
func (h *testHost) msgOverride() (*host.Message, bool) {
	if h.testMsg == nil {
		return nil, false
	}
	m := *h.testMsg
	return &m, true
}

func word(r host.Result) *uint256.Int {
	return new(uint256.Int).SetBytes(r.Output)
}
