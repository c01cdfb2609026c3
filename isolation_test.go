package hybridvm

import (
	"bytes"
	"context"
	"testing"

	"github.com/ethereum/go-ethereum/common"

	"github.com/hybridvm/hybridvm/guest"
	. "github.com/hybridvm/hybridvm/internal/rvasm"
)

// TestArenaReuseLeaksNothing: pooled arenas are reset between calls. A writer contract
// scatters stores across its arena — near the calldata window, the stack, just past its
// segments, far out in the heap and at the arena's last doubleword — and a reader run
// next (on the arena the writer released) returns what it finds at the same places:
// it must all be zero, on every engine.
func TestArenaReuseLeaksNothing(t *testing.T) {
	spots := []int64{
		guest.ContractBase + 0x800,       // in the calldata window
		guest.StackTop - 0x100,           // the stack
		guest.StackTop + 0x3000,          // just past the segments
		guest.ContractBase + 0x2000_0000, // far out in the heap
		guest.ContractBase + guest.ContractArenaSize - 8,
	}
	contract := func(write bool) []byte {
		p := New(guest.StackTop)
		p.LI(S1, 0x5A5A5A5A5A5A5A5A)
		p.LI(S2, guest.StackTop-0x1000) // output buffer
		for i, a := range spots {
			p.LI(T1, a)
			if write {
				p.SD(S1, T1, 0)
			} else {
				p.LD(T2, T1, 0)
				p.SD(T2, S2, int64(8*i))
			}
		}
		p.LI(A0, guest.StackTop-0x1000) // the reader RETURNs what it found, the writer nothing
		p.LI(A1, 0)
		if !write {
			p.LI(A1, int64(8*len(spots)))
		}
		p.LI(T0, 0xF3)
		p.ECALL()
		return append([]byte{guest.CodePrefix}, ELF(guest.StackTop, Segment{Vaddr: guest.StackTop, Data: p.MustFinish(), Flags: 5})...)
	}
	writer, reader := contract(true), contract(false)
	for _, e := range testEngines() {
		t.Run(e.String(), func(t *testing.T) {
			rt, _ := newTestRuntime(t, e)
			ctx := context.Background()
			for i := 0; i < 3; i++ {
				// The writer's stores span most of the arena: its memory charge (512 gas a
				// page of the span, docs/abi.md) is about 67M gas.
				res, err := rt.ExecuteCode(ctx, ExecMsg{From: alice, As: common.HexToAddress("0x1234"), Code: writer, Gas: 200_000_000})
				if err != nil || res.Status != StatusSuccess {
					t.Fatalf("writer: %v %+v", err, res)
				}
				res, err = rt.ExecuteCode(ctx, ExecMsg{From: alice, As: common.HexToAddress("0x1234"), Code: reader, Gas: 1_000_000})
				if err != nil || res.Status != StatusSuccess {
					t.Fatalf("reader: %v %+v", err, res)
				}
				if !bytes.Equal(res.Output, make([]byte, 8*len(spots))) {
					t.Fatalf("round %d: the reader saw the writer's memory: %x", i, res.Output)
				}
			}
		})
	}
}
