package translate_test

import (
	"math/rand/v2"
	"testing"

	. "github.com/hybridvm/hybridvm/internal/rvasm"
	"github.com/hybridvm/hybridvm/machine"
)

// TestComputedIndexSweep: random self-loops that load and store through computed,
// bounded indexes of an invariant base (keccak's d[(x+1)%5]), whose checks amd64
// moves to the loop's entry (codegen/amd64/hoistidx.go), run on every engine (exit,
// registers, memory, gas, instruction count and fault must match). Each access's
// index comes from remw by an invariant divisor (guessed right or wrong at the entry,
// zero or -1), rem/remu/remw/remuw by a constant the body loads, andi, lbu, or values
// the analysis must not trust (the index register's previous iteration, a copy of a
// loaded value); it is then shifted (slli, slliw), offset (addi, addiw), pushed across
// int32 by addw/subw of a large exact constant (with the base placed so that only the
// 64-bit sum, not the wrapped W result, lies in the arena), and added to the base
// (or to a register the loop writes). The bases lie well inside the arena, near its
// ends or outside, so that the index sometimes leaves the arena or the store window
// in some iterations only. The loops count with addi or addiw, or not at all (the
// counter copied through another register), some never end before their gas does;
// some start in their own block, some have small instruction budgets or metered
// memory growth. HYBRIDVM_SWEEP sets the number of programs (default 300),
// HYBRIDVM_SWEEP_SEED the seed.
func TestComputedIndexSweep(t *testing.T) {
	n, seed := sweepParams(t, 300)
	rng := rand.New(rand.NewPCG(uint64(seed), 2))
	cache := machine.NewCache(16)
	const arenaSize = 1 << 20
	for i := range n {
		org, data, arenaEnd := loopLayout(rng, arenaSize)
		p := New(uint64(org) + 0x10000)
		start := func() int64 {
			switch rng.IntN(6) {
			case 0:
				return arenaEnd - int64(rng.IntN(256))
			case 1:
				return org + int64(rng.IntN(256))
			case 2:
				return org - int64(rng.IntN(64))
			case 3:
				return arenaEnd + int64(rng.IntN(64))
			default:
				return data + int64(rng.IntN(4096))
			}
		}
		iters := int64(1 + rng.IntN(30))
		r0 := int64(rng.IntN(8)) - 4
		w32 := rng.IntN(2) == 0
		uncounted := rng.IntN(4) == 0
		bound := r0 + iters
		if rng.IntN(8) == 0 {
			bound = r0 - 1 // never reached: out of gas
		}
		// The big constant an index may be pushed by through addw/subw, and the
		// base that makes only the unwrapped sum an address in the arena.
		bigShift := int64(10 + rng.IntN(12))
		big := int64(2047) << bigShift
		p.LI(T0, bound)
		p.LI(A0, int64(rng.Uint64()))
		p.LI(A1, int64(rng.Uint64()))
		divisor := int64(2 + rng.IntN(40))
		p.LI(S3, divisor)
		switch rng.IntN(8) {
		case 0:
			p.ADDI(S3, S3, int64(1+rng.IntN(5)))
		case 1:
			p.ADD(S3, Zero, Zero)
		case 2:
			p.ADDI(S3, Zero, -1)
		case 3:
			p.LI(T1, 1<<32)
			p.ADD(S3, S3, T1)
		}
		p.LI(S2, start())
		if rng.IntN(4) == 0 {
			p.LI(S2, start()-big)
		}
		p.LI(S4, start()) // a second invariant base
		p.LI(S0, r0)
		if rng.IntN(2) == 0 {
			p.J("loop")
		}
		p.Label("loop")
		// Registers the analysis must not trust: indexes from the last iteration.
		if rng.IntN(4) == 0 {
			p.ADDI(A5, A5, 8)
			p.ADD(A5, A5, S2)
			p.LD(A2, A5, 0)
			p.ADD(A0, A0, A2)
		}
		accesses := 1 + rng.IntN(3)
		for k := 0; k < accesses; k++ {
			x := []int{A5, A6, A4}[rng.IntN(3)]
			src := []int{S0, A0, A1}[rng.IntN(3)]
			keccak := rng.IntN(3) == 0
			if keccak {
				p.Emit(R(0x3B, 6, 1, x, src, S3)) // remw x, src, s3
			} else {
				switch rng.IntN(7) {
				case 0:
					p.Emit(R(0x3B, 6, 1, x, src, S3)) // remw x, src, s3
				case 1:
					imms := []int64{-1, -8, 0, 7, 63, 255, 2047, int64(rng.IntN(4096)) - 2048}
					p.Emit(I(0x13, 7, x, src, imms[rng.IntN(len(imms))])) // andi
				case 2:
					p.LBU(x, S4, int64(rng.IntN(32)))
				case 3:
					// rem, remu, remw or remuw by a constant the body loads.
					cs := []int64{0, -1, 1, 2, 5, -5, 13, 100, -2048, 2047}
					p.ADDI(T6, Zero, cs[rng.IntN(len(cs))])
					if rng.IntN(2) == 0 {
						p.LI(T6, -1<<31) // remuw by 2^31
					}
					ops := [][2]uint32{{0x33, 6}, {0x33, 7}, {0x3B, 6}, {0x3B, 7}}
					op := ops[rng.IntN(len(ops))]
					p.Emit(R(op[0], op[1], 1, x, src, T6))
				case 4:
					p.ADDI(x, x, 16) // last iteration's
				case 5:
					p.ADDI(x, src, 0) // any value
				default:
					p.LI(T6, int64(rng.IntN(100))-50)
					p.ADDI(x, T6, int64(rng.IntN(64)))
				}
			}
			if keccak {
				p.SLLI(x, x, 3)
				p.ADDI(x, x, int64(rng.IntN(512))-256)
			} else {
				for range rng.IntN(4) {
					switch rng.IntN(7) {
					case 0:
						p.SLLI(x, x, []int64{0, 1, 2, 3, 4, 20, 21, 30}[rng.IntN(8)])
					case 1:
						p.ADDI(x, x, int64(rng.IntN(4096))-2048)
					case 2:
						p.ADDIW(x, x, int64(rng.IntN(4096))-2048)
					case 3:
						p.Emit(I(0x1B, 1, x, x, int64(rng.IntN(32)))) // slliw
					case 4:
						p.ADDI(T5, Zero, 2047)
						p.SLLI(T5, T5, bigShift)
						if rng.IntN(2) == 0 {
							p.Emit(R(0x3B, 0, 0, x, x, T5)) // addw x, x, t5
						} else {
							p.Emit(R(0x3B, 0, 0x20, x, x, T5)) // subw x, x, t5
						}
					case 5:
						p.Emit(R(0x3B, 0, 0, x, x, x)) // addw x, x, x
					default:
						p.SUB(x, x, []int{A0, Zero, S0}[rng.IntN(3)])
					}
				}
			}
			b := []int{S2, S2, S2, S4, A0}[rng.IntN(5)]
			switch rng.IntN(5) {
			case 0:
				p.ADD(x, b, x)
			case 4:
				// No base: the index is the address.
			default:
				p.ADD(x, x, b)
			}
			off := int64(rng.IntN(128)) - 64
			if keccak {
				off = -int64(rng.IntN(300))
			}
			if rng.IntN(3) == 0 {
				v := []int{A0, A1, A2, S0}[rng.IntN(4)]
				p.Emit(S(0x23, uint32(rng.IntN(4)), x, v, off))
				continue
			}
			rd := []int{A2, A3, x}[rng.IntN(3)]
			p.Emit(I(0x03, uint32(rng.IntN(7)), rd, x, off))
			p.ADD(A0, A0, rd)
		}
		switch {
		case uncounted:
			p.ADDIW(T4, S0, 1)
			p.ADDIW(S0, T4, 0)
		case w32:
			p.ADDIW(S0, S0, 1)
		default:
			p.ADDI(S0, S0, 1)
		}
		p.BNE(S0, T0, "loop")
		p.LI(A7, 93)
		p.ECALL()
		checkLoopSweep(t, rng, cache, p, org, data, arenaSize, "computed-index", seed, i, 20_000, 5)
	}
}
