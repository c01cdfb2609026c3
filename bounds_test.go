package hybridvm

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/hybridvm/hybridvm/guest"
	"github.com/hybridvm/hybridvm/host"
	"github.com/hybridvm/hybridvm/internal/rvasm"
)

// Hostile contracts against the host's resources: each bound of RATIONALE.md ("What
// can a contract make the host spend?") is tested here with a contract that tries to
// exceed it, on every engine.

// isCanceled reports whether a call ended because its context was done (as an error
// or as the result's failure).
func isCanceled(res *Result, err error) bool {
	if err != nil {
		return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
	}
	return res.Status == StatusFailure && errors.Is(res.Err, host.ErrCanceled)
}

// riscvContract wraps text, linked at guest.StackTop, as contract code with one
// segment of the given flags and size (0: the text's size).
func riscvContract(p *rvasm.Program, flags uint32, memsz uint64) []byte {
	elf := rvasm.ELF(guest.StackTop, rvasm.Segment{Vaddr: guest.StackTop, Data: p.MustFinish(), Memsz: memsz, Flags: flags})
	return append([]byte{guest.CodePrefix}, elf...)
}

// TestFenceILoopIsCancelled: "1: fence.i; j 1b" with all the gas in the world stops
// promptly when its context is cancelled, on every engine (each FENCE.I is an exit the
// exit loop handles itself, and it looks at the cancel flag after each).
func TestFenceILoopIsCancelled(t *testing.T) {
	p := rvasm.New(guest.StackTop)
	p.Label("top")
	p.FENCEI()
	p.J("top")
	code := riscvContract(p, guest.PermR|guest.PermW|guest.PermX, 0)
	for _, e := range testEngines() {
		t.Run(e.String(), func(t *testing.T) {
			rt, _ := newTestRuntime(t, e)
			ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
			defer cancel()
			start := time.Now()
			res, err := rt.ExecuteCode(ctx, ExecMsg{From: alice, As: carol, Code: code, Gas: 1 << 60})
			if !isCanceled(res, err) {
				t.Fatalf("%v %+v, want the call cancelled", err, res)
			}
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("cancelled after %v", d)
			}
		})
	}
}

// TestFenceIChargesForWritableCode: FENCE.I costs guest.FenceIPageGas per page of
// writable executable memory, so ten of them over a 1 GiB writable text cost far more
// than a block's gas and the call runs out of gas at once instead of re-reading a
// gigabyte ten times. With read-only text FENCE.I costs its weight only.
func TestFenceIChargesForWritableCode(t *testing.T) {
	build := func() *rvasm.Program {
		p := rvasm.New(guest.StackTop)
		for i := 0; i < 10; i++ {
			p.FENCEI()
		}
		p.LI(rvasm.A0, 0)
		p.LI(rvasm.A1, 0)
		p.LI(rvasm.T0, 0xF3) // RETURN
		p.ECALL()
		return p
	}
	const big = guest.ContractArenaSize - (guest.StackTop - guest.ContractBase)
	for _, e := range testEngines() {
		t.Run(e.String(), func(t *testing.T) {
			rt, _ := newTestRuntime(t, e)
			start := time.Now()
			res, err := rt.ExecuteCode(context.Background(), ExecMsg{From: alice, As: carol, Code: riscvContract(build(), guest.PermR|guest.PermW|guest.PermX, big), Gas: 30_000_000})
			if err != nil || res.Status != StatusFailure || !errors.Is(res.Err, host.ErrOutOfGas) {
				t.Fatalf("1 GiB writable text: %v %+v, want out of gas", err, res)
			}
			if d := time.Since(start); d > 2*time.Second {
				t.Errorf("took %v", d)
			}
			// One page of writable text: each FENCE.I costs one page's charge.
			res, err = rt.ExecuteCode(context.Background(), ExecMsg{From: alice, As: carol, Code: riscvContract(build(), guest.PermR|guest.PermW|guest.PermX, 0), Gas: 100_000})
			if err != nil || res.Status != StatusSuccess {
				t.Fatalf("small writable text: %v %+v", err, res)
			}
			ro, err := rt.ExecuteCode(context.Background(), ExecMsg{From: alice, As: carol, Code: riscvContract(build(), guest.PermR|guest.PermX, 0), Gas: 100_000})
			if err != nil || ro.Status != StatusSuccess {
				t.Fatalf("read-only text: %v %+v", err, ro)
			}
			if d := res.GasUsed - ro.GasUsed; d != 10*guest.FenceIPageGas {
				t.Errorf("writable text used %d gas more than read-only text, want 10 × %d", d, guest.FenceIPageGas)
			}
		})
	}
}
