package translate_test

import (
	"math/rand/v2"
	"testing"

	. "github.com/hybridvm/hybridvm/internal/rvasm"
	"github.com/hybridvm/hybridvm/machine"
)

// TestFastLoopSweep: random counted self-loops with long bodies over many registers,
// the loops amd64 runs as register-allocated fast loops (codegen/amd64/fastloop.go),
// on every engine against the interpreter (exit, registers, memory, gas, instruction
// count and fault must match). The bodies mix every instruction the fast loop
// compiles — 64-bit and W arithmetic, shifts by immediates and by registers,
// multiplies, divisions by an invariant divisor (of dividends of either sign),
// lui, moves (both encodings, and rotations of registers through a
// temporary, sha256's pattern, so that the back edge's parallel move has chains and
// cycles), sext.w, shift-shift-or rotates of both widths (their halves sometimes read
// elsewhere), loads and stores of every width through a stepped pointer and an
// invariant base — over up to 26 registers, more than the host has, while some
// registers the loop never touches must keep their values. One program in twenty
// also has an instruction the fast loop does not compile. The loops run 1 to 40
// times (sometimes never reaching their bound, until out of gas), counting with addi
// or addiw, up to three times over; small instruction budgets and small gas make
// them leave midway (the fast loop then does not run, or stops before its last
// iteration). HYBRIDVM_SWEEP sets the number of programs (default 300),
// HYBRIDVM_SWEEP_SEED the seed.
func TestFastLoopSweep(t *testing.T) {
	n, seed := sweepParams(t, 300)
	rng := rand.New(rand.NewPCG(uint64(seed), 7))
	cache := machine.NewCache(16)
	const arenaSize = 1 << 20
	val := sweepValues(rng, []int64{0, -1, 1, 1 << 31, -1 << 31, 1<<31 - 1, 1<<63 - 1}, 4)
	// Control registers: the counter s0, its bound t0, the stepped pointer s1, the
	// invariant base s2, the divisor s3, the repeat count s4; a few others the body
	// never touches (kept).
	kept := []int{S5, S11}
	var pool []int
	for r := 1; r < 32; r++ {
		switch r {
		case S0, T0, S1, S2, S4, S3, S5, S11:
		default:
			pool = append(pool, r)
		}
	}
	for i := range n {
		org, data, _ := loopLayout(rng, arenaSize)
		p := New(uint64(org) + 0x10000)
		// How many registers the body uses: few (all fit) to all of the pool.
		regs := pool
		if rng.IntN(3) == 0 {
			regs = pool[:4+rng.IntN(len(pool)-4)]
		}
		reg := func() int { return regs[rng.IntN(len(regs))] }
		src := func() int {
			if rng.IntN(20) == 0 {
				return Zero
			}
			return reg()
		}
		for _, r := range append(append([]int{}, pool...), kept...) {
			v := val()
			if rng.IntN(2) == 0 {
				v = int64(int32(v))
			}
			p.LI(r, v)
		}
		w32 := rng.IntN(3) == 0
		step := []int64{1, 2, 3, -1, -4, 7}[rng.IntN(6)]
		iters := int64(1 + rng.IntN(40))
		r0 := val()
		if w32 {
			r0 = int64(int32(r0))
		}
		bound := r0 + iters*step
		if w32 {
			bound = int64(int32(bound))
		}
		if rng.IntN(8) == 0 {
			bound += step * 1000 // not reached before the gas runs out
		}
		reps := 1 + rng.IntN(3)
		p.LI(S4, int64(reps))
		p.LI(T0, bound)
		p.Label("again")
		p.LI(S0, r0)
		p.LI(S1, data+1024+int64(rng.IntN(2048)))
		p.LI(S2, data+int64(rng.IntN(4096-64)))
		// An invariant divisor from li (the constant amd64 guesses, divguard.go),
		// sometimes changed so that the guess is wrong.
		p.LI(S3, int64(2+rng.IntN(40)))
		if rng.IntN(5) == 0 {
			p.ADDI(S3, S3, int64(rng.IntN(3))-1)
		}
		if rng.IntN(2) == 0 {
			p.J("loop")
		}
		p.Label("loop")
		body := 5 + rng.IntN(56)
		stepped, pstep := false, rng.IntN(4) != 0
		odd := rng.IntN(20) == 0
		for k := 0; k < body; k++ {
			if !stepped && rng.IntN(body-k) == 0 {
				if w32 {
					p.ADDIW(S0, S0, step)
				} else {
					p.ADDI(S0, S0, step)
				}
				stepped = true
			}
			if pstep && rng.IntN(body-k) == 0 {
				p.ADDI(S1, S1, []int64{8, -8, 4, 1}[rng.IntN(4)])
				pstep = false
			}
			if odd && rng.IntN(body-k) == 0 {
				p.Emit(R(0x33, 2, 0, reg(), src(), src())) // slt: no fast loop
				odd = false
			}
			fastLoopInst(p, rng, reg, src)
		}
		if !stepped {
			if w32 {
				p.ADDIW(S0, S0, step)
			} else {
				p.ADDI(S0, S0, step)
			}
		}
		if rng.IntN(2) == 0 {
			p.BNE(S0, T0, "loop")
		} else {
			p.BNE(T0, S0, "loop")
		}
		p.ADDI(S4, S4, -1)
		p.BNE(S4, Zero, "again")
		p.LI(A7, 93)
		p.ECALL()
		checkLoopSweep(t, rng, cache, p, org, data, arenaSize, "fast-loop", seed, i, 60_000, 5)
	}
}

// fastLoopInst emits one random instruction (or a short pattern) of a fast loop's
// body: results in reg(), sources from src() (sometimes x0).
func fastLoopInst(p *Program, rng *rand.Rand, reg, src func() int) {
	base := func() int { return []int{S1, S2}[rng.IntN(2)] }
	off := func() int64 { return int64(rng.IntN(64)) - 32 }
	switch rng.IntN(17) {
	case 0, 1: // OP: add, sub, sll, xor, srl, sra, or, and, mul
		f := [][2]uint32{{0, 0}, {0, 0x20}, {1, 0}, {4, 0}, {5, 0}, {5, 0x20}, {6, 0}, {7, 0}, {0, 1}}[rng.IntN(9)]
		p.Emit(R(0x33, f[0], f[1], reg(), src(), src()))
	case 2, 3: // OP-32: addw subw sllw srlw sraw mulw
		f := [][2]uint32{{0, 0}, {0, 0x20}, {1, 0}, {5, 0}, {5, 0x20}, {0, 1}}[rng.IntN(6)]
		p.Emit(R(0x3B, f[0], f[1], reg(), src(), src()))
	case 4, 5: // OP-IMM: addi xori ori andi slli srli srai
		switch f3 := []uint32{0, 4, 6, 7, 1, 5, 5}[rng.IntN(7)]; f3 {
		case 1, 5:
			sh := int64(rng.IntN(64))
			if rng.IntN(2) == 0 && f3 == 5 {
				sh |= 0x400
			}
			p.Emit(I(0x13, f3, reg(), src(), sh))
		default:
			imm := int64(rng.IntN(4096)) - 2048
			if rng.IntN(4) == 0 {
				imm = -1
			}
			p.Emit(I(0x13, f3, reg(), src(), imm))
		}
	case 6: // OP-IMM-32: addiw slliw srliw sraiw
		switch f3 := []uint32{0, 1, 5, 5}[rng.IntN(4)]; f3 {
		case 0:
			p.ADDIW(reg(), src(), int64(rng.IntN(4096))-2048)
		default:
			sh := int64(rng.IntN(32))
			if rng.IntN(2) == 0 && f3 == 5 {
				sh |= 0x400
			}
			p.Emit(I(0x1B, f3, reg(), src(), sh))
		}
	case 7: // moves, both encodings, and sext.w
		switch rng.IntN(3) {
		case 0:
			p.ADDI(reg(), src(), 0)
		case 1:
			p.ADD(reg(), Zero, src())
		default:
			p.ADDIW(reg(), src(), 0)
		}
	case 8: // a rotation of registers through a temporary (a cycle on the back edge)
		k := 2 + rng.IntN(4)
		rs := make([]int, k)
		for j := range rs {
			rs[j] = reg()
		}
		tmp := reg()
		p.ADDI(tmp, rs[0], 0)
		for j := 0; j+1 < k; j++ {
			p.ADD(rs[j], Zero, rs[j+1])
		}
		p.ADDI(rs[k-1], tmp, 0)
	case 9: // lui, li
		if rng.IntN(2) == 0 {
			p.LUI(reg(), int64(rng.Uint32()))
		} else {
			p.LI(reg(), int64(rng.Uint64()>>rng.IntN(64)))
		}
	case 10, 11: // a rotate: srliw/slliw (or srli/slli) and or, xor or add(w)
		x, a, b, d := src(), reg(), reg(), reg()
		word := rng.IntN(2) == 0
		n := int64(1 + rng.IntN(31))
		if word {
			p.Emit(I(0x1B, 5, a, x, n))
			p.Emit(I(0x1B, 1, b, x, 32-n))
		} else {
			n = int64(1 + rng.IntN(63))
			p.SRLI(a, x, n)
			p.SLLI(b, x, 64-n)
		}
		if rng.IntN(4) == 0 {
			fastLoopInst(p, rng, reg, src) // something in between
		}
		switch rng.IntN(4) {
		case 0:
			p.Emit(R(0x33, 6, 0, d, a, b)) // or
		case 1:
			p.Emit(R(0x33, 4, 0, d, b, a)) // xor
		case 2:
			p.ADD(d, a, b)
		default:
			p.Emit(R(0x3B, 0, 0, d, a, b)) // addw
		}
	case 12, 13: // loads of every width
		f3 := uint32(rng.IntN(7))
		p.Emit(I(0x03, f3, reg(), base(), off()))
	case 14: // stores of every width
		p.Emit(S(0x23, uint32(rng.IntN(4)), base(), src(), off()))
	case 15: // divw, remw by the invariant divisor (any sign, sometimes small)
		x := src()
		if rng.IntN(2) == 0 {
			y := reg()
			p.Emit(I(0x13, 7, y, x, 0x3ff)) // andi: non-negative
			x = y
		}
		p.Emit(R(0x3B, []uint32{4, 6}[rng.IntN(2)], 1, reg(), x, S3))
	default: // not: xori -1
		p.Emit(I(0x13, 4, reg(), src(), -1))
	}
}
