package evmbridge_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/holiman/uint256"

	. "github.com/hybridvm/hybridvm/evmbridge"
	"github.com/hybridvm/hybridvm/guest"
	"github.com/hybridvm/hybridvm/host"
	"github.com/hybridvm/hybridvm/runtime"
	"github.com/hybridvm/hybridvm/state"
)

type noEVM struct{}

func (noEVM) Execute(host.Host, *host.Message, []byte, host.Hash) host.Result {
	return host.Failed(errors.New("no EVM in this test"))
}

var (
	self   = common.HexToAddress("0x0102030405060708090a0b0c0d0e0f1011121314")
	caller = common.HexToAddress("0xa1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4")
	other  = common.HexToAddress("0xc1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4")
	coder  = common.HexToAddress("0x00000000000000000000000000000000000c0de5")
)

const buf = guest.StackTop - 0x1000 // scratch memory in the stack region

type fixture struct {
	f     *Frame
	st    *state.State
	arena *guest.Arena
}

func newFixture(t *testing.T, static bool) *fixture {
	t.Helper()
	st := state.New()
	st.BeginTx()
	st.AddBalance(self, uint256.NewInt(1_000_000))
	st.SetCode(coder, []byte{0xfe, 0xed})
	rt, err := runtime.New(runtime.Config{Fork: host.Prague, EVM: noEVM{}}, st)
	if err != nil {
		t.Fatal(err)
	}
	ctx := host.TxContext{Origin: caller, Coinbase: other, Number: 1000, Timestamp: 1234567, GasLimit: 30_000_000,
		PrevRandao: common.HexToHash("0x0011223344556677889900aabbccddeeff00112233445566778899aabbccddee")}
	ctx.ChainID.SetUint64(7)
	ctx.BaseFee.SetUint64(9)
	ctx.BlobHashes = []common.Hash{common.HexToHash("0x01aa"), common.HexToHash("0x01bb")}
	rt.SetContext(ctx, func(n uint64) common.Hash { return common.BigToHash(uint256.NewInt(n).ToBig()) })
	a, err := guest.NewArena(guest.ContractBase, guest.ContractArenaSize)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.Release)
	a.Protect(guest.StackTop, 0x1000)
	msg := &host.Message{Kind: host.KindCall, Static: static, Recipient: self, CodeAddress: self, Sender: caller,
		Input: []byte{0xaa, 0xbb, 0xcc}, Gas: 1_000_000}
	msg.Value.SetFromHex("0x112233445566778899aabbccddeeff00112233445566778899")
	s := &guest.State{Gas: 1_000_000, PC: 0x80300104}
	return &fixture{f: &Frame{Host: rt, Msg: msg, Fork: host.Prague, St: s, Mem: a, Code: []byte{0xff, 1, 2, 3}}, st: st, arena: a}
}

// sys runs syscall id with the given argument registers (a0...) and returns the gas it
// charged and its error.
func (fx *fixture) sys(id uint8, args ...uint64) (uint64, error) {
	x := &fx.f.St.X
	x[5] = uint64(id) | 0xABCD00 // only t0's low byte is the id
	copy(x[10:], args)
	before := fx.f.St.Gas
	err := fx.f.Syscall()
	return uint64(before - fx.f.St.Gas), err
}

func (fx *fixture) regs() [4]uint64 {
	x := &fx.f.St.X
	return [4]uint64{x[10], x[11], x[12], x[13]}
}

func u256Regs(v *uint256.Int) [4]uint64 { return [4]uint64{v[0], v[1], v[2], v[3]} }

func wordRegs(h common.Hash) [4]uint64 {
	be := binary.BigEndian
	return [4]uint64{be.Uint64(h[24:]), be.Uint64(h[16:]), be.Uint64(h[8:]), be.Uint64(h[:8])}
}

// aOut is the A-out encoding (docs/abi.md, "System calls"): a2 holds the last 4 bytes in its high half.
func aOut(a common.Address) [3]uint64 {
	be := binary.BigEndian
	return [3]uint64{be.Uint64(a[0:8]), be.Uint64(a[8:16]), uint64(be.Uint32(a[16:20])) << 32}
}

// aIn is A-in: the last 4 bytes in the low half of a2.
func aIn(a common.Address) []uint64 {
	be := binary.BigEndian
	return []uint64{be.Uint64(a[0:8]), be.Uint64(a[8:16]), uint64(be.Uint32(a[16:20]))}
}

func TestAddressEncodings(t *testing.T) {
	for _, c := range []struct {
		name string
		id   uint8
		want common.Address
	}{{"ADDRESS", SysAddress, self}, {"CALLER", SysCaller, caller}, {"ORIGIN", SysOrigin, caller}, {"COINBASE", SysCoinbase, other}} {
		fx := newFixture(t, false)
		fx.f.St.X[13] = 0x5555 // not a result: must survive
		gas, err := fx.sys(c.id)
		r := fx.regs()
		if err != nil || gas != 2 || [3]uint64{r[0], r[1], r[2]} != aOut(c.want) || r[3] != 0x5555 {
			t.Errorf("%s: err %v gas %d regs %#x, want A-out %#x", c.name, err, gas, r, aOut(c.want))
		}
	}
	// The concrete A-out layout of ADDRESS for 0x0102...14: a2 = 0x11121314_00000000.
	fx := newFixture(t, false)
	fx.sys(SysAddress)
	if r := fx.regs(); r[0] != 0x0102030405060708 || r[1] != 0x090a0b0c0d0e0f10 || r[2] != 0x1112131400000000 {
		t.Errorf("ADDRESS layout %#x", r)
	}
}

func TestEnvironment(t *testing.T) {
	fx := newFixture(t, false)
	check := func(name string, id uint8, wantGas uint64, want [4]uint64, args ...uint64) {
		t.Helper()
		gas, err := fx.sys(id, args...)
		if err != nil || gas != wantGas || fx.regs() != want {
			t.Errorf("%s: err %v gas %d regs %#x, want gas %d regs %#x", name, err, gas, fx.regs(), wantGas, want)
		}
	}
	check("CALLVALUE", SysCallValue, 2, u256Regs(&fx.f.Msg.Value))
	check("CALLDATASIZE", SysCallDataSize, 2, [4]uint64{3, 0, 0, 0})
	check("CALLDATALOAD 0", SysCallDataLoad, 3, [4]uint64{0, 0, 0, 0xaabbcc0000000000}, 0)
	check("CALLDATALOAD 2", SysCallDataLoad, 3, [4]uint64{0, 0, 0, 0xcc00000000000000}, 2)
	check("CALLDATALOAD past the end", SysCallDataLoad, 3, [4]uint64{}, 1<<63)
	check("CODESIZE", SysCodeSize, 2, [4]uint64{4, 0, 0, 0})
	check("TIMESTAMP", SysTimestamp, 2, [4]uint64{1234567, 0, 0, 0})
	check("NUMBER", SysNumber, 2, [4]uint64{1000, 0, 0, 0})
	check("GASLIMIT", SysGasLimit, 2, [4]uint64{30_000_000, 0, 0, 0})
	check("BASEFEE", SysBaseFee, 2, [4]uint64{9, 0, 0, 0})
	check("PREVRANDAO", SysPrevRandao, 2, wordRegs(fx.f.Host.TxContext().PrevRandao))
	check("BLOCKHASH", SysBlockHash, 20, [4]uint64{999, 0, 0, 0}, 999)
	check("BLOCKHASH of the current block", SysBlockHash, 20, [4]uint64{}, 1000)
	check("BLOBHASH 1", SysBlobHash, 3, wordRegs(common.HexToHash("0x01bb")), 1)
	check("BLOBHASH out of range", SysBlobHash, 3, [4]uint64{}, 2)
	check("SELFBALANCE", SysSelfBalance, 5, [4]uint64{1_000_000, 0, 0, 0})
	// BALANCE: cold then warm (EIP-2929), address in A-in.
	check("BALANCE cold", SysBalance, 2600, [4]uint64{1_000_000, 0, 0, 0}, aIn(self)...)
	check("BALANCE warm", SysBalance, 100, [4]uint64{1_000_000, 0, 0, 0}, aIn(self)...)
	check("EXTCODESIZE", SysExtCodeSize, 2600, [4]uint64{2, 0, 0, 0}, aIn(coder)...)
	check("EXTCODEHASH", SysExtCodeHash, 100, wordRegs(crypto.Keccak256Hash([]byte{0xfe, 0xed})), aIn(coder)...)
	check("EXTCODEHASH of nothing", SysExtCodeHash, 2600, [4]uint64{}, aIn(other)...)

	// Results in a0 only: a1 keeps its value.
	fx.f.St.X[11] = 77
	if _, err := fx.sys(SysChainID); err != nil || fx.f.St.X[10] != 7 || fx.f.St.X[11] != 77 {
		t.Errorf("CHAINID: %v a0 %d a1 %d", err, fx.f.St.X[10], fx.f.St.X[11])
	}
	fx.f.St.Gas = 5000
	if _, err := fx.sys(SysGas); err != nil || fx.f.St.X[10] != 4998 {
		t.Errorf("GAS: %v a0 %d, want 4998 (after its own cost)", err, fx.f.St.X[10])
	}
}

func TestMemorySyscalls(t *testing.T) {
	fx := newFixture(t, false)
	mem := func(addr, n uint64) []byte {
		b, _ := fx.arena.Slice(addr, n)
		return b
	}
	copy(mem(buf, 8), "garbage!")
	gas, err := fx.sys(SysCallDataCopy, buf, 1, 40)
	if err != nil || gas != 3+3*2 || !bytes.Equal(mem(buf, 41), append([]byte{0xbb, 0xcc}, make([]byte, 39)...)) {
		t.Errorf("CALLDATACOPY: %v gas %d mem %x", err, gas, mem(buf, 41))
	}
	copy(mem(buf, 5), "hello")
	gas, err = fx.sys(SysKeccak256, buf, 5)
	if err != nil || gas != 30+6 || fx.regs() != wordRegs(crypto.Keccak256Hash([]byte("hello"))) {
		t.Errorf("KECCAK256: %v gas %d", err, gas)
	}
	if _, err := fx.sys(SysCodeCopy, buf, 2, 4); err != nil || !bytes.Equal(mem(buf, 4), []byte{2, 3, 0, 0}) {
		t.Errorf("CODECOPY: %v %x", err, mem(buf, 4))
	}
	if _, err := fx.sys(SysExtCodeCopy, append(aIn(coder), buf, 1, 2)...); err != nil || !bytes.Equal(mem(buf, 2), []byte{0xed, 0}) {
		t.Errorf("EXTCODECOPY: %v %x", err, mem(buf, 2))
	}
	// A zero-length range is valid wherever it points (as in the EVM).
	if _, err := fx.sys(SysKeccak256, 0x1, 0); err != nil || fx.regs() != wordRegs(crypto.Keccak256Hash(nil)) {
		t.Errorf("KECCAK256 of nothing at a wild pointer: %v", err)
	}
	faults := []struct {
		name string
		id   uint8
		args []uint64
	}{
		{"CALLDATACOPY to a wild pointer", SysCallDataCopy, []uint64{0x10, 0, 4}},
		{"CALLDATACOPY into read-only memory", SysCallDataCopy, []uint64{guest.StackTop + 8, 0, 4}},
		{"CALLDATACOPY with a wrapping length", SysCallDataCopy, []uint64{buf, 0, ^uint64(0)}},
		{"KECCAK256 past the arena", SysKeccak256, []uint64{guest.ContractBase + guest.ContractArenaSize - 4, 8}},
		{"RETURNDATACOPY with no return data", SysReturnDataCopy, []uint64{buf, 0, 1}},
		{"RETURN from a wild pointer", SysReturn, []uint64{0x10, 32}},
		{"REVERT with a huge length", SysRevert, []uint64{buf, ^uint64(0)}},
		{"RETURN_CREATE_ADDRESS to read-only memory", SysReturnCreateAddress, []uint64{guest.StackTop}},
		{"unknown syscall", 0x99, nil},
	}
	for _, c := range faults {
		fx := newFixture(t, false)
		_, err := fx.sys(c.id, c.args...)
		var f *guest.Fault
		if !errors.As(err, &f) || f.Kind != guest.FaultSyscall || f.PC != 0x80300100 {
			t.Errorf("%s: err %v, want a syscall fault at the ECALL", c.name, err)
		}
	}
	// RETURN copies the output and ends the frame, paying 3 gas per word.
	fx = newFixture(t, false)
	copy(mem(buf, 3), "out")
	if gas, err := fx.sys(SysReturn, buf, 3); err != nil || gas != 3 || !fx.f.Done || fx.f.Reverted || string(fx.f.Output) != "out" {
		t.Errorf("RETURN: %v gas %d %+v", err, gas, fx.f)
	}
}

func TestLogAndStatic(t *testing.T) {
	fx := newFixture(t, false)
	topics, _ := fx.arena.Slice(buf, 64)
	copy(topics, bytes.Repeat([]byte{7}, 64))
	data, _ := fx.arena.Slice(buf+64, 5)
	copy(data, "event")
	gas, err := fx.sys(SysLog, buf+64, 5, buf, 2)
	logs := fx.st.Logs()
	if err != nil || gas != 375+2*375+5*8 || len(logs) != 1 || logs[0].Address != self || string(logs[0].Data) != "event" ||
		logs[0].Topics[1] != common.BytesToHash(bytes.Repeat([]byte{7}, 32)) {
		t.Errorf("LOG: %v gas %d logs %+v", err, gas, logs)
	}
	if _, err := fx.sys(SysLog, buf, 0, buf, 5); err == nil {
		t.Errorf("LOG with 5 topics succeeded")
	}
	for _, c := range []struct {
		name string
		id   uint8
		args []uint64
	}{
		{"SSTORE", SysSstore, nil}, {"TSTORE", SysTstore, nil}, {"LOG", SysLog, []uint64{buf, 0, buf, 0}},
		{"CREATE", SysCreate, []uint64{0, buf, 1}}, {"CREATE2", SysCreate2, []uint64{0, buf, 1}},
		{"CALL with value", SysCall, append(aIn(other)[:3:3], 1, buf, 0)},
	} {
		fx := newFixture(t, true)
		if _, err := fx.sys(c.id, c.args...); err == nil {
			t.Errorf("%s in a static frame succeeded", c.name)
		}
	}
}

// TestSstoreGas checks SSTORE's cost and refunds (EIP-2200 as amended by EIP-2929 and
// EIP-3529) for each kind of transition: original value, current value, new value.
func TestSstoreGas(t *testing.T) {
	key := uint64(1)
	tests := []struct {
		name           string
		orig, cur, val uint64
		warm           bool
		wantGas        uint64
		wantRefund     uint64
	}{
		{"0 -> 0 -> 0, cold no-op", 0, 0, 0, false, 2100 + 100, 0},
		{"0 -> 0 -> 1, cold set", 0, 0, 1, false, 2100 + 20000, 0},
		{"0 -> 0 -> 1, warm set", 0, 0, 1, true, 20000, 0},
		{"1 -> 1 -> 2, warm reset", 1, 1, 2, true, 2900, 0},
		{"1 -> 1 -> 0, warm clear refunds 4800", 1, 1, 0, true, 2900, 4800},
		{"1 -> 2 -> 1, dirty restore refunds 2800", 1, 2, 1, true, 100, 2800},
		{"0 -> 1 -> 0, dirty restore to zero refunds 19900", 0, 1, 0, true, 100, 19900},
		{"1 -> 2 -> 3, dirty write", 1, 2, 3, true, 100, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fx := newFixture(t, false)
			k := common.BigToHash(uint256.NewInt(key).ToBig())
			if tt.orig != 0 {
				fx.st.SetState(self, k, common.BigToHash(uint256.NewInt(tt.orig).ToBig()))
				fx.st.FinaliseTx() // make it the committed (original) value
				fx.st.BeginTx()
			}
			if tt.cur != tt.orig {
				fx.st.SetState(self, k, common.BigToHash(uint256.NewInt(tt.cur).ToBig()))
			}
			if tt.warm {
				fx.st.AddSlotToAccessList(self, k)
			}
			gas, err := fx.sys(SysSstore, key, 0, 0, 0, tt.val, 0, 0, 0)
			if err != nil || gas != tt.wantGas || fx.st.GetRefund() != tt.wantRefund {
				t.Errorf("err %v gas %d refund %d, want gas %d refund %d", err, gas, fx.st.GetRefund(), tt.wantGas, tt.wantRefund)
			}
			if got := fx.st.GetState(self, k); got != common.BigToHash(uint256.NewInt(tt.val).ToBig()) {
				t.Errorf("slot = %x", got)
			}
			gas, err = fx.sys(SysSload, key, 0, 0, 0)
			if err != nil || gas != 100 || fx.regs() != [4]uint64{tt.val, 0, 0, 0} {
				t.Errorf("SLOAD after: %v gas %d regs %v", err, gas, fx.regs())
			}
		})
	}
	fx := newFixture(t, false)
	fx.f.St.Gas = 2300
	if _, err := fx.sys(SysSstore, 1, 0, 0, 0, 1, 0, 0, 0); !errors.Is(err, host.ErrOutOfGas) {
		t.Errorf("SSTORE with 2300 gas left: %v, want out of gas (EIP-2200 sentry)", err)
	}
}

func TestCallToAccountWithoutCode(t *testing.T) {
	fx := newFixture(t, false)
	fx.f.St.Gas = 100_000
	// CALL other (A-word), value 10, no input: cold access 2600 + value 9000 + new account 25000.
	target := []uint64{binary.BigEndian.Uint64(other[12:20]), binary.BigEndian.Uint64(other[4:12]), uint64(binary.BigEndian.Uint32(other[0:4]))}
	gas, err := fx.sys(SysCall, append(target, 10, buf, 0)...)
	// The child has no code: it returns all its gas (and gets the 2300 stipend on top,
	// which flows back to the caller too, as in the EVM).
	if err != nil || fx.f.St.X[10] != 1 || gas != 2600+9000+25000-2300 {
		t.Errorf("CALL: %v flag %d gas %d", err, fx.f.St.X[10], gas)
	}
	if b := fx.st.GetBalance(other); b.Uint64() != 10 {
		t.Errorf("balance of the target %v, want 10", b)
	}
	// Not enough balance: the call fails (flag 0) without consuming the gas it handed on.
	gas, err = fx.sys(SysCall, append(target, 1<<40, buf, 0)...)
	if err != nil || fx.f.St.X[10] != 0 || gas != 100+9000-2300 { // the stipend comes back too, as in the EVM
		t.Errorf("CALL over the balance: %v flag %d gas %d", err, fx.f.St.X[10], gas)
	}
}

// TestSyscallsByFork: the syscalls whose EVM counterparts came with Cancun (TLOAD,
// TSTORE, BLOBHASH, BLOBBASEFEE) are unknown before it, and CREATE charges EIP-3860's 2
// gas per initcode word only from Shanghai.
func TestSyscallsByFork(t *testing.T) {
	for _, fork := range []host.Fork{host.Paris, host.Shanghai, host.Cancun} {
		for _, c := range []struct {
			name string
			id   uint8
			args []uint64
		}{{"TLOAD", SysTload, nil}, {"TSTORE", SysTstore, nil}, {"BLOBHASH", SysBlobHash, nil}, {"BLOBBASEFEE", SysBlobBaseFee, []uint64{buf}}} {
			fx := newFixture(t, false)
			fx.f.Fork = fork
			_, err := fx.sys(c.id, c.args...)
			var fault *guest.Fault
			if isFault := errors.As(err, &fault); isFault != (fork < host.Cancun) {
				t.Errorf("%v %s: %v", fork, c.name, err)
			}
		}
		// A 64-byte initcode the (absent) EVM fails: the child's gas is consumed too.
		fx := newFixture(t, false)
		fx.f.Fork = fork
		gas, err := fx.sys(SysCreate, 0, buf, 64)
		cost := uint64(32000)
		if fork >= host.Shanghai {
			cost += 2 * 2
		}
		left := 1_000_000 - cost
		if want := cost + left - left/64; err != nil || gas != want {
			t.Errorf("%v CREATE: gas %d (%v), want %d", fork, gas, err, want)
		}
	}
}
