package hybridvm

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/hybridvm/hybridvm/guest"
	"github.com/hybridvm/hybridvm/host"
	"github.com/hybridvm/hybridvm/internal/rvasm"
)

// loopContract is RISC-V contract code that spins forever: "j .".
func loopContract() []byte {
	p := rvasm.New(guest.StackTop)
	p.Label("spin")
	p.J("spin")
	elf := rvasm.ELF(guest.StackTop, rvasm.Segment{Vaddr: guest.StackTop, Data: p.MustFinish(), Flags: 5})
	return append([]byte{guest.CodePrefix}, elf...)
}

// TestContextCancelsRunningCalls: a cancelled context stops an endless EVM loop, an
// endless RISC-V loop, and a RISC-V loop called from EVM code, promptly — the calls
// return (the test would hang otherwise) with an error wrapping the context's error and
// host.ErrCanceled, and a failed Result saying the same.
func TestContextCancelsRunningCalls(t *testing.T) {
	loopAddr := common.HexToAddress("0x1009")
	// PUSH1 0 ×5, PUSH20 loopAddr, GAS, CALL, STOP: EVM calls the RISC-V loop.
	callLoop := append([]byte{0x60, 0, 0x60, 0, 0x60, 0, 0x60, 0, 0x60, 0, 0x73}, loopAddr[:]...)
	callLoop = append(callLoop, 0x5a, 0xf1, 0x00)
	cases := []struct {
		name string
		code []byte
	}{
		{"EVM loop", []byte{0x5b, 0x60, 0x00, 0x56}}, // JUMPDEST PUSH1 0 JUMP
		{"RISC-V loop", loopContract()},
		{"EVM calling a RISC-V loop", callLoop},
	}
	for _, e := range testEngines() {
		for _, c := range cases {
			t.Run(e.String()+"/"+c.name, func(t *testing.T) {
				rt, st := newTestRuntime(t, e)
				st.SetCode(loopAddr, loopContract())
				ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
				defer cancel()
				res, err := rt.ExecuteCode(ctx, ExecMsg{From: alice, As: carol, Code: c.code, Gas: 1 << 60})
				if !errors.Is(err, context.DeadlineExceeded) || !errors.Is(err, host.ErrCanceled) {
					t.Fatalf("err = %v, want the context's error", err)
				}
				if res == nil || res.Status != StatusFailure || !errors.Is(res.Err, host.ErrCanceled) || !errors.Is(res.Err, context.DeadlineExceeded) {
					t.Fatalf("%+v, want a failure for the cancelled context", res)
				}
				// The runtime is usable again with a live context.
				res, err = rt.ExecuteCode(context.Background(), ExecMsg{From: alice, As: carol, Code: []byte{0x00}, Gas: 100})
				if err != nil || res.Status != StatusSuccess {
					t.Fatalf("after cancellation: %v %+v", err, res)
				}
			})
		}
	}
}

// TestCancelledCallIsDiscarded: a call stopped by its context leaves no trace in the
// state: a Create whose initcode loops forever does not even use up the sender's nonce,
// and a cancelled call's storage writes before the loop are gone.
func TestCancelledCallIsDiscarded(t *testing.T) {
	rt, st := newTestRuntime(t, DefaultEngine())
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	// A context cancelled before the call: nothing runs.
	if _, err := rt.Call(ctx, CallMsg{From: alice, To: carol, Gas: 100_000}); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	// SSTORE(0, 1), then JUMPDEST PUSH1 5 JUMP forever.
	loop := []byte{0x60, 0x01, 0x60, 0x00, 0x55, 0x5b, 0x60, 0x05, 0x56}
	st.SetCode(carol, loop)
	for _, run := range []func(context.Context) (*Result, error){
		func(ctx context.Context) (*Result, error) {
			return rt.Create(ctx, CreateMsg{From: alice, Initcode: loop, Gas: 1 << 60})
		},
		func(ctx context.Context) (*Result, error) {
			return rt.Call(ctx, CallMsg{From: alice, To: carol, Gas: 1 << 60})
		},
	} {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
		res, err := run(ctx)
		cancel()
		if !errors.Is(err, context.DeadlineExceeded) || res == nil || res.Status != StatusFailure {
			t.Fatalf("err = %v, res %+v; want the deadline", err, res)
		}
	}
	if n := st.GetNonce(alice); n != 0 {
		t.Errorf("alice's nonce is %d after a cancelled create", n)
	}
	if v := st.GetState(carol, common.Hash{}); v != (common.Hash{}) {
		t.Errorf("carol's slot 0 = %x after a cancelled call", v)
	}
}
