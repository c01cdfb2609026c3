package runtime

import (
	"bytes"
	"errors"
	"math"
	"math/big"
	"testing"

	gethvm "github.com/ethereum/go-ethereum/core/vm"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/params"

	"github.com/hybridvm/hybridvm/host"
)

// TestCreate: addresses, the deposit rules and the failure modes of CREATE and
// CREATE2.
func TestCreate(t *testing.T) {
	sender := addr(1)
	big := func(n int, first byte) []byte { b := bytes.Repeat([]byte{0x00}, n); b[0] = first; return b }
	tests := []struct {
		name      string
		riscv     bool
		deploy    []byte // what the initcode returns
		gas       int64
		wantErr   error
		wantCode  bool
		wantGas   int64
		riscvInit bool // initcode starts with 0xFF
	}{
		{"deploys the returned code, 200 gas per byte", false, []byte{0x60, 0x00}, 1000, nil, true, 1000 - 400, false},
		{"empty code deploys nothing", false, nil, 1000, nil, false, 1000, false},
		{"code starting with 0xEF is rejected (EIP-3541)", false, []byte{0xEF, 0x00}, 1000, host.ErrInvalidCode, false, 0, false},
		{"deposit gas short fails consuming all", false, []byte{0x60, 0x00}, 399, host.ErrCodeStoreOutOfGas, false, 0, false},
		{"EVM code of 24576 bytes fits (EIP-170)", false, big(24576, 0x60), 24576 * 200, nil, true, 0, false},
		{"EVM code of 24577 bytes does not", false, big(24577, 0x60), 24577 * 200, host.ErrMaxCodeSizeExceeded, false, 0, false},
		{"0xFF code without a RISC-V engine is EVM code under EIP-170", false, big(24577, 0xFF), 24577 * 200, host.ErrMaxCodeSizeExceeded, false, 0, false},
		{"RISC-V code may be 256 KiB", true, big(256<<10, 0xFF), 256 << 10 * 200, nil, true, 0, true},
		{"RISC-V code above 256 KiB is refused", true, big(256<<10+1, 0xFF), (256<<10 + 1) * 200, host.ErrMaxCodeSizeExceeded, false, 0, true},
		{"EVM initcode may deploy RISC-V code", true, big(30000, 0xFF), 30000 * 200, nil, true, 0, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, host.Cancun, tc.riscv)
			e.account(sender, 100, nil)
			eng := e.evm
			if tc.riscvInit {
				eng = e.riscv
			}
			init := eng.prog("init", returnProg(tc.deploy))
			msg := &host.Message{Kind: host.KindCreate, Sender: sender, Gas: tc.gas, Input: init}
			msg.Value.SetUint64(7)
			res := e.rt.Call(msg)
			want := crypto.CreateAddress(sender, 0)
			if !errors.Is(res.Err, tc.wantErr) || res.GasLeft != tc.wantGas {
				t.Fatalf("got %v gas %d, want %v gas %d", res.Err, res.GasLeft, tc.wantErr, tc.wantGas)
			}
			if len(eng.frames) != 1 || eng.frames[0].recipient != want || eng.frames[0].kind != host.KindCreate {
				t.Fatalf("initcode frames: %+v", eng.frames)
			}
			if e.st.GetNonce(sender) != 1 {
				t.Error("sender nonce not bumped")
			}
			if tc.wantErr != nil {
				if res.Status != host.StatusFailure || res.CreateAddress != (host.Address{}) || e.st.Exist(want) || e.st.GetBalance(sender).Uint64() != 100 {
					t.Fatalf("failed create left traces: %+v exist=%v", res, e.st.Exist(want))
				}
				return
			}
			if res.CreateAddress != want || e.st.GetNonce(want) != 1 || e.st.GetBalance(want).Uint64() != 7 || !e.st.IsNewContract(want) {
				t.Fatalf("created account wrong: %+v", res)
			}
			if got := e.st.GetCode(want); tc.wantCode != (len(got) > 0) || (tc.wantCode && !bytes.Equal(got, tc.deploy)) {
				t.Fatalf("code %d bytes, want %d", len(got), len(tc.deploy))
			}
		})
	}
}

func TestCreate2Address(t *testing.T) {
	e := newEnv(t, host.Cancun, false)
	sender := addr(1)
	e.account(sender, 0, nil)
	init := e.evm.prog("init", returnProg([]byte{1}))
	salt := host.Hash{31: 42}
	res := e.rt.Call(&host.Message{Kind: host.KindCreate2, Sender: sender, Gas: 1000, Input: init, Salt: salt})
	want := crypto.CreateAddress2(sender, salt, crypto.Keccak256(init))
	if res.Status != host.StatusSuccess || res.CreateAddress != want {
		t.Fatalf("CREATE2 made %x (%v), want %x", res.CreateAddress, res.Err, want)
	}
}

// TestCreateFailures: pre-checks give the gas back; a collision consumes it.
func TestCreateFailures(t *testing.T) {
	sender := addr(1)
	target := crypto.CreateAddress(sender, 5)
	tests := []struct {
		name      string
		setup     func(e *env)
		depth     int
		value     uint64
		wantErr   error
		wantGas   int64
		wantNonce uint64 // sender's after
	}{
		{"too deep", func(e *env) {}, host.MaxCallDepth + 1, 0, host.ErrDepth, 1000, 5},
		{"value above balance", func(e *env) {}, 1, 101, host.ErrInsufficientBalance, 1000, 5},
		{"nonce at 2^64-1 (EIP-2681)", func(e *env) { e.st.SetNonce(sender, math.MaxUint64) }, 1, 0, host.ErrNonceUintOverflow, 1000, math.MaxUint64},
		{"collision with a nonce", func(e *env) { e.st.SetNonce(target, 1) }, 1, 0, host.ErrContractAddressCollision, 0, 6},
		{"collision with code", func(e *env) { e.st.SetCode(target, []byte{1}) }, 1, 0, host.ErrContractAddressCollision, 0, 6},
		{"collision with storage only (EIP-7610)", func(e *env) { e.st.SetState(target, slot1, slot1) }, 1, 0, host.ErrContractAddressCollision, 0, 6},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, host.Cancun, false)
			e.account(sender, 100, nil)
			e.st.SetNonce(sender, 5)
			tc.setup(e)
			init := e.evm.prog("init", returnProg(nil))
			msg := &host.Message{Kind: host.KindCreate, Sender: sender, Gas: 1000, Input: init, Depth: tc.depth}
			msg.Value.SetUint64(tc.value)
			res := e.rt.Call(msg)
			if res.Status != host.StatusFailure || !errors.Is(res.Err, tc.wantErr) || res.GasLeft != tc.wantGas {
				t.Fatalf("got %v %v gas %d, want failure %v gas %d", res.Status, res.Err, res.GasLeft, tc.wantErr, tc.wantGas)
			}
			if e.st.GetNonce(sender) != tc.wantNonce {
				t.Errorf("sender nonce %d, want %d", e.st.GetNonce(sender), tc.wantNonce)
			}
			if len(e.evm.frames) != 0 {
				t.Error("initcode ran")
			}
			if errors.Is(tc.wantErr, host.ErrContractAddressCollision) && !e.st.AddressInAccessList(target) {
				t.Error("collided address not warm (EIP-2929 warms it before the check)")
			}
		})
	}
}

// TestCreateRevertKeepsGas: a reverting initcode undoes the account but returns
// its gas; the sender's nonce bump stays.
func TestCreateRevertKeepsGas(t *testing.T) {
	e := newEnv(t, host.Cancun, false)
	sender := addr(1)
	e.account(sender, 100, nil)
	init := e.evm.prog("init", revertProg)
	res := e.rt.Call(&host.Message{Kind: host.KindCreate, Sender: sender, Gas: 1000, Input: init})
	target := crypto.CreateAddress(sender, 0)
	if res.Status != host.StatusRevert || res.GasLeft != 990 || e.st.Exist(target) || e.st.GetNonce(sender) != 1 {
		t.Fatalf("%+v exist=%v nonce=%d", res, e.st.Exist(target), e.st.GetNonce(sender))
	}
}

// TestMaxCodeSizeWording: code over the limit fails with go-ethereum's words, sizes
// included, so a result or an EIP-3155 summary line reads as geth's does.
func TestMaxCodeSizeWording(t *testing.T) {
	rules := params.MainnetChainConfig.Rules(big.NewInt(20_000_000), true, 1_700_000_000) // mainnet after EIP-158
	for _, tc := range []struct {
		riscv bool
		code  []byte
		want  string
	}{
		{false, bytes.Repeat([]byte{0x60}, 24577), gethvm.CheckMaxCodeSize(&rules, 24577).Error()},
		{true, append([]byte{0xFF}, make([]byte, 256<<10)...), "max code size exceeded: code size 262145 limit 262144"},
	} {
		e := newEnv(t, host.Cancun, tc.riscv)
		sender := addr(1)
		e.account(sender, 0, nil)
		init := e.evm.prog("init", returnProg(tc.code))
		res := e.rt.Call(&host.Message{Kind: host.KindCreate, Sender: sender, Gas: int64(len(tc.code)) * 200, Input: init})
		if res.Err == nil || res.Err.Error() != tc.want || !errors.Is(res.Err, host.ErrMaxCodeSizeExceeded) {
			t.Errorf("riscv %v: err %q, want %q", tc.riscv, res.Err, tc.want)
		}
	}
}
