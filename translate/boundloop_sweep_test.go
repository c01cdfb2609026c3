package translate_test

import (
	"math/rand/v2"
	"testing"

	. "github.com/hybridvm/hybridvm/internal/rvasm"
	"github.com/hybridvm/hybridvm/machine"
)

// TestBoundedCounterSweep: counted self-loops whose bound the unit loads with `li`
// (amd64 guards it at the loop's entry and knows the counter's range in the copy it
// guards, codegen/amd64/hoistbound.go), as C's `for (i = 0; i < 5; i++)` compiles:
// the counter steps with addi or addiw, starts at 0, inside the range, at or past
// the bound, negative, or with garbage in its upper half, and the bound register is
// sometimes changed after its `li` (the guess is wrong). The body divides values
// derived from the counter by a register loaded with a constant (right or wrong,
// zero, -1) and indexes an array at an invariant base with the counter and the
// remainders, through 32- and 64-bit arithmetic, loading and storing near the
// arena's ends or outside it. Small budgets and little gas stop the loops midway.
// Every engine must agree with the interpreter.
func TestBoundedCounterSweep(t *testing.T) {
	n, seed := sweepParams(t, 300)
	rng := rand.New(rand.NewPCG(uint64(seed), 5))
	cache := machine.NewCache(16)
	const arenaSize = 1 << 20
	for i := range n {
		org, data, arenaEnd := loopLayout(rng, arenaSize)
		p := New(uint64(org) + 0x10000)
		bound := int64([]int{1, 2, 5, 7, 24, 25, 100, 4000}[rng.IntN(8)])
		step := int64([]int{1, 1, 1, 2, 3, 5}[rng.IntN(6)])
		w32 := rng.IntN(2) == 0
		var r0 int64
		switch rng.IntN(8) {
		case 0:
			r0 = bound // no iteration: runs until the bound is met again, or out of gas
		case 1:
			r0 = -step * int64(1+rng.IntN(4)) // negative: not in [0, bound]
		case 2:
			r0 = bound + step // past the bound
		case 3:
			r0 = int64(uint64(rng.Uint32())<<32) | (bound % step) // garbage above 32 bits
		case 4:
			r0 = bound - step*int64(rng.IntN(3)) // near the end
		default:
			r0 = bound % step // from the start, as C counts
		}
		// The array: its base anywhere from inside the data to past the arena's ends.
		var arr int64
		switch rng.IntN(4) {
		case 0:
			arr = arenaEnd - int64(rng.IntN(256))
		case 1:
			arr = org + int64(rng.IntN(64)) - 32
		default:
			arr = data + int64(rng.IntN(2048))
		}
		p.LI(S4, int64(1+rng.IntN(2))) // runs of the loop
		p.LI(A0, 0)
		p.Label("again")
		p.ADDI(A2, Zero, bound) // li a2, bound: what amd64 guesses
		switch rng.IntN(6) {
		case 0:
			p.ADDI(A2, A2, int64(1+rng.IntN(64))) // the guess is wrong
		case 1:
			p.LI(T1, 1<<32)
			p.ADD(A2, A2, T1) // right low half, wrong upper
		}
		div := []int64{5, 3, 7, 10, 25}[rng.IntN(5)]
		p.ADDI(A3, Zero, div) // li a3, div
		switch rng.IntN(8) {
		case 0:
			p.ADDI(A3, Zero, 0)
		case 1:
			p.ADDI(A3, Zero, -1)
		case 2:
			p.ADDI(A3, A3, 1)
		}
		p.LI(S1, arr)
		p.LI(S0, r0)
		// t5: a dividend stepped once per iteration (codegen/amd64/hoistbound.go's
		// ivGuard), from starts inside and outside the range the entry guards.
		ivStep := []int64{1, 3, 5, 1 << 20}[rng.IntN(4)]
		iters := max((bound-step)/step+1, 1)
		var t5 int64
		switch rng.IntN(5) {
		case 0:
			t5 = -int64(1 + rng.IntN(20))
		case 1:
			t5 = 1<<31 - 1 - ivStep*iters + int64(rng.IntN(3)) - 1 // the guard's edge
		case 2:
			t5 = int64(uint64(rng.Uint32())<<32) | int64(rng.IntN(100)) // garbage above 32 bits
		default:
			t5 = int64(rng.IntN(100))
		}
		p.LI(T5, t5)
		// t6: an invariant index added with addw (codegen/amd64's guardedIdx), inside
		// and outside the range the entry guards.
		var t6 int64
		switch rng.IntN(5) {
		case 0:
			t6 = -int64(1 + rng.IntN(8))
		case 1:
			t6 = 1<<30 + int64(rng.IntN(3)) - 1
		case 2:
			t6 = int64(uint64(rng.Uint32())<<32) | int64(rng.IntN(16))
		default:
			t6 = int64(rng.IntN(16))
		}
		p.LI(T6, t6)
		p.Label("loop")
		stepAt := rng.IntN(4) // where the counter steps among the body's parts
		stepS0 := func() {
			if w32 {
				p.ADDIW(S0, S0, step)
			} else {
				p.ADDI(S0, S0, step)
			}
		}
		for k := range 4 {
			if k == stepAt {
				stepS0()
			}
			switch rng.IntN(6) {
			case 5:
				// t0 = 5*(t5 rem/div a3) + s0 (slliw/addw), then an index.
				f3 := uint32([]int{6, 4}[rng.IntN(2)]) // remw, divw
				p.Emit(R(0x3B, f3, 1, T0, T5, A3))
				p.Emit(I(0x1B, 1, T1, T0, 2))     // slliw t1, t0, 2
				p.Emit(R(0x3B, 0, 0, T1, T1, T0)) // addw t1, t1, t0
				p.Emit(R(0x3B, 0, 0, T0, T1, S0)) // addw t0, t1, s0
				p.SLLI(T0, T0, int64(rng.IntN(4)))
				p.ADD(T0, T0, S1)
			case 0, 1:
				// t0 = (s0 + c) rem/div a3, then an index into the array.
				p.ADDIW(T0, S0, int64(rng.IntN(9))-2)
				f3 := uint32([]int{6, 4, 7, 5}[rng.IntN(4)]) // remw, divw, remuw, divuw
				p.Emit(R(0x3B, f3, 1, T0, T0, A3))
				switch rng.IntN(3) {
				case 0:
					p.Emit(R(0x3B, 0, 0, T0, T0, S0)) // addw t0, t0, s0
				case 1:
					p.Emit(R(0x3B, 0, 0, T0, T6, T0)) // addw t0, t6, t0
				}
				p.SLLI(T0, T0, int64(rng.IntN(4)))
				p.ADD(T0, T0, S1)
			default:
				// the counter itself as an index
				p.SLLI(T0, S0, int64(rng.IntN(4)))
				p.ADD(T0, T0, S1)
			}
			off := int64(rng.IntN(33)) - 16
			if rng.IntN(3) == 0 {
				p.Emit(S(0x23, uint32(rng.IntN(4)), T0, A0, off))
			} else {
				p.Emit(I(0x03, uint32(rng.IntN(4)), T2, T0, off))
				p.Emit(R(0x33, 4, 0, A0, A0, T2)) // xor a0, a0, t2
			}
		}
		if stepAt >= 4 {
			stepS0()
		}
		p.ADDIW(T5, T5, ivStep)
		if rng.IntN(2) == 0 {
			p.BNE(S0, A2, "loop")
		} else {
			p.BNE(A2, S0, "loop")
		}
		p.ADDI(S1, S1, int64(rng.IntN(64))-32)
		p.ADDI(S4, S4, -1)
		p.BNE(S4, Zero, "again")
		p.LI(A7, 93)
		p.ECALL()
		checkLoopSweep(t, rng, cache, p, org, data, arenaSize, "bounded-counter", seed, i, 30_000, 4)
	}
}
