package arm64

import (
	"sort"

	"github.com/hybridvm/hybridvm/codegen/internal/asm"
	"github.com/hybridvm/hybridvm/guest"
)

// Fixed host registers (see the package comment).
const (
	rST   = asm.X19 // *guest.State
	rMem  = asm.X20 // host address of the arena's first byte
	rGas  = asm.X21 // Gas<<gasShift | Retired
	rBase = asm.X22 // ArenaBase
	rLim  = asm.X23 // ArenaSize - 8
	tA    = asm.X24 // scratch; the arena offset of an access; pc - lo at dispatch
	tB    = asm.X25 // scratch
	tC    = asm.X30 // scratch, and the link register of the store check routine
)

// gasShift is where the gas field of rGas starts; the retired count is below it.
const gasShift = 18

// mappable are the host registers that hold guest registers, in preference order
// (twenty: X0-X17, X26, X29).
var mappable = [...]asm.Reg{
	asm.X0, asm.X1, asm.X2, asm.X3, asm.X4, asm.X5, asm.X6, asm.X7, asm.X8, asm.X9,
	asm.X10, asm.X11, asm.X12, asm.X13, asm.X14, asm.X15, asm.X16, asm.X17, asm.X26, asm.X29,
}

// regMap says which host register holds each guest register (NoReg: in State.X).
type regMap struct {
	host [32]asm.Reg
}

// mapped lists the (guest, host) pairs.
func (m *regMap) mapped() (pairs [][2]int) {
	for g, h := range m.host {
		if h != asm.NoReg {
			pairs = append(pairs, [2]int{g, int(h)})
		}
	}
	return pairs
}

// chooseRegs assigns the mappable host registers to the most used guest registers
// (use counts come from translate.RegisterUse). Guest registers that are never used
// get none; ties go to the lower register number.
func chooseRegs(use [32]int) regMap {
	order := make([]int, 0, 31)
	for g := 1; g < 32; g++ {
		order = append(order, g)
	}
	sort.SliceStable(order, func(i, j int) bool { return use[order[i]] > use[order[j]] })
	var m regMap
	for i, g := range order {
		if i == len(mappable) || use[g] == 0 {
			break
		}
		m.host[g] = mappable[i]
	}
	return m
}

// defaultUse is the ranking used when a program gives no counts: every register,
// the ones compiled RV64 code uses most first.
var defaultUse = func() (u [32]int) {
	for g := 1; g < 32; g++ {
		u[g] = 1
	}
	for i, g := range []int{2, 10, 15, 14, 11, 1, 12, 13, 8} {
		u[g] = 100 - i
	}
	return u
}()

func xoff(r uint8) int64 { return guest.OffX + 8*int64(r) }

// hw is the hardware number of a register (for hand-encoded instructions).
func hw(r asm.Reg) uint32 { return uint32(r) & 31 }
