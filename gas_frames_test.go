package hybridvm

import (
	"context"
	"testing"

	"github.com/ethereum/go-ethereum/common"

	"github.com/hybridvm/hybridvm/evm"
	"github.com/hybridvm/hybridvm/guest"
	. "github.com/hybridvm/hybridvm/internal/rvasm"
	"github.com/hybridvm/hybridvm/state"
)

// frameGas records each frame's gas as the runtime reports its end.
type frameGas struct{ used map[int]uint64 }

func (frameGas) OnOpcode(uint64, evm.OpCode, uint64, uint64, *evm.Scope, int, error) {}
func (g frameGas) OnExit(depth int, _ []byte, gasUsed uint64, _ error, _ bool) {
	g.used[depth] = gasUsed
}

// TestGasTotalsAreTheSumOfFrames: EVM code E calls RISC-V contract R, which calls EVM
// code E2 that writes a slot. Each frame's gas is computed by hand below from the EVM's
// gas schedule and docs/abi.md's instruction weights and syscall costs; each frame's total
// must be its own cost plus its children's, and the call's gas the sum of all three, on
// every engine.
func TestGasTotalsAreTheSumOfFrames(t *testing.T) {
	e1, r, e2 := common.HexToAddress("0xe1"), common.HexToAddress("0x4242"), common.HexToAddress("0xe2")

	// E2: PUSH1 1, PUSH1 0, SSTORE (cold slot: 2100, 0 -> 1: 20000), STOP.
	const e2Gas = 3 + 3 + 2100 + 20000
	codeE2 := []byte{0x60, 0x01, 0x60, 0x00, 0x55, 0x00}

	// R: entering it costs two pages (docs/abi.md, "Memory growth"): its text and its
	// (empty) calldata with the length word, 512 gas each. Block 1 sets up CALL(E2) and
	// ECALLs (8 instructions of weight 1); the CALL syscall pays the cold access to E2
	// (2600) and no copy (empty input). Block 2 sets up RETURN(0, 0) and ECALLs (4
	// instructions of weight 1); RETURN of nothing is free. It stores nothing.
	const rSelf = 2*guest.ContractPageGas + 8 + 2600 + 4
	p := New(guest.StackTop)
	p.LI(A0, 0xe2) // A-word target: bytes 12..20 of the address
	p.LI(A1, 0)
	p.LI(A2, 0)
	p.LI(A3, 0) // value
	p.LI(A4, 0) // input
	p.LI(A5, 0)
	p.LI(T0, 0xF1) // CALL
	p.ECALL()
	p.LI(A0, 0)
	p.LI(A1, 0)
	p.LI(T0, 0xF3) // RETURN
	p.ECALL()
	codeR := append([]byte{guest.CodePrefix}, ELF(guest.StackTop, Segment{Vaddr: guest.StackTop, Data: p.MustFinish(), Flags: 5})...)

	// E: PUSH1 0 ×5 (15), PUSH20 R (3), GAS (2), CALL to a cold account (2600), POP (2), STOP.
	const eSelf = 15 + 3 + 2 + 2600 + 2
	codeE := append([]byte{0x60, 0, 0x60, 0, 0x60, 0, 0x60, 0, 0x60, 0, 0x73}, r[:]...)
	codeE = append(codeE, 0x5a, 0xf1, 0x50, 0x00)

	for _, e := range testEngines() {
		t.Run(e.String(), func(t *testing.T) {
			st := state.New()
			st.SetCode(e1, codeE)
			st.SetCode(r, codeR)
			st.SetCode(e2, codeE2)
			g := frameGas{used: map[int]uint64{}}
			rt, err := NewRuntime(context.Background(), Config{Engine: e, Fork: ForkLatest, State: st, EVMTracer: g})
			if err != nil {
				t.Fatal(err)
			}
			res, err := rt.Call(context.Background(), CallMsg{From: alice, To: e1, Gas: 1_000_000})
			if err != nil || res.Status != StatusSuccess {
				t.Fatalf("%v %+v", err, res)
			}
			want := map[int]uint64{2: e2Gas, 1: rSelf + e2Gas, 0: eSelf + rSelf + e2Gas}
			for depth, w := range want {
				if g.used[depth] != w {
					t.Errorf("frame at depth %d used %d gas, want %d", depth, g.used[depth], w)
				}
			}
			if res.GasUsed != eSelf+rSelf+e2Gas {
				t.Errorf("call used %d gas, want %d", res.GasUsed, eSelf+rSelf+e2Gas)
			}
			if res.Instructions != 12 {
				t.Errorf("%d RISC-V instructions, want 12", res.Instructions)
			}
		})
	}
}
