package translate_test

import (
	"math"
	"math/rand/v2"
	"testing"

	. "github.com/hybridvm/hybridvm/internal/rvasm"
	"github.com/hybridvm/hybridvm/machine"
)

// TestCmpLoopSweep: random self-loops closed by an ordered comparison (bgeu, bltu,
// bge, blt) of a counter stepped by an invariant register or a constant with an
// invariant bound, loading and storing through a register stepped alike (before and
// after its step; sometimes by another amount), through the counter itself, through
// an invariant base and through a computed index from it — the
// shape whose checks amd64 hoists to the loop's entry (codegen/amd64/hoistcmp.go).
// Counters start below, at or above the bound, signed and unsigned, near 0, 2^31,
// 2^62 and 2^63; steps are 0, small, large or at least 2^32; walks start inside the
// arena, near its ends or outside it, so that the entry's checks pass, fail, or the
// loop faults midway. Stores meter memory growth in half of the programs; small
// instruction budgets and little gas stop the loop midway. Every engine must agree
// with the interpreter.
func TestCmpLoopSweep(t *testing.T) {
	n, seed := sweepParams(t, 300)
	rng := rand.New(rand.NewPCG(uint64(seed), 4))
	cache := machine.NewCache(16)
	const arenaSize = 1 << 20
	for i := range n {
		org, data, arenaEnd := loopLayout(rng, arenaSize)
		start := func() int64 {
			switch rng.IntN(6) {
			case 0:
				return arenaEnd - int64(rng.IntN(512))
			case 1:
				return org + int64(rng.IntN(512))
			case 2:
				return org - int64(rng.IntN(64))
			case 3:
				return arenaEnd + int64(rng.IntN(64))
			default:
				return data + int64(rng.IntN(4096))
			}
		}
		// The step: a register (a4) or a constant.
		regStep := rng.IntN(3) > 0
		steps := []int64{1, 2, 3, 4, 8, 24, 100, 4095}
		step := steps[rng.IntN(len(steps))]
		if regStep {
			switch rng.IntN(10) {
			case 0:
				step = 0 // r never moves: the loop runs until its gas is gone
			case 1:
				step = []int64{1 << 32, 1 << 40, -1, -8, math.MinInt64}[rng.IntN(5)] // no hoisting
			}
		}
		iters := int64(1 + rng.IntN(30))
		signed, strict := rng.IntN(2) == 0, rng.IntN(2) == 0
		// The counter: an address half of the time (accesses through it), else an
		// index from an interesting place.
		var r0 int64
		counterAddr := rng.IntN(2) == 0
		if counterAddr {
			r0 = start()
		} else {
			r0 = []int64{0, 1, -5, 1 << 31, math.MaxInt32 - 3, 1<<62 - 10, -1 << 62, 1<<63 - 40, math.MinInt64, -1}[rng.IntN(10)]
		}
		q := r0 + iters*step
		if strict {
			q++ // r < q: the same iterations
		}
		switch rng.IntN(8) {
		case 0:
			q = r0 - int64(rng.IntN(3)) // at or below the start: one iteration
		case 1:
			q += int64(rng.IntN(7)) - 3
		case 2:
			q = []int64{math.MaxInt64, -1, math.MinInt64, 1 << 62, 1 << 63 >> 1}[rng.IntN(5)]
		}
		b0 := start()
		p := New(uint64(org) + 0x10000)
		p.LI(S4, int64(1+rng.IntN(2))) // runs of the loop
		p.LI(S5, b0)
		p.LI(A0, 0)
		p.Label("again")
		p.LI(A5, r0)
		p.ADDI(A3, S5, 0)
		p.LI(A2, q)
		p.LI(A4, step)
		p.LI(S2, start()) // an invariant base
		p.Label("loop")
		// Sometimes a3 moves by another amount than the counter: not its partner.
		other := rng.IntN(4) == 0
		p.LI(S3, steps[rng.IntN(len(steps))])
		stepped := [2]bool{}
		stepReg := func(r int) {
			if r == A3 && other {
				if rng.IntN(2) == 0 {
					p.ADD(r, r, S3)
				} else {
					p.ADDI(r, r, steps[rng.IntN(len(steps))])
				}
				return
			}
			if regStep {
				if rng.IntN(2) == 0 {
					p.ADD(r, r, A4)
				} else {
					p.ADD(r, A4, r)
				}
			} else {
				p.ADDI(r, r, step)
			}
		}
		for range 2 + rng.IntN(5) {
			switch rng.IntN(7) {
			case 0, 1, 2:
				bases := []int{A3, A3, S2}
				if counterAddr {
					bases = append(bases, A5)
				}
				b := bases[rng.IntN(len(bases))]
				off := int64(rng.IntN(33)) - 16
				f3 := uint32(rng.IntN(4))
				if rng.IntN(3) == 0 {
					p.Emit(S(0x23, f3, b, A0, off)) // sb/sh/sw/sd a0, off(b)
				} else {
					if f3 < 3 && rng.IntN(2) == 0 {
						f3 |= 4 // lbu, lhu, lwu
					}
					p.Emit(I(0x03, f3, T0, b, off))   // a load
					p.Emit(R(0x33, 4, 0, A0, A0, T0)) // xor a0, a0, t0
				}
			case 3:
				if !stepped[0] {
					stepReg(A5)
					stepped[0] = true
				}
			case 4:
				if !stepped[1] {
					stepReg(A3)
					stepped[1] = true
				}
			case 5:
				// A computed index from an invariant base (s2 + [0, mask]), which the
				// not-counted plan of codegen/amd64/hoistidx.go covers alongside.
				mask := int64([]int{7, 63, 255, 2047}[rng.IntN(4)])
				p.Emit(I(0x13, 7, T1, A0, mask)) // andi t1, a0, mask
				p.ADD(T1, T1, S2)
				off := int64(rng.IntN(33)) - 16
				if rng.IntN(3) == 0 {
					p.Emit(S(0x23, uint32(rng.IntN(4)), T1, A0, off))
				} else {
					p.Emit(I(0x03, uint32(rng.IntN(4)), T0, T1, off))
					p.Emit(R(0x33, 4, 0, A0, A0, T0))
				}
			default:
				p.ADDI(A1, A0, int64(rng.IntN(100)))
			}
		}
		if !stepped[0] {
			stepReg(A5)
		}
		if !stepped[1] {
			stepReg(A3)
		}
		switch {
		case signed && strict:
			p.BLT(A5, A2, "loop")
		case signed:
			p.BGE(A2, A5, "loop")
		case strict:
			p.BLTU(A5, A2, "loop")
		default:
			p.BGEU(A2, A5, "loop")
		}
		p.ADDI(S5, S5, int64(rng.IntN(64))-32)
		p.ADDI(S4, S4, -1)
		p.BNE(S4, Zero, "again")
		p.LI(A7, 93)
		p.ECALL()
		checkLoopSweep(t, rng, cache, p, org, data, arenaSize, "cmp-loop", seed, i, 20_000, 4)
	}
}
