package evm

import (
	"errors"
	"math"
	"testing"

	"github.com/holiman/uint256"

	"github.com/hybridvm/hybridvm/host"
)

// Hostile and malformed code: every case must end as the EVM says (an exceptional halt using
// all gas, or a normal stop), never a panic, a hang or a huge allocation — including with
// absurd amounts of gas.

// lastStack records the stack at the last traced step.
type lastStack struct{ stack []uint256.Int }

func (l *lastStack) OnOpcode(pc uint64, op OpCode, gas, cost uint64, s *Scope, depth int, err error) {
	l.stack = append(l.stack[:0], s.Stack()...)
}
func (l *lastStack) OnExit(int, []byte, uint64, error, bool) {}

func TestTruncatedPush(t *testing.T) {
	for _, tc := range []struct {
		name string
		code []byte
		want string
	}{
		{"PUSH2 with one byte left pads on the right", []byte{0x61, 0xab}, "0xab00"},
		{"PUSH32 with no bytes left is zero", []byte{0x7f}, "0x0"},
		{"PUSH32 with 3 bytes left", []byte{0x7f, 1, 2, 3}, "0x102030000000000000000000000000000000000000000000000000000000000"},
		{"PUSH9 with 8 bytes left", []byte{0x68, 1, 2, 3, 4, 5, 6, 7, 8}, "0x10203040506070800"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, _ := run(t, host.Cancun, tc.code, gasRich, nil)
			if res.Status != host.StatusSuccess || gasRich-res.GasLeft != 3 {
				t.Fatalf("%v (%v), used %d", res.Status, res.Err, gasRich-res.GasLeft)
			}
			// Observe the pushed value through a tracer: STOP's step sees the stack.
			rec := &lastStack{}
			e, _ := New(Config{Fork: host.Cancun, Tracer: rec})
			e.Execute(newTestHost(), &host.Message{Gas: gasRich}, tc.code, host.Hash{})
			if len(rec.stack) != 1 || !rec.stack[0].Eq(uint256.MustFromHex(tc.want)) {
				t.Errorf("stack %v, want [%s]", rec.stack, tc.want)
			}
		})
	}
}

func TestHugeMemoryOffsets(t *testing.T) {
	huge := []string{"0xffffffffffffffff", minInt, "0x100000000", "0xffffffffffffffe0", minus1}
	type mk func(off string) []byte
	for _, tc := range []struct {
		name string
		code mk
	}{
		{"MLOAD", func(o string) []byte { return asm(p(o), MLOAD) }},
		{"MSTORE", func(o string) []byte { return asm(p(1), p(o), MSTORE) }},
		{"MSTORE8", func(o string) []byte { return asm(p(1), p(o), MSTORE8) }},
		{"KECCAK256 size", func(o string) []byte { return asm(p(o), PUSH0, KECCAK256) }},
		{"KECCAK256 offset", func(o string) []byte { return asm(p(1), p(o), KECCAK256) }},
		{"CALLDATACOPY size", func(o string) []byte { return asm(p(o), PUSH0, PUSH0, CALLDATACOPY) }},
		{"CODECOPY offset", func(o string) []byte { return asm(p(1), PUSH0, p(o), CODECOPY) }},
		{"EXTCODECOPY size", func(o string) []byte { return asm(p(o), PUSH0, PUSH0, ADDRESS, EXTCODECOPY) }},
		{"MCOPY destination", func(o string) []byte { return asm(p(1), PUSH0, p(o), MCOPY) }},
		{"MCOPY source", func(o string) []byte { return asm(p(1), p(o), PUSH0, MCOPY) }},
		{"LOG0 size", func(o string) []byte { return asm(p(o), PUSH0, LOG0) }},
		{"RETURN size", func(o string) []byte { return asm(p(o), PUSH0, RETURN) }},
		{"REVERT offset", func(o string) []byte { return asm(p(1), p(o), REVERT) }},
		{"CALL input", func(o string) []byte { return asm(PUSH0, PUSH0, p(o), PUSH0, PUSH0, ADDRESS, GAS, CALL) }},
		{"STATICCALL output", func(o string) []byte { return asm(p(o), PUSH0, PUSH0, PUSH0, ADDRESS, GAS, STATICCALL) }},
		{"CREATE size", func(o string) []byte { return asm(p(o), PUSH0, PUSH0, CREATE) }},
		{"CREATE2 offset", func(o string) []byte { return asm(PUSH0, p(1), p(o), PUSH0, CREATE2) }},
	} {
		for _, off := range huge {
			for _, gas := range []int64{gasRich, math.MaxInt64} {
				t.Run(tc.name+"/"+off, func(t *testing.T) {
					res, _ := run(t, host.Cancun, tc.code(off), gas, nil)
					if res.Status != host.StatusFailure || res.GasLeft != 0 {
						t.Fatalf("%v (%v) with %d gas left, want an exceptional halt", res.Status, res.Err, res.GasLeft)
					}
				})
			}
		}
	}
}

// TestZeroLengthAtHugeOffset: a zero-length access at any offset touches no memory.
func TestZeroLengthAtHugeOffset(t *testing.T) {
	for _, tc := range []struct {
		name string
		code []byte
	}{
		{"KECCAK256", asm(PUSH0, p(minus1), KECCAK256, POP)},
		{"CALLDATACOPY", asm(PUSH0, p(minus1), p(minus1), CALLDATACOPY)},
		{"MCOPY", asm(PUSH0, p(minus1), p(minus1), MCOPY)},
		{"LOG0", asm(PUSH0, p(minus1), LOG0)},
		{"RETURN", asm(PUSH0, p(minus1), RETURN)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, _ := run(t, host.Cancun, append(tc.code, byte(MSIZE), byte(PUSH0), byte(MSTORE)), gasRich, nil)
			if res.Status != host.StatusSuccess {
				t.Fatalf("%v (%v)", res.Status, res.Err)
			}
		})
	}
	// RETURNDATACOPY is the exception (EIP-211): an offset beyond the return data fails even
	// for zero bytes.
	res, _ := run(t, host.Cancun, asm(PUSH0, p(minus1), PUSH0, RETURNDATACOPY), gasRich, nil)
	if !errors.Is(res.Err, ErrReturnDataOutOfBounds) {
		t.Errorf("RETURNDATACOPY of 0 bytes at 2^256-1: %v", res.Err)
	}
}

func TestStackLimits(t *testing.T) {
	pushes := func(n int) []byte {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(PUSH0)
		}
		return b
	}
	for _, tc := range []struct {
		name string
		code []byte
		ok   bool
	}{
		{"1024 items", pushes(1024), true},
		{"1025 items", pushes(1025), false},
		{"DUP1 on a full stack", append(pushes(1024), byte(DUP1)), false},
		{"SWAP16 needs 17 items", append(pushes(16), byte(SWAP16)), false},
		{"DUP16 with 16 items", append(pushes(16), byte(DUP16)), true},
		{"a block longer than the stack is deep", append(pushes(3000), byte(STOP)), false},
		{"POP on an empty stack", asm(POP), false},
		{"CALL with 6 items", asm(PUSH0, PUSH0, PUSH0, PUSH0, PUSH0, PUSH0, CALL), false},
		{"a loop that grows the stack", asm(JUMPDEST, PUSH0, PUSH0, JUMP), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, _ := run(t, host.Cancun, tc.code, gasRich, nil)
			if (res.Status == host.StatusSuccess) != tc.ok {
				t.Fatalf("%v (%v)", res.Status, res.Err)
			}
			if !tc.ok && res.GasLeft != 0 {
				t.Errorf("halt left %d gas", res.GasLeft)
			}
		})
	}
}

// TestInfiniteLoopEndsOutOfGas: a tight loop with a huge gas allowance ends by gas (the test
// would hang otherwise).
func TestInfiniteLoopEndsOutOfGas(t *testing.T) {
	res, _ := run(t, host.Cancun, asm(JUMPDEST, PUSH0, JUMP), 3_000_000, nil)
	if !errors.Is(res.Err, host.ErrOutOfGas) {
		t.Errorf("%v (%v)", res.Status, res.Err)
	}
}

func TestNegativeGasRejected(t *testing.T) {
	e, _ := New(Config{Fork: host.Cancun})
	res := e.Execute(newTestHost(), &host.Message{Gas: -1}, asm(STOP), host.Hash{})
	if res.Status != host.StatusFailure || res.Err == nil {
		t.Errorf("negative gas: %+v", res)
	}
}

func TestNewRejectsUnknownFork(t *testing.T) {
	if _, err := New(Config{Fork: host.Fork(77)}); err == nil {
		t.Error("New accepted fork 77")
	}
	if _, err := New(Config{Fork: host.Cancun, CacheBytes: -1}); err == nil {
		t.Error("New accepted a negative cache size")
	}
}

// TestRandomBytes runs random byte strings as code: no panics, and the fast and traced loops
// agree (run checks that).
func TestRandomBytes(t *testing.T) {
	r := newProgGen(1, host.Osaka).r
	for i := 0; i < 3000; i++ {
		code := make([]byte, 1+r.Intn(200))
		r.Read(code)
		run(t, forks[i%3], code, int64(r.Intn(200000)), nil)
	}
}
