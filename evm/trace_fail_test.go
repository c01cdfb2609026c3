package evm

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/ethereum/go-ethereum/eth/tracers/logger"
	"github.com/holiman/uint256"

	"github.com/hybridvm/hybridvm/host"
)

// Failing steps against go-ethereum's JSON logger. TestJSONTracerMatchesGeth compares
// random programs, which rarely fail in the corners where the two implementations compute
// a failure differently: memory sizes beyond what any gas pays for, sizes whose
// arithmetic overflows, the staged out-of-gas checks of the CALL family, creates whose
// code is too large, writes in a static frame. Here each program ends in one such failure
// and the traces — the failing step's gasCost and error, and every frame's summary line
// — must be identical byte for byte on every fork.

// traceCase is a program run at several gas limits, with optional code for testOther2 (the
// account the static-frame cases call).
type traceCase struct {
	name   string
	code   []byte
	callee []byte
	gas    []int64
}

// Memory operands at the edges of go-ethereum's arithmetic: within this package's 64 MiB
// cap, just beyond it, where the quadratic cost overflows (0x1FFFFFFFE0), where rounding to
// words overflows (2^64-32), and beyond 64 bits.
var (
	edgeOffsets = []string{"0x0", "0x3000000", "0x4000001", "0x20000000", "0x1fffffffc0", "0x1fffffffe0",
		"0x1fffffffe1", "0xffffffffffffffc0", "0xffffffffffffffe0", "0xffffffffffffffff", "0x10000000000000000",
		"0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"}
	edgeSizes = []string{"0x1", "0x20", "0x3000000", "0x20000000", "0x1fffffffe0", "0x1fffffffe1",
		"0xffffffffffffffe0", "0xffffffffffffffe1", "0xffffffffffffffff", "0x10000000000000000"}
)

// memOp describes an instruction's operands: their default values (top of stack first)
// and which of them are memory offsets and sizes.
type memOp struct {
	op      OpCode
	args    []string
	offsets []int
	sizes   []int
}

var memOps = []memOp{
	{MLOAD, []string{"0x0"}, []int{0}, nil},
	{MSTORE, []string{"0x0", "0x1"}, []int{0}, nil},
	{MSTORE8, []string{"0x0", "0x1"}, []int{0}, nil},
	{CALLDATACOPY, []string{"0x0", "0x0", "0x20"}, []int{0}, []int{2}},
	{CODECOPY, []string{"0x0", "0x0", "0x20"}, []int{0}, []int{2}},
	{RETURNDATACOPY, []string{"0x0", "0x0", "0x0"}, []int{0}, []int{2}},
	{EXTCODECOPY, []string{"0xb0b", "0x0", "0x0", "0x20"}, []int{1}, []int{3}},
	{MCOPY, []string{"0x0", "0x0", "0x20"}, []int{0, 1}, []int{2}},
	{KECCAK256, []string{"0x0", "0x20"}, []int{0}, []int{1}},
	{RETURN, []string{"0x0", "0x20"}, []int{0}, []int{1}},
	{REVERT, []string{"0x0", "0x20"}, []int{0}, []int{1}},
	{LOG0, []string{"0x0", "0x20"}, []int{0}, []int{1}},
	{LOG0 + 2, []string{"0x0", "0x20", "0x1", "0x2"}, []int{0}, []int{1}},
	{LOG4, []string{"0x0", "0x20", "0x1", "0x2", "0x3", "0x4"}, []int{0}, []int{1}},
	{CREATE, []string{"0x0", "0x0", "0x20"}, []int{1}, []int{2}},
	{CREATE2, []string{"0x0", "0x0", "0x20", "0x5"}, []int{1}, []int{2}},
	{CALL, []string{"0xffff", "0xb0b", "0x0", "0x0", "0x20", "0x0", "0x20"}, []int{3, 5}, []int{4, 6}},
	{CALLCODE, []string{"0xffff", "0xb0b", "0x1", "0x0", "0x20", "0x0", "0x20"}, []int{3, 5}, []int{4, 6}},
	{DELEGATECALL, []string{"0xffff", "0xb0b", "0x0", "0x20", "0x0", "0x20"}, []int{2, 4}, []int{3, 5}},
	{STATICCALL, []string{"0xffff", "0xca7", "0x0", "0x20", "0x0", "0x20"}, []int{2, 4}, []int{3, 5}},
}

// callOp pushes args (top of stack first) and executes op.
func callOp(op OpCode, args []string) []byte {
	var parts []any
	for i := len(args) - 1; i >= 0; i-- {
		parts = append(parts, p(args[i]))
	}
	return asm(append(parts, op)...)
}

// withArg returns args with args[i] = v.
func withArg(args []string, i int, v string) []string {
	a := append([]string(nil), args...)
	a[i] = v
	return a
}

func memoryCases() []traceCase {
	var cs []traceCase
	gas := []int64{100_000, 10_000_000}
	for _, m := range memOps {
		for _, i := range m.offsets {
			for _, v := range edgeOffsets {
				cs = append(cs, traceCase{name: fmt.Sprintf("%s arg %d = %s", m.op, i, v), code: callOp(m.op, withArg(m.args, i, v)), gas: gas})
			}
		}
		for _, i := range m.sizes {
			for _, v := range edgeSizes {
				cs = append(cs, traceCase{name: fmt.Sprintf("%s arg %d = %s", m.op, i, v), code: callOp(m.op, withArg(m.args, i, v)), gas: gas})
			}
		}
	}
	return cs
}

// sweep returns gas limits from lo to hi in steps.
func sweep(lo, hi, step int64) []int64 {
	var g []int64
	for x := lo; x <= hi; x += step {
		g = append(g, x)
	}
	return g
}

// callCases run the CALL family at every gas limit across the staged checks: the cold
// surcharge, memory, value transfer, the new account, EIP-7702's delegation, and the
// 63/64 share.
func callCases() []traceCase {
	step := int64(61)
	if testing.Short() {
		step = 307
	}
	gas := append(sweep(0, 40_000, step), 2_699, 2_700, 2_701, 11_700, 11_701, 36_700, 36_701)
	mem := "0x8000"
	return []traceCase{
		{name: "CALL with value to a cold empty account", code: callOp(CALL, []string{"0xffff", "0xdead", "0x1", "0x0", mem, "0x0", "0x20"}), gas: gas},
		{name: "CALL without value to a cold account", code: callOp(CALL, []string{"0xffff", "0xb0b", "0x0", "0x0", mem, "0x0", "0x20"}), gas: gas},
		{name: "CALL with value, huge memory", code: callOp(CALL, []string{"0xffff", "0xdead", "0x1", "0x0", "0x20000000", "0x0", "0x20"}), gas: gas},
		{name: "CALL with value to a warm precompile", code: callOp(CALL, []string{"0xffff", "0x4", "0x1", "0x0", mem, "0x0", "0x20"}), gas: gas},
		{name: "CALL requesting 2^64 gas", code: callOp(CALL, []string{"0x10000000000000000", "0xb0b", "0x0", "0x0", "0x0", "0x0", "0x0"}), gas: gas},
		{name: "CALLCODE with value", code: callOp(CALLCODE, []string{"0xffff", "0xb0b", "0x1", "0x0", mem, "0x0", "0x20"}), gas: gas},
		{name: "CALLCODE with value, huge memory", code: callOp(CALLCODE, []string{"0xffff", "0xb0b", "0x1", "0x0", "0x20000000", "0x0", "0x20"}), gas: gas},
		{name: "DELEGATECALL", code: callOp(DELEGATECALL, []string{"0xffff", "0xb0b", "0x0", mem, "0x0", "0x20"}), gas: gas},
		{name: "STATICCALL, huge memory", code: callOp(STATICCALL, []string{"0xffffffff", "0xca7", "0x0", "0x20000000", "0x0", "0x20"}), gas: gas},
		{name: "CALL to an EIP-7702 delegation", code: callOp(CALL, []string{"0xffff", "0xde1e9", "0x0", "0x0", mem, "0x0", "0x20"}), gas: gas},
		{name: "STATICCALL to an EIP-7702 delegation", code: callOp(STATICCALL, []string{"0xffff", "0xde1e9", "0x0", "0x20", "0x0", "0x20"}), gas: gas},
	}
}

// createCases fail in the create rules: code too large (EIP-170), initcode too large
// (EIP-3860), the 0xEF prefix (EIP-3541), code deposit out of gas.
func createCases() []traceCase {
	gas := []int64{100_000, 200_000, 10_000_000}
	var cs []traceCase
	for _, n := range []string{"0x6000", "0x6001", "0xffff"} {
		// initcode: PUSH2 n PUSH0 RETURN: n zero bytes of code.
		initcode := asm(p(n), PUSH0, RETURN)
		for _, create := range []OpCode{CREATE, CREATE2} {
			args := []string{"0x0", "0x0", fmt.Sprintf("%#x", len(initcode))}
			if create == CREATE2 {
				args = append(args, "0x5")
			}
			code := append(storeInitcode(initcode), callOp(create, args)...)
			cs = append(cs, traceCase{name: fmt.Sprintf("%s returning %s bytes", create, n), code: code, gas: gas})
		}
	}
	ef := asm(p("0xef"), PUSH0, MSTORE8, p(1), PUSH0, RETURN)
	cs = append(cs, traceCase{name: "CREATE returning 0xEF", code: append(storeInitcode(ef), callOp(CREATE, []string{"0x0", "0x0", fmt.Sprintf("%#x", len(ef))})...), gas: gas})
	for _, size := range []string{"0xc000", "0xc001", "0x10000"} {
		cs = append(cs, traceCase{name: "CREATE of initcode " + size, code: callOp(CREATE, []string{"0x0", "0x0", size}), gas: gas})
		cs = append(cs, traceCase{name: "CREATE2 of initcode " + size, code: callOp(CREATE2, []string{"0x0", "0x0", size, "0x1"}), gas: gas})
	}
	return cs
}

// storeInitcode returns code that writes initcode to memory at 0 (one MSTORE8 a byte).
func storeInitcode(initcode []byte) []byte {
	var code []byte
	for i, b := range initcode {
		code = append(code, asm(p(int(b)), p(i), MSTORE8)...)
	}
	return code
}

// staticCases run an instruction that writes state in a frame entered by STATICCALL
// (testOther2 runs it), at gas limits that reach it with little or plenty of gas.
func staticCases() []traceCase {
	gas := append(sweep(2_700, 6_000, 97), 100_000)
	caller := callOp(STATICCALL, []string{"0xffff", "0xca7", "0x0", "0x0", "0x0", "0x0"})
	var cs []traceCase
	for _, callee := range []struct {
		name string
		code []byte
	}{
		{"SSTORE", callOp(SSTORE, []string{"0x1", "0x1"})},
		{"TSTORE", callOp(TSTORE, []string{"0x1", "0x1"})},
		{"LOG1", callOp(LOG0+1, []string{"0x0", "0x20", "0x1"})},
		{"LOG0 of huge memory", callOp(LOG0, []string{"0x0", "0x20000000"})},
		{"CREATE", callOp(CREATE, []string{"0x0", "0x0", "0x0"})},
		{"CREATE2 of huge memory", callOp(CREATE2, []string{"0x0", "0x0", "0x20000000", "0x0"})},
		{"CALL with value", callOp(CALL, []string{"0x0", "0xb0b", "0x1", "0x0", "0x0", "0x0", "0x0"})},
		{"CALL with value, huge memory", callOp(CALL, []string{"0x0", "0xb0b", "0x1", "0x0", "0x20000000", "0x0", "0x0"})},
		{"SELFDESTRUCT", callOp(SELFDESTRUCT, []string{"0xb0b"})},
	} {
		cs = append(cs, traceCase{name: "static " + callee.name, code: caller, callee: callee.code, gas: gas})
	}
	// SSTORE's EIP-2200 sentry: at most 2300 gas left.
	sstore := callOp(SSTORE, []string{"0x1", "0x1"})
	cs = append(cs, traceCase{name: "SSTORE at the sentry", code: sstore, gas: sweep(2_290, 2_320, 1)})
	return cs
}

// traceScenario is the scenario running c's code at gas limit gas on fork.
func traceScenario(c traceCase, fork host.Fork, gas int64) *scenario {
	sc := &scenario{
		fork: fork, origin: testOrigin, target: testContract, gas: gas,
		accounts: map[host.Address]scenarioAccount{
			testOrigin:    {balance: 1 << 40},
			testContract:  {balance: 1000, nonce: 1, code: c.code},
			testOther1:    {balance: 500, nonce: 1, code: asm(p(1), PUSH0, SSTORE)},
			testOther2:    {nonce: 1, code: c.callee},
			testDelegated: {nonce: 1, code: host.DelegationDesignator(testOther1)},
		},
	}
	sc.tx = host.TxContext{Origin: testOrigin, Coinbase: testCoinbase, Number: 1000, Timestamp: 1700000000, GasLimit: 30_000_000}
	sc.tx.ChainID.SetUint64(1)
	sc.tx.BaseFee.SetUint64(7)
	sc.tx.BlobBaseFee.SetUint64(1)
	sc.value = *uint256.NewInt(0)
	return sc
}

// TestJSONTracerFailuresMatchGeth: every failing case's trace is byte-identical to
// go-ethereum's on Cancun, Prague and Osaka.
func TestJSONTracerFailuresMatchGeth(t *testing.T) {
	groups := map[string][]traceCase{
		"memory": memoryCases(), "calls": callCases(), "creates": createCases(), "static": staticCases(),
	}
	for _, fork := range forks {
		for name, cases := range groups {
			t.Run(fmt.Sprintf("%s/%s", fork, name), func(t *testing.T) {
				t.Parallel()
				fails := 0
				for _, c := range cases {
					for _, gas := range c.gas {
						sc := traceScenario(c, fork, gas)
						var want, got bytes.Buffer
						runGeth(sc, logger.NewJSONLogger(nil, &want))
						tr := NewJSONTracer(&got)
						runOurs(sc, tr)
						if err := tr.Err(); err != nil {
							t.Fatal(err)
						}
						if line, w, g := firstDiff(want.String(), got.String()); line >= 0 {
							t.Errorf("%s, gas %d: trace line %d differs:\ngeth: %s\nours: %s", c.name, gas, line+1, clip(w), clip(g))
							if fails++; fails >= 10 {
								t.FailNow()
							}
							break
						}
					}
				}
			})
		}
	}
}

// clip shortens a trace line for a failure message (summary lines carry whole outputs).
func clip(s string) string {
	if len(s) > 300 {
		return s[:150] + "…" + s[len(s)-150:]
	}
	return s
}
