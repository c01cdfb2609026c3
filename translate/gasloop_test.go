package translate_test

import (
	"testing"

	"github.com/hybridvm/hybridvm/guest"
	"github.com/hybridvm/hybridvm/internal/corpus"
	. "github.com/hybridvm/hybridvm/internal/rvasm"
	"github.com/hybridvm/hybridvm/machine"
)

// TestGasLoop: a long self-loop using more registers alike than there are host
// registers borrows R13 for one of them and keeps the gas in State.Gas (see
// codegen/amd64/blockregs.go); every engine agrees on it when it runs to the end,
// runs out of gas in a later iteration (every gas limit CheckPaged tries), or faults
// on a load in a later iteration.
func TestGasLoop(t *testing.T) {
	const data = 0x30000
	regs := []int{A1, A2, A3, A4, A5, A6, T0, T1, T2, T3, T4, T5, S9, S11}
	build := func(fault bool) []byte {
		p := New(base + 0x10000)
		hot(p)
		for i, r := range regs {
			p.LI(r, int64(i+1)*0x01010101)
		}
		p.LI(S10, 40)
		p.LI(S8, data)
		p.Label("loop")
		for k := 0; k < 2; k++ {
			for i, r := range regs {
				p.ADD(r, r, regs[(i+1)%len(regs)])
			}
		}
		p.LD(A0, S8, 0)
		if fault {
			p.ADDI(S8, S8, 256) // leaves the data segment after 16 iterations
		}
		p.ADDI(S10, S10, -1)
		p.BNE(S10, Zero, "loop")
		p.ADD(A0, A0, Zero)
		for _, r := range regs {
			p.ADD(A0, A0, r)
		}
		p.SLLI(A0, A0, 56)
		p.SRLI(A0, A0, 56)
		p.LI(A7, 93)
		p.ECALL()
		text := Segment{Vaddr: base + 0x10000, Data: p.MustFinish(), Flags: guest.PermR | guest.PermX}
		high := Segment{Vaddr: data, Data: make([]byte, 4096), Flags: guest.PermR | guest.PermW}
		return ELF(text.Vaddr, text, high)
	}
	cache := machine.NewCache(16)
	for _, fault := range []bool{false, true} {
		name := "runs"
		if fault {
			name = "faults"
		}
		corpus.CheckPaged(t, corpus.ExecProgram{Name: "gas loop " + name, ELF: build(fault), ArenaSize: 1 << 20}, cache)
	}
}
