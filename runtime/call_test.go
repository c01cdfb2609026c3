package runtime

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/hybridvm/hybridvm/host"
	"github.com/hybridvm/hybridvm/state"
)

var slot1 = host.Hash{31: 1}

// TestCallOutcomes: what a child frame's outcome does to state, gas and value.
func TestCallOutcomes(t *testing.T) {
	caller, callee := addr(1), addr(2)
	tests := []struct {
		name       string
		prog       program
		value      uint64
		callerBal  uint64
		wantStatus host.Status
		wantErr    error
		wantGas    int64
		wantSlot   host.Hash
		wantCallee uint64 // callee balance after
	}{
		{"success keeps state and value", sstoreProg, 5, 100, host.StatusSuccess, nil, 1000 - 100, slot1, 5},
		{"revert undoes state and value, keeps gas", revertProg, 5, 100, host.StatusRevert, host.ErrExecutionReverted, 1000 - 10, host.Hash{}, 0},
		{"failure undoes state and consumes all gas", failProg, 5, 100, host.StatusFailure, host.ErrOutOfGas, 0, host.Hash{}, 0},
		{"insufficient balance fails before running, returning the gas", sstoreProg, 101, 100, host.StatusFailure, host.ErrInsufficientBalance, 1000, host.Hash{}, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, host.Cancun, false)
			e.account(caller, tc.callerBal, nil)
			e.account(callee, 0, e.evm.prog("p", tc.prog))
			res := e.call(host.KindCall, caller, callee, tc.value, 1000, nil)
			if res.Status != tc.wantStatus || !errors.Is(res.Err, tc.wantErr) || res.GasLeft != tc.wantGas {
				t.Fatalf("got %v %v gas %d, want %v %v gas %d", res.Status, res.Err, res.GasLeft, tc.wantStatus, tc.wantErr, tc.wantGas)
			}
			if got := e.st.GetState(callee, slot1); got != tc.wantSlot {
				t.Errorf("slot = %x, want %x", got, tc.wantSlot)
			}
			if got := e.st.GetBalance(callee).Uint64(); got != tc.wantCallee {
				t.Errorf("callee balance = %d, want %d", got, tc.wantCallee)
			}
			if got := e.st.GetBalance(caller).Uint64(); got != tc.callerBal-tc.wantCallee {
				t.Errorf("caller balance = %d, want %d", got, tc.callerBal-tc.wantCallee)
			}
		})
	}
}

// TestNestedRevert: a child's revert undoes only the child; the parent's earlier
// writes stand, and the parent's own failure undoes everything below it.
func TestNestedRevert(t *testing.T) {
	e := newEnv(t, host.Cancun, false)
	a, b, c := addr(1), addr(2), addr(3)
	e.account(c, 0, e.evm.prog("revert", revertProg))
	var childRes host.Result
	e.account(b, 0, e.evm.prog("parent", func(h host.Host, msg *host.Message) host.Result {
		h.SetState(msg.Recipient, slot1, host.Hash{31: 7})
		childRes = h.Call(&host.Message{Kind: host.KindCall, Depth: msg.Depth + 1, Sender: msg.Recipient, Recipient: c, CodeAddress: c, Gas: 500})
		return host.Result{Status: host.StatusSuccess, GasLeft: msg.Gas - 500 + childRes.GasLeft}
	}))
	res := e.call(host.KindCall, a, b, 0, 1000, nil)
	if res.Status != host.StatusSuccess || childRes.Status != host.StatusRevert || string(childRes.Output) != "no" {
		t.Fatalf("parent %v, child %v %q", res.Status, childRes.Status, childRes.Output)
	}
	if e.st.GetState(b, slot1) != (host.Hash{31: 7}) || e.st.GetState(c, slot1) != (host.Hash{}) {
		t.Fatal("revert undid the wrong frame")
	}
	if res.GasLeft != 1000-500+490 {
		t.Fatalf("gas left %d", res.GasLeft)
	}
}

// TestCallDepth: frames nest to depth 1024; the call made from depth 1024 fails
// with ErrDepth and gets its gas back.
func TestCallDepth(t *testing.T) {
	e := newEnv(t, host.Cancun, false)
	a, self := addr(1), addr(2)
	deepest := -1
	var depthErr host.Result
	e.account(self, 0, e.evm.prog("recurse", func(h host.Host, msg *host.Message) host.Result {
		deepest = max(deepest, msg.Depth)
		res := h.Call(&host.Message{Kind: host.KindCall, Depth: msg.Depth + 1, Sender: self, Recipient: self, CodeAddress: self, Gas: msg.Gas})
		if errors.Is(res.Err, host.ErrDepth) {
			depthErr = res
		}
		return host.Result{Status: host.StatusSuccess, GasLeft: res.GasLeft}
	}))
	res := e.call(host.KindCall, a, self, 0, 1_000_000, nil)
	if res.Status != host.StatusSuccess || deepest != host.MaxCallDepth {
		t.Fatalf("status %v, deepest frame %d, want %d", res.Status, deepest, host.MaxCallDepth)
	}
	if depthErr.Status != host.StatusFailure || depthErr.GasLeft != 1_000_000 {
		t.Fatalf("depth failure %+v: want failure returning all 1000000 gas", depthErr)
	}
}

// TestNonExistentAccounts: EIP-158 rules for calls to accounts that do not exist.
func TestNonExistentAccounts(t *testing.T) {
	a, ghost := addr(1), addr(9)
	t.Run("zero-value call creates nothing", func(t *testing.T) {
		e := newEnv(t, host.Cancun, false)
		e.account(a, 10, nil)
		res := e.call(host.KindCall, a, ghost, 0, 100, nil)
		if res.Status != host.StatusSuccess || res.GasLeft != 100 || e.st.Exist(ghost) {
			t.Fatalf("%+v exist=%v", res, e.st.Exist(ghost))
		}
	})
	t.Run("value call creates the account", func(t *testing.T) {
		e := newEnv(t, host.Cancun, false)
		e.account(a, 10, nil)
		res := e.call(host.KindCall, a, ghost, 3, 100, nil)
		if res.Status != host.StatusSuccess || e.st.GetBalance(ghost).Uint64() != 3 {
			t.Fatalf("%+v balance=%d", res, e.st.GetBalance(ghost).Uint64())
		}
	})
	t.Run("static call touches an empty account, so it is deleted at the end", func(t *testing.T) {
		e := newEnv(t, host.Cancun, false)
		// An untouched empty account, as a pre-state may hold.
		st, err := state.ParseAlloc([]byte(`{"0xaa00000000000000000000000000000000000009": {"balance": "0"}}`))
		if err != nil {
			t.Fatal(err)
		}
		e.useState(st)
		res := e.call(host.KindStaticCall, a, ghost, 0, 100, nil)
		st.FinaliseTx()
		if res.Status != host.StatusSuccess || st.Exist(ghost) {
			t.Fatalf("%+v exist=%v", res, st.Exist(ghost))
		}
	})
}

// TestPrecompiles runs go-ethereum's precompiles through CALL.
func TestPrecompiles(t *testing.T) {
	key, _ := crypto.HexToECDSA("45a915e4d060149eb4365960e6a7a45f334393093061116b197e3240065ff2d8")
	hash := crypto.Keccak256([]byte("hello"))
	sig, _ := crypto.Sign(hash, key)
	ecInput := make([]byte, 128)
	copy(ecInput, hash)
	ecInput[63] = sig[64] + 27
	copy(ecInput[64:], sig[:64])
	signer := crypto.PubkeyToAddress(key.PublicKey)
	sum := sha256.Sum256([]byte("abc"))
	tests := []struct {
		name    string
		to      byte
		input   []byte
		gas     int64
		status  host.Status
		want    []byte
		gasLeft int64
	}{
		{"identity returns its input (15 + 3 per word)", 4, []byte("hybridvm"), 100, host.StatusSuccess, []byte("hybridvm"), 100 - 18},
		{"sha256 (60 + 12 per word)", 2, []byte("abc"), 100, host.StatusSuccess, sum[:], 100 - 72},
		{"ecrecover recovers the signer (3000)", 1, ecInput, 5000, host.StatusSuccess, common.LeftPadBytes(signer[:], 32), 2000},
		{"too little gas is a failure consuming all", 2, []byte("abc"), 71, host.StatusFailure, nil, 0},
		{"bad input is a failure (bn256 add of a point off the curve)", 6, bytes.Repeat([]byte{1}, 128), 1000, host.StatusFailure, nil, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, host.Cancun, false)
			e.account(addr(1), 10, nil)
			res := e.call(host.KindCall, addr(1), host.Address{19: tc.to}, 1, tc.gas, tc.input)
			if res.Status != tc.status || !bytes.Equal(res.Output, tc.want) || res.GasLeft != tc.gasLeft {
				t.Fatalf("got %v %x gas %d (%v), want %v %x gas %d", res.Status, res.Output, res.GasLeft, res.Err, tc.status, tc.want, tc.gasLeft)
			}
			if tc.status == host.StatusSuccess && e.st.GetBalance(host.Address{19: tc.to}).Uint64() != 1 {
				t.Fatal("value did not reach the precompile")
			}
			if len(e.evm.frames) != 0 {
				t.Fatal("a precompile call reached the engine")
			}
		})
	}
	if !IsPrecompile(host.Osaka, host.Address{18: 1}) || IsPrecompile(host.Cancun, host.Address{18: 1}) || IsPrecompile(host.Cancun, host.Address{19: 0x0b}) || !IsPrecompile(host.Prague, host.Address{19: 0x11}) {
		t.Fatal("per-fork precompile sets are wrong (P256VERIFY is Osaka's, BLS Prague's)")
	}
}

// TestDelegation: EIP-7702 designators are followed one level from Prague on,
// and are plain (invalid) code before.
func TestDelegation(t *testing.T) {
	a, eoa, impl, impl2 := addr(1), addr(2), addr(3), addr(4)
	for _, tc := range []struct {
		fork     host.Fork
		wantCode string
	}{{host.Cancun, string(host.DelegationDesignator(impl))}, {host.Prague, "\x01impl"}, {host.Osaka, "\x01impl"}} {
		t.Run(tc.fork.String(), func(t *testing.T) {
			e := newEnv(t, tc.fork, false)
			e.account(a, 10, nil)
			e.account(impl, 0, e.evm.prog("impl", sstoreProg))
			e.account(impl2, 0, e.evm.prog("impl2", sstoreProg))
			e.account(eoa, 0, host.DelegationDesignator(impl))
			e.call(host.KindCall, a, eoa, 0, 1000, nil)
			if len(e.evm.frames) != 1 {
				t.Fatalf("frames: %+v", e.evm.frames)
			}
			f := e.evm.frames[0]
			if f.code != tc.wantCode || f.recipient != eoa || f.codeAddress != eoa {
				t.Fatalf("ran %q in %x (code address %x)", f.code, f.recipient, f.codeAddress)
			}
		})
	}
	t.Run("delegation chains stop after one level", func(t *testing.T) {
		e := newEnv(t, host.Prague, false)
		e.account(a, 10, nil)
		e.account(eoa, 0, host.DelegationDesignator(impl))
		e.account(impl, 0, host.DelegationDesignator(impl2))
		e.account(impl2, 0, e.evm.prog("impl2", sstoreProg))
		e.call(host.KindCall, a, eoa, 0, 1000, nil)
		if len(e.evm.frames) != 1 || e.evm.frames[0].code != string(host.DelegationDesignator(impl2)) {
			t.Fatalf("frames: %+v", e.evm.frames)
		}
	})
}

// TestCallKinds: who pays, whose storage, and what CALLCODE, DELEGATECALL and
// STATICCALL see.
func TestCallKinds(t *testing.T) {
	a, lib := addr(1), addr(2)
	t.Run("CALLCODE runs the code in the caller and needs the balance", func(t *testing.T) {
		e := newEnv(t, host.Cancun, false)
		e.account(a, 5, nil)
		e.account(lib, 0, e.evm.prog("s", sstoreProg))
		if res := e.call(host.KindCallCode, a, lib, 6, 1000, nil); !errors.Is(res.Err, host.ErrInsufficientBalance) || res.GasLeft != 1000 {
			t.Fatalf("over-balance CALLCODE: %+v", res)
		}
		res := e.call(host.KindCallCode, a, lib, 5, 1000, nil)
		if res.Status != host.StatusSuccess || e.st.GetState(a, slot1) != slot1 || e.st.GetState(lib, slot1) != (host.Hash{}) || e.st.GetBalance(a).Uint64() != 5 {
			t.Fatalf("CALLCODE: %+v", res)
		}
	})
	t.Run("DELEGATECALL moves no value and skips the balance check", func(t *testing.T) {
		e := newEnv(t, host.Cancun, false)
		e.account(a, 0, nil)
		e.account(lib, 0, e.evm.prog("s", sstoreProg))
		res := e.call(host.KindDelegateCall, a, lib, 1_000_000, 1000, nil)
		if res.Status != host.StatusSuccess || e.st.GetState(a, slot1) != slot1 || e.st.GetBalance(a).Uint64() != 0 {
			t.Fatalf("DELEGATECALL: %+v", res)
		}
	})
	t.Run("code execution without deployment (msg.Code)", func(t *testing.T) {
		e := newEnv(t, host.Cancun, false)
		e.account(a, 0, nil)
		code := e.evm.prog("s", sstoreProg)
		msg := &host.Message{Kind: host.KindCall, Sender: a, Recipient: lib, CodeAddress: lib, Gas: 1000, Code: code}
		res := e.rt.Call(msg)
		if res.Status != host.StatusSuccess || e.st.GetState(lib, slot1) != slot1 || len(e.st.GetCode(lib)) != 0 {
			t.Fatalf("%+v", res)
		}
	})
}

// TestRouting: 0xFF code goes to the RISC-V engine only when one is configured.
func TestRouting(t *testing.T) {
	a, c := addr(1), addr(2)
	for _, withRISCV := range []bool{true, false} {
		e := newEnv(t, host.Cancun, withRISCV)
		e.account(a, 0, nil)
		e.account(c, 0, e.riscv.prog("rv", sstoreProg))
		e.evm.progs["\xffrv"] = sstoreProg
		e.call(host.KindCall, a, c, 0, 1000, nil)
		if withRISCV != (len(e.riscv.frames) == 1) || withRISCV == (len(e.evm.frames) == 1) {
			t.Fatalf("RISC-V enabled=%v: riscv frames %d, evm frames %d", withRISCV, len(e.riscv.frames), len(e.evm.frames))
		}
	}
}

type exitRecorder struct{ exits []string }

func (r *exitRecorder) OnExit(depth int, output []byte, gasUsed uint64, err error, reverted bool) {
	r.exits = append(r.exits, fmt.Sprintf("%d:%d:%v:%v", depth, gasUsed, err, reverted))
}

// TestFrameTracer: every frame's end is reported, including frames that never
// reach an engine, innermost first.
func TestFrameTracer(t *testing.T) {
	rec := &exitRecorder{}
	st := state.New()
	ev := newFake(t, "evm")
	rt, err := New(Config{Fork: host.Cancun, EVM: ev, Tracer: rec}, st)
	if err != nil {
		t.Fatal(err)
	}
	a, c := addr(1), addr(2)
	st.SetBalance(a, u(10))
	st.SetCode(c, ev.prog("p", func(h host.Host, msg *host.Message) host.Result {
		h.Call(&host.Message{Kind: host.KindStaticCall, Depth: msg.Depth + 1, Sender: c, Recipient: host.Address{19: 4}, CodeAddress: host.Address{19: 4}, Gas: 100, Input: []byte{1}})
		h.Call(&host.Message{Kind: host.KindCall, Depth: host.MaxCallDepth + 1, Sender: c, Recipient: a, CodeAddress: a, Gas: 50})
		return host.Result{Status: host.StatusRevert, Err: host.ErrExecutionReverted, GasLeft: msg.Gas - 1}
	}))
	rt.Call(&host.Message{Kind: host.KindCall, Sender: a, Recipient: c, CodeAddress: c, Gas: 1000})
	want := []string{"1:18:<nil>:false", "1025:0:max call depth exceeded:true", "0:1:execution reverted:true"}
	if fmt.Sprint(rec.exits) != fmt.Sprint(want) {
		t.Fatalf("exits %v, want %v", rec.exits, want)
	}
}
