package translate_test

import (
	"math/rand/v2"
	"testing"

	. "github.com/hybridvm/hybridvm/internal/rvasm"
	"github.com/hybridvm/hybridvm/machine"
)

// TestCountedLoopSweep: random counted self-loops, the shape whose bounds checks
// amd64 hoists to the loop's entry (codegen/amd64/hoist.go), run on every engine
// (exit, registers, memory, gas, instruction count and fault must match). The
// loops step an induction register by a random constant (either sign, powers of
// two and odd ones) towards a bound that it reaches after 1 to 40 iterations, or
// never (the bound off by one: the loop runs until its gas is gone), a third of
// them ending right at an end of the arena; they load
// through the induction registers before and after their step and through an
// invariant base, at random offsets and widths, from bases anywhere from well
// inside the arena to past its ends, so that the entry's checks pass, fail at the
// first iteration or fail only at the last. A third of them also divide (divw,
// remw) by a register the loop never writes, which amd64 compares once with a
// guessed constant at the entry (right or wrong). A third count with addiw: from
// small values, across the sign of 32 bits, with garbage in the counter's upper
// bits, or towards a bound that is not sign-extended (never reached). A third of the
// accesses are stores (sb, sh, sw, sd) through the same registers, with memory
// growth metered in half of the programs; the loop runs up to three times, its
// second walk shifted, so that later entries find the windows grown by the first
// (the entry's window checks pass) or step just past their edge (growth gas is
// charged in the checked copy). Half of them copy registers around the loop and
// sign-extend them (sext.w of a register a W result or another sext.w reaches
// through the back edge, which amd64 checks once at the entry,
// codegen/amd64/sextloop.go), starting from values that are sign-extended or not,
// and sometimes through a 64-bit result that never is. Half of them end their body
// with W results that the next iteration reads only in their low half or not at all
// (whose sign extension amd64 leaves to the loop's exits, codegen/amd64/sextexit.go),
// starting from values that are not sign-extended, sometimes read in full at the
// loop's top, and copies, rotates and values read once more that only the loop's
// exits need (left to them in a copy that cannot fault, codegen/amd64/sink.go). Half
// jump straight to the loop's head (three in four of those carrying or deferring
// registers), so that its first iteration runs in the loop's own block with the
// values from before the loop (else the block before the loop runs through it once);
// a third are linked at 2^31, the contract layout's arena base. Small instruction
// budgets make native code leave and re-enter the loop midway, and a quarter of the
// programs get so little gas that they end out of gas in the loop. HYBRIDVM_SWEEP sets the number of
// programs (default 300), HYBRIDVM_SWEEP_SEED the seed.
func TestCountedLoopSweep(t *testing.T) {
	n, seed := sweepParams(t, 300)
	rng := rand.New(rand.NewPCG(uint64(seed), 1))
	cache := machine.NewCache(16)
	const arenaSize = 1 << 20
	steps := []int64{1, 2, 3, 4, 8, 12, 24, 768, 2040, -1, -4, -8, -24, -256, -2048}
	// Load funct3: lb, lh, lw, ld, lbu, lhu, lwu.
	loads := []uint32{0, 1, 2, 3, 4, 5, 6}
	for i := range n {
		// A third are linked at 2^31, where the contract layout puts its arena:
		// arena offsets are then not an address's low 32 bits, and a W register's
		// values are no addresses in the arena.
		org, data, arenaEnd := loopLayout(rng, arenaSize)
		p := New(uint64(org) + 0x10000)
		// Where the walks start: inside the data segment, near either end of the
		// arena, or outside it.
		start := func() int64 {
			switch rng.IntN(5) {
			case 0:
				return arenaEnd - int64(rng.IntN(512))
			case 1:
				return org + int64(rng.IntN(512))
			case 2:
				return org - int64(rng.IntN([]int{16, 64}[rng.IntN(2)]))
			default:
				return data + int64(rng.IntN(4096))
			}
		}
		step := steps[rng.IntN(len(steps))]
		iters := int64(1 + rng.IntN(40))
		r0 := start()
		if rng.IntN(3) == 0 {
			// The walk ends right at an end of the arena: loads after the step
			// reach past it in the last iteration only.
			end := arenaEnd - int64(rng.IntN(16))
			if step < 0 {
				end = org + int64(rng.IntN(16))
			}
			r0 = end - iters*step
		}
		bound := r0 + iters*step
		w32 := rng.IntN(3) == 0 // the counter steps with addiw
		if w32 {
			switch rng.IntN(4) {
			case 0: // crossing from 2^31-1 to -2^31 (or back) midway
				r0 = int64(int32(uint32(1<<31) - uint32(rng.IntN(int(iters)))*uint32(step)))
			case 1: // garbage in the upper half, which the first step discards
				r0 = int64(uint64(uint32(r0)) | uint64(rng.Uint32())<<32)
			}
			bound = int64(int32(uint32(r0) + uint32(iters*step)))
			if rng.IntN(8) == 0 {
				bound ^= 1 << (32 + rng.IntN(31)) // not sign-extended: never reached
			}
		}
		if rng.IntN(6) == 0 {
			bound++ // never reached: out of gas
		}
		// Up to three runs of the loop; the second and third walk s1 from a shifted
		// start.
		reps := 1 + rng.IntN(3)
		shifts := []int64{0, 8, -8, 64, 4096, -4096, 4 * step}
		p.LI(S4, int64(reps))
		p.LI(S5, start()) // s1's first start
		p.LI(S6, shifts[rng.IntN(len(shifts))])
		p.LI(T0, bound)
		p.LI(A0, 0)
		p.Label("again")
		p.LI(S0, r0)
		p.ADDI(S1, S5, 0) // a second induction register
		step2 := steps[rng.IntN(len(steps))]
		p.LI(S2, start()) // an invariant base
		// An invariant divisor, loaded with li (the constant amd64 guesses for
		// it, codegen/amd64/divguard.go), then sometimes changed so that the
		// guess is wrong: another value, zero, -1, or a value whose low 32 bits
		// are the guess's (only those divide).
		divs := rng.IntN(3) == 0
		if divs {
			p.LI(S3, int64(2+rng.IntN(40)))
			switch rng.IntN(6) {
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
		}
		// Registers carried around the loop: s10 and s9 take s9's and s8's
		// previous values, s8 a new W (or 64-bit) result, then sext.w of them.
		carried := rng.IntN(2) == 0
		if carried {
			for _, r := range []int{S8, S9, S10, S11} {
				v := int64(int32(rng.Uint32()))
				if rng.IntN(3) == 0 {
					v = int64(rng.Uint64()) // not sign-extended: the entry's check fails
				}
				p.LI(r, v)
			}
		}
		// W results written late in the body, which the next iteration reads only in
		// their low half or not at all before writing them: amd64 leaves their sign
		// extension to the loop's exits (codegen/amd64/sextexit.go), unless a load
		// before their writes may fault (then it would expose them) or t3 is read in
		// full at the top. They start as values that are not sign-extended.
		deferred, fullRead := rng.IntN(2) == 0, rng.IntN(3) == 0
		if deferred {
			for _, r := range []int{T1, T2, T3, T4, T5, T6} {
				p.LI(r, int64(rng.Uint64()))
			}
		}
		if rng.IntN(2) == 0 || (carried || deferred) && rng.IntN(2) == 0 {
			// Jump to the loop's head: its first iteration then runs in the
			// loop's own block, entering it with the registers as set up (else
			// the block before the loop runs through it once, which also
			// sign-extends the carried registers).
			p.J("loop")
		}
		p.Label("loop")
		if carried {
			p.ADDI(S10, S9, 0)
			p.ADDI(S9, S8, 0)
		}
		if deferred && fullRead {
			p.ADD(A0, A0, T3)
			if rng.IntN(2) == 0 {
				p.ADD(A0, A0, []int{T4, T5, T6}[rng.IntN(3)]) // not left to the exits then
			}
		}
		body := 2 + rng.IntN(5)
		stepped, stepped2 := false, false
		stepS0 := func() {
			if w32 {
				p.ADDIW(S0, S0, step)
			} else {
				p.ADDI(S0, S0, step)
			}
		}
		for k := 0; k < body; k++ {
			if !stepped && rng.IntN(body-k) == 0 {
				stepS0()
				stepped = true
			}
			if !stepped2 && rng.IntN(3) == 0 {
				p.ADDI(S1, S1, step2)
				stepped2 = true
			}
			b := []int{S0, S1, S2}[rng.IntN(3)]
			if rng.IntN(3) == 0 {
				// sb, sh, sw or sd of a loaded or accumulated value.
				v := []int{A0, A1, A2, A3, Zero}[rng.IntN(5)]
				p.Emit(S(0x23, uint32(rng.IntN(4)), b, v, int64(rng.IntN(64))-32))
				continue
			}
			rd := []int{A1, A2, A3, Zero}[rng.IntN(4)]
			p.Emit(I(0x03, loads[rng.IntN(len(loads))], rd, b, int64(rng.IntN(64))-32))
			p.ADD(A0, A0, rd)
			if divs && rng.IntN(2) == 0 {
				// divw or remw of a loaded (any sign) or accumulated value.
				f3 := []uint32{4, 6}[rng.IntN(2)]
				p.Emit(R(0x3B, f3, 1, A4, []int{A0, A1, A2, A3}[rng.IntN(4)], S3))
				p.ADD(A0, A0, A4)
			}
		}
		if carried {
			sext := func(rd, rs int) { p.Emit(I(0x1B, 0, rd, rs, 0)) }
			if rng.IntN(4) == 0 {
				p.ADD(S8, S9, A0) // 64-bit: s8's sext.w stays
			} else {
				p.Emit(R(0x3B, 0, 0, S8, S9, A0)) // addw s8, s9, a0
			}
			for _, k := range rng.Perm(4) {
				switch k {
				case 0:
					sext(S9, S9)
				case 1:
					sext(S10, S10)
				case 2:
					p.Emit(R(0x33, 4, 0, S11, S11, S10)) // xor s11, s11, s10
					sext(S11, S11)
				case 3:
					sext(A4, S8)
					p.ADD(A0, A0, A4)
				}
			}
		}
		if deferred {
			for _, r := range rng.Perm(3) {
				rd := []int{T1, T2, T3}[r]
				switch rng.IntN(6) {
				case 0:
					p.Emit(R(0x3B, 0, 0, rd, rd, A0)) // addw rd, rd, a0
				case 1:
					p.Emit(R(0x3B, 0, 0x20, rd, A1, A0)) // subw rd, a1, a0
				case 2:
					p.Emit(I(0x1B, 1, rd, A0, int64(rng.IntN(32)))) // slliw
				case 3:
					p.Emit(I(0x1B, 5, rd, A0, int64(rng.IntN(32)))) // srliw
				case 4:
					p.Emit(I(0x1B, 5, rd, A0, int64(0x400|rng.IntN(32)))) // sraiw
				default:
					p.Emit(I(0x1B, 0, rd, A0, int64(rng.IntN(4096))-2048)) // addiw
				}
			}
			// Results only the loop's exits need (codegen/amd64/sink.go, in a copy
			// that cannot fault): a copy, a value read once more, a rotate.
			switch rng.IntN(4) {
			case 0:
				p.ADDI(T4, A0, 0) // mv t4, a0
			case 1:
				p.Emit(R(0x33, 4, 0, T5, A0, A1)) // xor t5, a0, a1
				p.ADD(T4, T5, A0)
			case 2:
				n := int64(1 + rng.IntN(31))
				p.Emit(I(0x1B, 5, T4, A0, n))     // srliw t4, a0, n
				p.Emit(I(0x1B, 1, T5, A0, 32-n))  // slliw t5, a0, 32-n
				p.Emit(R(0x33, 6, 0, T6, T4, T5)) // or t6, t4, t5
			default:
				n := int64(1 + rng.IntN(31))
				p.Emit(I(0x1B, 5, T4, A0, n))     // srliw t4, a0, n
				p.Emit(I(0x1B, 1, T5, A0, 32-n))  // slliw t5, a0, 32-n
				p.Emit(R(0x33, 6, 0, T6, T4, T5)) // or t6, t4, t5
				p.Emit(R(0x33, 4, 0, T5, T6, A1)) // xor t5, t6, a1
				p.Emit(R(0x3B, 0, 0, T4, T6, T5)) // addw t4, t6, t5
			}
		}
		if !stepped {
			stepS0()
		}
		if rng.IntN(2) == 0 {
			p.BNE(S0, T0, "loop")
		} else {
			p.BNE(T0, S0, "loop")
		}
		p.ADD(S5, S5, S6)
		p.ADDI(S4, S4, -1)
		p.BNE(S4, Zero, "again")
		p.LI(A7, 93)
		p.ECALL()
		checkLoopSweep(t, rng, cache, p, org, data, arenaSize, "counted-loop", seed, i, 20_000, 4)
	}
}
