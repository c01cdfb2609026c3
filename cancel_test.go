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
// return (the test would hang otherwise) failing with host.ErrCanceled and the
// context's error.
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
				if err != nil {
					t.Fatal(err)
				}
				if res.Status != StatusFailure || !errors.Is(res.Err, host.ErrCanceled) || !errors.Is(res.Err, context.DeadlineExceeded) {
					t.Fatalf("%v %v, want a failure for the cancelled context", res.Status, res.Err)
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
