package evm

import (
	"errors"
	"testing"

	"github.com/ethereum/go-ethereum/crypto"
	"github.com/holiman/uint256"

	"github.com/hybridvm/hybridvm/host"
)

const (
	minus1  = "0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"
	minus2  = "0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe"
	minInt  = "0x8000000000000000000000000000000000000000000000000000000000000000"
	maxInt  = "0x7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"
	gasRich = 1_000_000
)

// binop returns code computing op(a, b) with a on top (the first operand) and returning it.
func binop(op OpCode, a, b any) []byte { return append(asm(p(b), p(a), op), retTop()...) }

func TestArithmetic(t *testing.T) {
	for _, tc := range []struct {
		name string
		code []byte
		want string
	}{
		{"ADD wraps around 2^256", binop(ADD, minus1, 2), "0x1"},
		{"SUB wraps below zero", binop(SUB, 1, 2), minus1},
		{"MUL wraps", binop(MUL, minInt, 2), "0x0"},
		{"DIV by zero is zero", binop(DIV, 7, 0), "0x0"},
		{"DIV truncates", binop(DIV, 7, 2), "0x3"},
		{"SDIV of -1 by 1", binop(SDIV, minus1, 1), minus1},
		{"SDIV of MIN by -1 overflows to MIN", binop(SDIV, minInt, minus1), minInt},
		{"SDIV by zero is zero", binop(SDIV, minInt, 0), "0x0"},
		{"MOD by zero is zero", binop(MOD, 7, 0), "0x0"},
		{"SMOD takes the dividend's sign", binop(SMOD, minus2, 3), minus2},
		{"ADDMOD does not wrap at 2^256: (2^256+1) mod 5", append(asm(p(5), p(minus1), p(2), ADDMOD), retTop()...), "0x2"},
		{"ADDMOD by zero is zero", append(asm(p(0), p(1), p(2), ADDMOD), retTop()...), "0x0"},
		{"MULMOD is exact at 512 bits: (2^256-1)^2 mod 7", append(asm(p(7), p(minus1), p(minus1), MULMOD), retTop()...), "0x1"},
		{"EXP 2^255", binop(EXP, 2, 255), minInt},
		{"EXP wraps", binop(EXP, 2, 256), "0x0"},
		{"EXP 0^0 is 1", binop(EXP, 0, 0), "0x1"},
		{"SIGNEXTEND byte 0 of 0xff", binop(SIGNEXTEND, 0, 0xff), minus1},
		{"SIGNEXTEND byte 0 of 0x7f", binop(SIGNEXTEND, 0, 0x7f), "0x7f"},
		{"SIGNEXTEND beyond 31 is identity", binop(SIGNEXTEND, 32, 0xff), "0xff"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, _ := run(t, host.Cancun, tc.code, gasRich, nil)
			if res.Status != host.StatusSuccess {
				t.Fatalf("status %v: %v", res.Status, res.Err)
			}
			if got := word(res); !got.Eq(uint256.MustFromHex(tc.want)) {
				t.Errorf("got %s, want %s", got.Hex(), tc.want)
			}
		})
	}
}

func TestComparisonAndBitwise(t *testing.T) {
	for _, tc := range []struct {
		name string
		code []byte
		want string
	}{
		{"LT unsigned", binop(LT, 1, minus1), "0x1"},
		{"SLT signed: -1 < 1", binop(SLT, minus1, 1), "0x1"},
		{"GT unsigned", binop(GT, minus1, 1), "0x1"},
		{"SGT signed: -1 > 1 is false", binop(SGT, minus1, 1), "0x0"},
		{"EQ", binop(EQ, 5, 5), "0x1"},
		{"ISZERO of zero", append(asm(p(0), ISZERO), retTop()...), "0x1"},
		{"AND", binop(AND, 0xf0, 0x3c), "0x30"},
		{"OR", binop(OR, 0xf0, 0x0f), "0xff"},
		{"XOR", binop(XOR, 0xff, 0x0f), "0xf0"},
		{"NOT", append(asm(p(0), NOT), retTop()...), minus1},
		{"BYTE 31 is the lowest byte", binop(BYTE, 31, 0x1234), "0x34"},
		{"BYTE 0 is the highest byte", binop(BYTE, 0, minInt), "0x80"},
		{"BYTE beyond 31 is zero", binop(BYTE, 32, minus1), "0x0"},
		{"SHL 1", binop(SHL, 1, 1), "0x2"},
		{"SHL 256 clears", binop(SHL, 256, 1), "0x0"},
		{"SHR 255 of MIN", binop(SHR, 255, minInt), "0x1"},
		{"SHR of a huge shift clears", binop(SHR, minus1, minus1), "0x0"},
		{"SAR keeps the sign", binop(SAR, 4, minInt), "0xf800000000000000000000000000000000000000000000000000000000000000"},
		{"SAR 256 of negative is all ones", binop(SAR, 256, minInt), minus1},
		{"SAR 256 of positive is zero", binop(SAR, 256, maxInt), "0x0"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, _ := run(t, host.Cancun, tc.code, gasRich, nil)
			if res.Status != host.StatusSuccess {
				t.Fatalf("status %v: %v", res.Status, res.Err)
			}
			if got := word(res); !got.Eq(uint256.MustFromHex(tc.want)) {
				t.Errorf("got %s, want %s", got.Hex(), tc.want)
			}
		})
	}
}

// TestStaticGas checks the gas of short straight-line programs (block-level charging must
// add up to the per-instruction schedule).
func TestStaticGas(t *testing.T) {
	for _, tc := range []struct {
		name string
		code []byte
		used int64
	}{
		{"PUSH1 PUSH1 ADD: 3+3+3", asm(p(1), p(2), ADD), 9},
		{"MUL is 5", asm(p(1), p(2), MUL), 11},
		{"ADDMOD is 8", asm(p(1), p(2), p(3), ADDMOD), 17},
		{"EXP 10 + 50 per exponent byte", asm(p(0x100), p(2), EXP), 3 + 3 + 10 + 2*50},
		{"JUMPDEST is 1", asm(JUMPDEST, JUMPDEST), 2},
		{"JUMP 8 and JUMPI 10", asm(p(4), JUMP, INVALID, JUMPDEST, p(1), p(12), JUMPI, INVALID, INVALID, JUMPDEST), 3 + 8 + 1 + 3 + 3 + 10 + 1},
		{"environment reads are 2", asm(ADDRESS, CALLER, CALLVALUE, CALLDATASIZE, CODESIZE, PC, MSIZE, GAS), 16},
		{"MSTORE of one word: 3 + 3 for memory", asm(p(1), PUSH0, MSTORE), 3 + 2 + 3 + 3},
		{"memory cost is quadratic: 1024 words", asm(p(1), p(1023*32), MSTORE), 3 + 3 + 3 + (1024*3 + 1024*1024/512)},
		{"KECCAK256 30 + 6 per word + memory", asm(p(64), PUSH0, KECCAK256), 3 + 2 + 30 + 12 + 6},
		{"SLOAD of a cold slot is 2100", asm(PUSH0, SLOAD), 2 + 2100},
		{"BALANCE of a cold account is 2600", asm(p(0x1234), BALANCE), 3 + 2600},
		{"BALANCE of a warm account is 100", asm(ADDRESS, BALANCE), 2 + 100},
		{"LOG2 375 + 2*375 + 8 per byte", asm(p(1), p(2), p(3), PUSH0, LOG0+2), 3 + 3 + 3 + 2 + 375 + 750 + 24 + 3},
		{"TLOAD and TSTORE are 100", asm(p(1), PUSH0, TSTORE, PUSH0, TLOAD), 3 + 2 + 100 + 2 + 100},
		{"CALLDATACOPY 3 + 3 per word + memory", asm(p(33), PUSH0, PUSH0, CALLDATACOPY), 3 + 2 + 2 + 3 + 6 + 6},
		{"BLOCKHASH is 20", asm(p(999), BLOCKHASH), 23},
		{"SELFBALANCE is 5", asm(SELFBALANCE), 5},
		{"BLOBHASH is 3", asm(PUSH0, BLOBHASH), 5},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, _ := run(t, host.Cancun, tc.code, gasRich, func(h *testHost) { h.AddAddressToAccessList(testContract) })
			if res.Status != host.StatusSuccess {
				t.Fatalf("status %v: %v", res.Status, res.Err)
			}
			if used := gasRich - res.GasLeft; used != tc.used {
				t.Errorf("used %d gas, want %d", used, tc.used)
			}
		})
	}
}

func TestMemoryOps(t *testing.T) {
	for _, tc := range []struct {
		name string
		code []byte
		want string
	}{
		{"MSTORE then MLOAD", append(asm(p(0xabcd), p(64), MSTORE, p(64), MLOAD), retTop()...), "0xabcd"},
		{"MLOAD of untouched memory is zero", append(asm(p(96), MLOAD), retTop()...), "0x0"},
		{"MSTORE8 writes the low byte", append(asm(p(0x1234), p(31), MSTORE8, PUSH0, MLOAD), retTop()...), "0x34"},
		{"MSIZE counts words touched: 33+32 bytes is 3 words", append(asm(p(33), MLOAD, POP, MSIZE), retTop()...), "0x60"},
		{"MSIZE after MSTORE8 at 31", append(asm(p(1), p(31), MSTORE8, MSIZE), retTop()...), "0x20"},
		{"KECCAK256 of nothing", append(asm(PUSH0, PUSH0, KECCAK256), retTop()...), crypto.Keccak256Hash(nil).Hex()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, _ := run(t, host.Cancun, tc.code, gasRich, nil)
			if res.Status != host.StatusSuccess {
				t.Fatalf("status %v: %v", res.Status, res.Err)
			}
			if got := word(res); !got.Eq(uint256.MustFromHex(tc.want)) {
				t.Errorf("got %s, want %s", got.Hex(), tc.want)
			}
		})
	}
}

func TestEnvironmentOps(t *testing.T) {
	setup := func(h *testHost) {
		h.tx.Coinbase = testCoinbase
		h.tx.Number = 1000
		h.tx.Timestamp = 12345
		h.tx.GasLimit = 777
		h.tx.ChainID.SetUint64(5)
		h.tx.BaseFee.SetUint64(9)
		h.tx.BlobBaseFee.SetUint64(11)
		h.tx.GasPrice.SetUint64(13)
		h.tx.PrevRandao = host.Hash{31: 0x42}
		h.tx.BlobHashes = []host.Hash{{31: 1}, {31: 2}}
		h.setAccount(testOther1, 99, []byte{1, 2, 3}, nil)
		h.accounts[testContract].balance.SetUint64(55)
		v := uint256.NewInt(17)
		h.testMsg = &host.Message{Sender: testOther2, Value: *v, Input: []byte{0xaa, 0xbb}}
	}
	addrWord := func(a host.Address) string { return new(uint256.Int).SetBytes20(a[:]).Hex() }
	for _, tc := range []struct {
		name string
		code []byte
		want string
	}{
		{"ADDRESS", asm(ADDRESS), addrWord(testContract)},
		{"ORIGIN", asm(ORIGIN), addrWord(testOrigin)},
		{"CALLER", asm(CALLER), addrWord(testOther2)},
		{"CALLVALUE", asm(CALLVALUE), "0x11"},
		{"CALLDATASIZE", asm(CALLDATASIZE), "0x2"},
		{"CALLDATALOAD pads with zeros", asm(PUSH0, CALLDATALOAD), "0xaabb000000000000000000000000000000000000000000000000000000000000"},
		{"CALLDATALOAD at 1", asm(p(1), CALLDATALOAD), "0xbb00000000000000000000000000000000000000000000000000000000000000"},
		{"CALLDATALOAD beyond the end is zero", asm(p(minus1), CALLDATALOAD), "0x0"},
		{"CODESIZE", asm(CODESIZE), "0x7"}, // CODESIZE + retTop (6 bytes)
		{"GASPRICE", asm(GASPRICE), "0xd"},
		{"COINBASE", asm(COINBASE), addrWord(testCoinbase)},
		{"TIMESTAMP", asm(TIMESTAMP), "0x3039"},
		{"NUMBER", asm(NUMBER), "0x3e8"},
		{"PREVRANDAO", asm(PREVRANDAO), "0x42"},
		{"GASLIMIT", asm(GASLIMIT), "0x309"},
		{"CHAINID", asm(CHAINID), "0x5"},
		{"SELFBALANCE", asm(SELFBALANCE), "0x37"},
		{"BASEFEE", asm(BASEFEE), "0x9"},
		{"BLOBBASEFEE", asm(BLOBBASEFEE), "0xb"},
		{"BLOBHASH in range", asm(p(1), BLOBHASH), "0x2"},
		{"BLOBHASH out of range is zero", asm(p(2), BLOBHASH), "0x0"},
		{"BALANCE", asm(p(testOther1.Big()), BALANCE), "0x63"},
		{"EXTCODESIZE", asm(p(testOther1.Big()), EXTCODESIZE), "0x3"},
		{"EXTCODEHASH of code", asm(p(testOther1.Big()), EXTCODEHASH), crypto.Keccak256Hash([]byte{1, 2, 3}).Hex()},
		{"EXTCODEHASH of a missing account is zero", asm(p(0xdead), EXTCODEHASH), "0x0"},
		{"BLOCKHASH of the previous block", asm(p(999), BLOCKHASH), testBlockHash(999).Hex()},
		{"BLOCKHASH 256 back", asm(p(744), BLOCKHASH), testBlockHash(744).Hex()},
		{"BLOCKHASH 257 back is zero", asm(p(743), BLOCKHASH), "0x0"},
		{"BLOCKHASH of the current block is zero", asm(p(1000), BLOCKHASH), "0x0"},
		{"RETURNDATASIZE before any call is zero", asm(RETURNDATASIZE), "0x0"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, _ := run(t, host.Cancun, append(tc.code, retTop()...), gasRich, setup)
			if res.Status != host.StatusSuccess {
				t.Fatalf("status %v: %v", res.Status, res.Err)
			}
			if got := word(res); !got.Eq(uint256.MustFromHex(tc.want)) {
				t.Errorf("got %s, want %s", got.Hex(), tc.want)
			}
		})
	}
}

func TestCopyOps(t *testing.T) {
	setup := func(h *testHost) {
		h.testMsg = &host.Message{Input: []byte{1, 2, 3, 4}}
		h.setAccount(testOther1, 0, []byte{9, 8, 7}, nil)
	}
	for _, tc := range []struct {
		name string
		code []byte
		want []byte
	}{
		{"CALLDATACOPY pads with zeros", asm(p(6), p(1), PUSH0, CALLDATACOPY, p(6), PUSH0, RETURN), []byte{2, 3, 4, 0, 0, 0}},
		{"CALLDATACOPY from a huge offset writes zeros", asm(p(0xff), PUSH0, MSTORE8, p(2), p(minus1), PUSH0, CALLDATACOPY, p(2), PUSH0, RETURN), []byte{0, 0}},
		{"CODECOPY", asm(p(2), PUSH0, PUSH0, CODECOPY, p(2), PUSH0, RETURN), []byte{0x60, 0x02}},
		{"EXTCODECOPY", asm(p(4), PUSH0, PUSH0, p(testOther1.Big()), EXTCODECOPY, p(4), PUSH0, RETURN), []byte{9, 8, 7, 0}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, _ := run(t, host.Cancun, tc.code, gasRich, setup)
			if res.Status != host.StatusSuccess {
				t.Fatalf("status %v: %v", res.Status, res.Err)
			}
			if string(res.Output) != string(tc.want) {
				t.Errorf("got %x, want %x", res.Output, tc.want)
			}
		})
	}
}

func TestFlowAndHalting(t *testing.T) {
	for _, tc := range []struct {
		name   string
		code   []byte
		status host.Status
		err    error
		output []byte
	}{
		{"empty code succeeds", nil, host.StatusSuccess, nil, nil},
		{"running off the end is STOP", asm(p(1)), host.StatusSuccess, nil, nil},
		{"RETURN returns memory", asm(p(0xab), PUSH0, MSTORE8, p(1), PUSH0, RETURN), host.StatusSuccess, nil, []byte{0xab}},
		{"REVERT returns data and is a revert", asm(p(0xcd), PUSH0, MSTORE8, p(1), PUSH0, REVERT), host.StatusRevert, host.ErrExecutionReverted, []byte{0xcd}},
		{"INVALID is an exceptional halt", asm(INVALID), host.StatusFailure, nil, nil},
		{"an undefined opcode halts", []byte{0x0c}, host.StatusFailure, nil, nil},
		{"CLZ is undefined before Osaka", asm(p(1), CLZ), host.StatusFailure, nil, nil},
		{"JUMP to a JUMPDEST", asm(p(3), JUMP, JUMPDEST, p(1), PUSH0, RETURN), host.StatusSuccess, nil, []byte{0}},
		{"JUMPI not taken falls through", asm(PUSH0, p(7), JUMPI, p(1), PUSH0, RETURN, JUMPDEST), host.StatusSuccess, nil, []byte{0}},
		{"JUMP to a non-JUMPDEST", asm(p(3), JUMP, STOP), host.StatusFailure, ErrInvalidJump, nil},
		{"JUMP into PUSH data", asm(p(0x5b), p(1), JUMP), host.StatusFailure, ErrInvalidJump, nil},
		{"JUMP into PUSH data in dead code", asm(p(5), JUMP, STOP, p(0x5b)), host.StatusFailure, ErrInvalidJump, nil},
		{"JUMP over dead code to a JUMPDEST", asm(p(6), JUMP, ADD, p(0x5b), JUMPDEST, p(1), PUSH0, RETURN), host.StatusSuccess, nil, []byte{0}},
		{"JUMP beyond the code", asm(p(100), JUMP), host.StatusFailure, ErrInvalidJump, nil},
		{"JUMP to 2^255", asm(p(minInt), JUMP, JUMPDEST), host.StatusFailure, ErrInvalidJump, nil},
		{"JUMPI taken to a non-JUMPDEST", asm(p(1), p(0), JUMPI), host.StatusFailure, ErrInvalidJump, nil},
		{"JUMPI not taken to garbage is fine", asm(p(0), p(0xffff), JUMPI), host.StatusSuccess, nil, nil},
		{"stack underflow", asm(ADD), host.StatusFailure, nil, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, _ := run(t, host.Cancun, tc.code, gasRich, nil)
			if res.Status != tc.status {
				t.Fatalf("status %v (%v), want %v", res.Status, res.Err, tc.status)
			}
			if tc.err != nil && !errors.Is(res.Err, tc.err) {
				t.Errorf("error %v, want %v", res.Err, tc.err)
			}
			if res.Status == host.StatusFailure && res.GasLeft != 0 {
				t.Errorf("a failure left %d gas", res.GasLeft)
			}
			if string(res.Output) != string(tc.output) {
				t.Errorf("output %x, want %x", res.Output, tc.output)
			}
		})
	}
}

func TestStaticFrameRefusesWrites(t *testing.T) {
	for _, tc := range []struct {
		name string
		code []byte
	}{
		{"SSTORE", asm(p(1), PUSH0, SSTORE)},
		{"TSTORE", asm(p(1), PUSH0, TSTORE)},
		{"LOG0", asm(PUSH0, PUSH0, LOG0)},
		{"CREATE", asm(PUSH0, PUSH0, PUSH0, CREATE)},
		{"CREATE2", asm(PUSH0, PUSH0, PUSH0, PUSH0, CREATE2)},
		{"CALL with value", asm(PUSH0, PUSH0, PUSH0, PUSH0, p(1), p(testOther1.Big()), p(1000), CALL)},
		{"SELFDESTRUCT", asm(p(testOther1.Big()), SELFDESTRUCT)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, _ := run(t, host.Cancun, tc.code, gasRich, func(h *testHost) {
				h.testMsg = &host.Message{Kind: host.KindStaticCall, Static: true}
			})
			if res.Status != host.StatusFailure || !errors.Is(res.Err, host.ErrWriteProtection) {
				t.Errorf("got %v (%v), want a write-protection failure", res.Status, res.Err)
			}
		})
	}
	// A value-less CALL from a static frame is allowed.
	res, _ := run(t, host.Cancun, asm(PUSH0, PUSH0, PUSH0, PUSH0, PUSH0, p(0xdead), p(1000), CALL), gasRich, func(h *testHost) {
		h.testMsg = &host.Message{Kind: host.KindStaticCall, Static: true}
	})
	if res.Status != host.StatusSuccess {
		t.Errorf("value-less CALL in a static frame: %v (%v)", res.Status, res.Err)
	}
}

// TestInitcodeHasNoCallData: a create's Input is the initcode being run; its call data is
// empty (go-ethereum runs initcode with nil input).
func TestInitcodeHasNoCallData(t *testing.T) {
	code := append(asm(CALLDATASIZE, PUSH0, CALLDATALOAD, ADD, p(32), PUSH0, PUSH0, CALLDATACOPY, PUSH0, MLOAD, ADD), retTop()...)
	for _, kind := range []host.CallKind{host.KindCreate, host.KindCreate2} {
		res, _ := run(t, host.Cancun, code, gasRich, func(h *testHost) {
			h.testMsg = &host.Message{Kind: kind, Input: code}
		})
		if res.Status != host.StatusSuccess || !word(res).IsZero() {
			t.Errorf("%s: %v, call data seen as %x", kind, res.Status, res.Output)
		}
	}
}

// TestChildInstructionsAddUp: an EVM frame reports the RISC-V instructions its children
// retired (host.Result.Instructions), whatever their outcome.
func TestChildInstructionsAddUp(t *testing.T) {
	code := asm(PUSH0, PUSH0, PUSH0, PUSH0, PUSH0, p(testOther1.Big()), GAS, CALL,
		PUSH0, PUSH0, PUSH0, PUSH0, PUSH0, p(testOther1.Big()), GAS, CALL, INVALID)
	e, _ := New(Config{Fork: host.Cancun})
	h := &instrHost{testHost: newTestHost()}
	h.evm = e
	res := e.Execute(h, &host.Message{Gas: gasRich, Recipient: testContract}, code, host.Hash{})
	if res.Status != host.StatusFailure || res.Instructions != 2*1234 {
		t.Errorf("%v with %d instructions, want a failure reporting %d", res.Status, res.Instructions, 2*1234)
	}
}

// instrHost answers every call as a RISC-V frame that retired 1234 instructions.
type instrHost struct{ *testHost }

func (h *instrHost) Call(msg *host.Message) host.Result {
	return host.Result{Status: host.StatusSuccess, GasLeft: msg.Gas, Instructions: 1234}
}
