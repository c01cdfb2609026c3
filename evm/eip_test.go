package evm

import (
	"encoding/hex"
	"errors"
	"strings"
	"testing"

	"github.com/holiman/uint256"

	"github.com/hybridvm/hybridvm/host"
)

// Table tests from the EIPs' own examples.

// TestEIP3529SstoreTable is EIP-3529's test table (net gas metering as of EIP-2200, EIP-2929
// and EIP-3529), with the slot already warm as in the EIP.
func TestEIP3529SstoreTable(t *testing.T) {
	for _, tc := range []struct {
		code     string
		used     int64
		refund   uint64
		original byte
	}{
		{"60006000556000600055", 212, 0, 0},
		{"60006000556001600055", 20112, 0, 0},
		{"60016000556000600055", 20112, 19900, 0},
		{"60016000556002600055", 20112, 0, 0},
		{"60016000556001600055", 20112, 0, 0},
		{"60006000556000600055", 3012, 4800, 1},
		{"60006000556001600055", 3012, 2800, 1},
		{"60006000556002600055", 3012, 0, 1},
		{"60026000556000600055", 3012, 4800, 1},
		{"60026000556003600055", 3012, 0, 1},
		{"60026000556001600055", 3012, 2800, 1},
		{"60026000556002600055", 3012, 0, 1},
		{"60016000556000600055", 3012, 4800, 1},
		{"60016000556002600055", 3012, 0, 1},
		{"60016000556001600055", 212, 0, 1},
		{"600160005560006000556001600055", 40118, 19900, 0},
		{"600060005560016000556000600055", 5918, 7600, 1},
	} {
		name := tc.code + " original " + string('0'+tc.original)
		t.Run(name, func(t *testing.T) {
			code, _ := hex.DecodeString(tc.code)
			for _, cold := range []bool{false, true} {
				res, h := run(t, host.Cancun, code, gasRich, func(h *testHost) {
					h.setAccount(testContract, 0, code, map[host.Hash]host.Hash{{}: {31: tc.original}})
					if !cold {
						h.AddSlotToAccessList(testContract, host.Hash{})
					}
				})
				want := tc.used
				if cold {
					want += host.GasColdSload // EIP-2929: the first access of a cold slot
				}
				if res.Status != host.StatusSuccess || gasRich-res.GasLeft != want || h.refund != tc.refund {
					t.Errorf("cold=%v: %v, used %d refund %d; want used %d refund %d", cold, res.Status, gasRich-res.GasLeft, h.refund, want, tc.refund)
				}
			}
		})
	}
}

// TestEIP2200Sentry: SSTORE fails when no more than the 2300 call stipend is left.
func TestEIP2200Sentry(t *testing.T) {
	code := asm(p(1), PUSH0, SSTORE) // PUSH1 + PUSH0 = 5 gas before SSTORE
	for _, tc := range []struct {
		name string
		gas  int64
		ok   bool
	}{
		{"2300 left at SSTORE fails", 5 + 2300, false},
		{"2301 left passes the sentry (then runs out of gas)", 5 + 2301, false},
		{"enough for the store", 5 + 2100 + 20000, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, _ := run(t, host.Cancun, code, tc.gas, nil)
			if (res.Status == host.StatusSuccess) != tc.ok {
				t.Fatalf("status %v (%v)", res.Status, res.Err)
			}
			if tc.gas == 5+2300 && !errors.Is(res.Err, ErrSstoreSentry) {
				t.Errorf("error %v, want the sentry", res.Err)
			}
		})
	}
}

func TestEIP1153TransientStorage(t *testing.T) {
	t.Run("TLOAD of an unset slot is zero", func(t *testing.T) {
		res, _ := run(t, host.Cancun, append(asm(p(7), TLOAD), retTop()...), gasRich, nil)
		if !word(res).IsZero() {
			t.Errorf("got %x", res.Output)
		}
	})
	t.Run("TSTORE then TLOAD, and persistent storage is untouched", func(t *testing.T) {
		res, h := run(t, host.Cancun, append(asm(p(42), p(7), TSTORE, p(7), TLOAD), retTop()...), gasRich, nil)
		if word(res).Uint64() != 42 || gasRich-res.GasLeft != 3+3+100+3+100+2+3+3+3+2 {
			t.Errorf("got %x, used %d", res.Output, gasRich-res.GasLeft)
		}
		if len(h.accounts[testContract].storage) != 0 {
			t.Errorf("persistent storage written: %v", h.accounts[testContract].storage)
		}
	})
	t.Run("a reverted frame's TSTORE is undone", func(t *testing.T) {
		// testOther1: TSTORE(7, 42) then REVERT. The contract DELEGATECALLs it (so the
		// store is to the contract's transient storage), then TLOADs slot 7.
		child := asm(p(42), p(7), TSTORE, PUSH0, PUSH0, REVERT)
		code := append(asm(PUSH0, PUSH0, PUSH0, PUSH0, p(testOther1.Big()), p(100000), DELEGATECALL, POP, p(7), TLOAD), retTop()...)
		res, _ := run(t, host.Cancun, code, gasRich, func(h *testHost) { h.setAccount(testOther1, 0, child, nil) })
		if res.Status != host.StatusSuccess || !word(res).IsZero() {
			t.Errorf("%v: got %x, want 0", res.Status, res.Output)
		}
	})
	t.Run("a successful frame's TSTORE is seen by its caller", func(t *testing.T) {
		child := asm(p(42), p(7), TSTORE, STOP)
		code := append(asm(PUSH0, PUSH0, PUSH0, PUSH0, p(testOther1.Big()), p(100000), DELEGATECALL, POP, p(7), TLOAD), retTop()...)
		res, _ := run(t, host.Cancun, code, gasRich, func(h *testHost) { h.setAccount(testOther1, 0, child, nil) })
		if word(res).Uint64() != 42 {
			t.Errorf("got %x, want 42", res.Output)
		}
	})
}

// stepCosts runs code on the traced loop and returns the cost charged for each executed
// instruction of the given opcode.
func stepCosts(t *testing.T, fork host.Fork, code []byte, op OpCode) []uint64 {
	t.Helper()
	rec := &costRecorder{op: op}
	e, _ := New(Config{Fork: fork, Tracer: rec})
	h := newTestHost()
	h.evm = e
	h.setAccount(testContract, 0, code, nil)
	res := e.Execute(h, &host.Message{Gas: gasRich, Recipient: testContract}, code, host.Hash{})
	if res.Status != host.StatusSuccess {
		t.Fatalf("status %v (%v)", res.Status, res.Err)
	}
	return rec.costs
}

type costRecorder struct {
	op    OpCode
	costs []uint64
}

func (c *costRecorder) OnOpcode(pc uint64, op OpCode, gas, cost uint64, s *Scope, depth int, err error) {
	if op == c.op && err == nil {
		c.costs = append(c.costs, cost)
	}
}
func (c *costRecorder) OnExit(int, []byte, uint64, error, bool) {}

// TestEIP5656Mcopy is EIP-5656's examples: memory before, MCOPY(dst, src, len), memory after
// and the instruction's gas.
func TestEIP5656Mcopy(t *testing.T) {
	seq := func(n int) string {
		var b strings.Builder
		for i := 0; i < n; i++ {
			b.WriteString(hex.EncodeToString([]byte{byte(i)}))
		}
		return b.String()
	}
	pad := func(s string, n int) string { return s + strings.Repeat("0", 2*n-len(s)) }
	for _, tc := range []struct {
		name          string
		before, after string
		dst, src, len int
		gas           uint64
	}{
		{"MCOPY 0 32 32", strings.Repeat("00", 32) + seq(32), seq(32) + seq(32), 0, 32, 32, 6},
		{"MCOPY 0 0 32", strings.Repeat("01", 32), strings.Repeat("01", 32), 0, 0, 32, 6},
		{"MCOPY 0 1 8", pad(seq(9), 32), pad("010203040506070808", 32), 0, 1, 8, 6},
		{"MCOPY 1 0 8", pad(seq(9), 32), pad("000001020304050607", 32), 1, 0, 8, 6},
		{"MCOPY 0 0 0 costs no copy", strings.Repeat("00", 32), strings.Repeat("00", 32), 0, 0, 0, 3},
		{"MCOPY expanding memory: 0x20 0 32", strings.Repeat("02", 32), strings.Repeat("02", 64), 32, 0, 32, 3 + 3 + 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before, _ := hex.DecodeString(tc.before)
			var code []byte
			for i := 0; i < len(before); i += 32 {
				code = append(code, asm(p(new(uint256.Int).SetBytes(before[i:i+32])), p(i), MSTORE)...)
			}
			code = append(code, asm(p(tc.len), p(tc.src), p(tc.dst), MCOPY, MSIZE, PUSH0, RETURN)...)
			res, _ := run(t, host.Cancun, code, gasRich, nil)
			if got := hex.EncodeToString(res.Output); got != tc.after {
				t.Errorf("memory after\n got %s\nwant %s", got, tc.after)
			}
			if c := stepCosts(t, host.Cancun, code, MCOPY); len(c) != 1 || c[0] != tc.gas {
				t.Errorf("MCOPY cost %v, want %d", c, tc.gas)
			}
		})
	}
}

func TestEIP3855Push0(t *testing.T) {
	res, _ := run(t, host.Cancun, append(asm(p(5), PUSH0), retTop()...), gasRich, nil)
	if !word(res).IsZero() {
		t.Errorf("PUSH0 pushed %x", res.Output)
	}
	if c := stepCosts(t, host.Cancun, asm(PUSH0), PUSH0); len(c) != 1 || c[0] != 2 {
		t.Errorf("PUSH0 cost %v, want 2", c)
	}
	full := make([]byte, 1024)
	for i := range full {
		full[i] = byte(PUSH0)
	}
	if res, _ := run(t, host.Cancun, full, gasRich, nil); res.Status != host.StatusSuccess {
		t.Errorf("1024 PUSH0: %v (%v)", res.Status, res.Err)
	}
	over := append(full, byte(PUSH0))
	res, _ = run(t, host.Cancun, over, gasRich, nil)
	var so *StackOverflowError
	if res.Status != host.StatusFailure || !errors.As(res.Err, &so) {
		t.Errorf("1025 PUSH0: %v (%v), want a stack overflow", res.Status, res.Err)
	}
}

// TestEIP7939Clz is EIP-7939's test vectors.
func TestEIP7939Clz(t *testing.T) {
	for _, tc := range []struct {
		x    string
		want uint64
	}{
		{"0x0", 256},
		{minInt, 0},
		{minus1, 0},
		{"0x4000000000000000000000000000000000000000000000000000000000000000", 1},
		{maxInt, 1},
		{"0x1", 255},
	} {
		code := append(asm(p(tc.x), CLZ), retTop()...)
		res, _ := run(t, host.Osaka, code, gasRich, nil)
		if res.Status != host.StatusSuccess || word(res).Uint64() != tc.want {
			t.Errorf("clz(%s) = %x (%v), want %d", tc.x, res.Output, res.Status, tc.want)
		}
	}
	if c := stepCosts(t, host.Osaka, asm(p(1), CLZ), CLZ); len(c) != 1 || c[0] != 5 {
		t.Errorf("CLZ cost %v, want 5", c)
	}
	for _, fork := range []host.Fork{host.Cancun, host.Prague} {
		res, _ := run(t, fork, asm(p(1), CLZ), gasRich, nil)
		var inv *InvalidOpCodeError
		if !errors.As(res.Err, &inv) || inv.Op != CLZ {
			t.Errorf("%s: CLZ gave %v, want an invalid opcode", fork, res.Err)
		}
	}
}

func TestEIP6780Selfdestruct(t *testing.T) {
	beneficiary := testOther1
	code := asm(p(beneficiary.Big()), SELFDESTRUCT)
	toSelf := asm(ADDRESS, SELFDESTRUCT)
	for _, tc := range []struct {
		name            string
		code            []byte
		created         bool
		wantDestructed  bool
		wantSelfBalance uint64
		wantBenefit     uint64
		used            int64
	}{
		{"pre-existing: balance moves, account stays", code, false, false, 0, 1000, 3 + 5000 + 2600 + 25000},
		{"created in this transaction: deleted", code, true, true, 0, 1000, 3 + 5000 + 2600 + 25000},
		{"pre-existing to itself: nothing happens", toSelf, false, false, 1000, 0, 2 + 5000},
		{"created, to itself: balance burnt", toSelf, true, true, 0, 0, 2 + 5000},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, h := run(t, host.Cancun, tc.code, gasRich, func(h *testHost) {
				h.accounts[testContract].balance.SetUint64(1000)
				h.accounts[testContract].created = tc.created
				h.AddAddressToAccessList(testContract)
			})
			if res.Status != host.StatusSuccess {
				t.Fatalf("%v (%v)", res.Status, res.Err)
			}
			if got := h.HasSelfDestructed(testContract); got != tc.wantDestructed {
				t.Errorf("destructed %v, want %v", got, tc.wantDestructed)
			}
			if b := h.GetBalance(testContract).Uint64(); b != tc.wantSelfBalance {
				t.Errorf("own balance %d, want %d", b, tc.wantSelfBalance)
			}
			if b := h.GetBalance(beneficiary).Uint64(); b != tc.wantBenefit {
				t.Errorf("beneficiary balance %d, want %d", b, tc.wantBenefit)
			}
			if len(h.GetCode(testContract)) == 0 {
				t.Errorf("code removed during the transaction")
			}
			if used := gasRich - res.GasLeft; used != tc.used {
				t.Errorf("used %d gas, want %d", used, tc.used)
			}
		})
	}
}

// TestEIP150CallGas: the child gets all but a 64th of what is left when it asks for more,
// exactly what it asks for otherwise, plus the 2300 stipend when value is sent.
func TestEIP150CallGas(t *testing.T) {
	child := append(asm(GAS), retTop()...) // returns the gas it had after GAS (2)
	call := func(gasArg any, value int) []byte {
		return asm(p(32), PUSH0, PUSH0, PUSH0, p(value), p(testOther1.Big()), p(gasArg), CALL, POP, p(32), PUSH0, RETURN)
	}
	setup := func(h *testHost) {
		h.setAccount(testOther1, 0, child, nil)
		h.accounts[testContract].balance.SetUint64(10)
		h.AddAddressToAccessList(testOther1)
	}
	const gas = 100_000
	// Gas left at CALL's dynamic charge: gas - 7 pushes (3 each but PUSH0s 2) - 100 static.
	before := int64(gas - (3 + 2 + 2 + 2 + 3 + 3 + 3) - 100)
	for _, tc := range []struct {
		name string
		code []byte
		want int64
	}{
		{"asks for less", call(5000, 0), 5000 - 2},
		{"asks for more: 63/64", call(minus1, 0), before - before/64 - 2},
		{"value adds the stipend", call(5000, 1), 5000 + 2300 - 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code := tc.code
			res, _ := run(t, host.Cancun, code, gas, setup)
			got := int64(word(res).Uint64())
			want := tc.want
			if tc.name == "asks for more: 63/64" {
				// the value-less call has no 9000; memory for 32 bytes of output costs 3
				left := before - 3
				want = left - left/64 - 2
			}
			if got != want {
				t.Errorf("child saw %d gas, want %d", got, want)
			}
		})
	}
}

// TestEIP7702CallCost: from Prague a call to an account holding a delegation designator pays
// for the delegate's access (2600 cold, 100 warm) and runs the delegate's code; in Cancun the
// designator is just code (0xef: the call fails).
func TestEIP7702CallCost(t *testing.T) {
	code := asm(p(32), PUSH0, PUSH0, PUSH0, PUSH0, p(testDelegated.Big()), p(50000), CALL, POP, p(32), PUSH0, RETURN)
	for _, warm := range []bool{false, true} {
		base := callCost(t, host.Cancun, code, warm)
		want := int64(host.GasColdAccount)
		if warm {
			want = host.GasWarmAccess
		}
		for _, fork := range []host.Fork{host.Prague, host.Osaka} {
			if c := callCost(t, fork, code, warm); c-base != want {
				t.Errorf("%s warm=%v: CALL costs %d, Cancun %d; want +%d", fork, warm, c, base, want)
			}
		}
	}
	for _, fork := range forks {
		res, _ := run(t, fork, code, gasRich, func(h *testHost) {
			h.setAccount(testOther1, 0, append(asm(p(0x77)), retTop()...), nil)
			h.setAccount(testDelegated, 0, host.DelegationDesignator(testOther1), nil)
		})
		want := uint64(0x77)
		if fork == host.Cancun {
			want = 0
		}
		if res.Status != host.StatusSuccess || word(res).Uint64() != want {
			t.Errorf("%s: %v output %x, want %#x", fork, res.Status, res.Output, want)
		}
	}
}

// callCost returns the traced cost of the CALL to testDelegated minus the child's gas.
func callCost(t *testing.T, fork host.Fork, code []byte, warm bool) int64 {
	t.Helper()
	rec := &costRecorder{op: CALL}
	e, _ := New(Config{Fork: fork, Tracer: rec})
	h := newTestHost()
	h.evm = e
	h.setAccount(testContract, 0, code, nil)
	h.setAccount(testOther1, 0, append(asm(p(0x77)), retTop()...), nil)
	h.setAccount(testDelegated, 0, host.DelegationDesignator(testOther1), nil)
	h.AddAddressToAccessList(testDelegated)
	if warm {
		h.AddAddressToAccessList(testOther1)
	}
	e.Execute(h, &host.Message{Gas: gasRich, Recipient: testContract}, code, host.Hash{})
	if len(rec.costs) != 1 {
		t.Fatalf("%d CALL steps", len(rec.costs))
	}
	return int64(rec.costs[0]) - 50000 // the child's gas is part of the reported cost
}

// TestEIP3860InitcodeLimit: CREATE of more than 49152 bytes of initcode is an exceptional
// halt; up to it, each word costs 2 (CREATE2: 2 + 6 for hashing).
func TestEIP3860InitcodeLimit(t *testing.T) {
	for _, tc := range []struct {
		name string
		op   OpCode
		size int
		ok   bool
	}{
		{"CREATE at the limit", CREATE, host.MaxInitCodeSize, true},
		{"CREATE over the limit", CREATE, host.MaxInitCodeSize + 1, false},
		{"CREATE2 over the limit", CREATE2, host.MaxInitCodeSize + 1, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var code []byte
			if tc.op == CREATE2 {
				code = asm(PUSH0)
			}
			code = append(code, asm(p(tc.size), PUSH0, PUSH0, tc.op)...)
			res, _ := run(t, host.Cancun, code, 30_000_000, nil)
			if (res.Status == host.StatusSuccess) != tc.ok {
				t.Fatalf("%v (%v)", res.Status, res.Err)
			}
			if !tc.ok && !errors.Is(res.Err, host.ErrMaxInitCodeSizeExceeded) {
				t.Errorf("error %v", res.Err)
			}
		})
	}
	for _, tc := range []struct {
		op   OpCode
		want uint64
	}{
		{CREATE, 32000 + 2*2 + 3*2 + 2*2/512},
		{CREATE2, 32000 + 2*(2+6) + 3*2},
	} {
		code := asm(p(64), PUSH0, PUSH0, tc.op)
		if tc.op == CREATE2 {
			code = asm(PUSH0, p(64), PUSH0, PUSH0, tc.op)
		}
		if c := stepCosts(t, host.Cancun, code, tc.op); len(c) != 1 || c[0] != tc.want {
			t.Errorf("%s of 64 bytes costs %v, want %d", tc.op, c, tc.want)
		}
	}
}
