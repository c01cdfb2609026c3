package translate_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/hybridvm/hybridvm/guest"
	"github.com/hybridvm/hybridvm/internal/corpus"
	. "github.com/hybridvm/hybridvm/internal/rvasm"
	"github.com/hybridvm/hybridvm/machine"
)

// TestDivPairSweep: random blocks in which a division and the division giving the
// other half of the same operands follow each other (amd64 computes both at the
// first, codegen/amd64/divpair.go), in either order and every width and signedness,
// with divisors 0, -1 and the overflowing dividends among the operands, instructions
// between them that sometimes overwrite an operand (no pair then), a result register
// that is an operand of the second, other divisions (interleaved pairs), loads and
// stores through one register (a memory group around the pair, its out-of-line copy
// run while the store window grows) and a load between them that sometimes faults.
// Every engine must agree with the interpreter.
func TestDivPairSweep(t *testing.T) {
	n, seed := sweepParams(t, 300)
	rng := rand.New(rand.NewPCG(uint64(seed), 2))
	cache := machine.NewCache(16)
	const data = 0x30000
	values := []int64{0, 1, -1, 2, -2, 3, 5, 7, -7, 10, math.MinInt64, math.MaxInt64, math.MinInt32, math.MaxInt32,
		-1 << 32, 1 << 32, 0xffffffff, 0x80000000}
	value := sweepValues(rng, values, 2)
	// funct3 of DIV, DIVU, REM, REMU (opcode 0x33, or 0x3B for the W forms); the
	// partner of funct3 f is f^2.
	divs := []uint32{4, 5, 6, 7}
	// Fourteen registers, so that some live in host registers and some in State.
	regs := []int{A0, A1, A2, A3, A4, A5, A6, T0, T1, T2, T3, T4, S2, S3}
	reg := func() int { return regs[rng.IntN(len(regs))] }
	for i := range n {
		p := New(base + 0x10000)
		for _, r := range regs {
			p.LI(r, value())
		}
		p.LI(S1, data)
		p.LI(S4, 8) // below the arena: a load through it faults
		for k := range 1 + rng.IntN(3) {
			op := uint32(0x33)
			if rng.IntN(2) == 0 {
				op = 0x3B
			}
			f3 := divs[rng.IntN(len(divs))]
			rs1, rs2 := reg(), reg()
			rd := reg()
			if rng.IntN(2) == 0 {
				p.SD(reg(), S1, int64(8*rng.IntN(8))) // a memory group may start before the first
			}
			p.Emit(R(op, f3, 1, rd, rs1, rs2))
			for range rng.IntN(5) {
				x := reg()
				switch rng.IntN(8) {
				case 0:
					x = []int{rs1, rs2, rd}[rng.IntN(3)] // may end the pair
					p.ADDI(x, reg(), int64(rng.IntN(7))-3)
				case 1:
					p.LD(x, S1, int64(8*rng.IntN(8)))
				case 2:
					if rng.IntN(4) == 0 {
						p.LD(x, S4, 0) // faults between the two
					}
				case 3:
					p.Emit(R(op, divs[rng.IntN(len(divs))], 1, x, reg(), reg())) // another division
				case 4:
					// A store: with the loads through s1 a memory group, whose
					// out-of-line copy (taken while the store window grows) lowers
					// the divisions inside it again.
					p.SD(reg(), S1, int64(8*rng.IntN(8)))
				default:
					p.Emit(R(0x33, []uint32{0, 4, 6, 7}[rng.IntN(4)], 0, x, reg(), reg())) // add, xor, or, and
				}
			}
			rd2 := reg()
			if rng.IntN(3) == 0 {
				rd2 = []int{rs1, rs2}[rng.IntN(2)]
			}
			if rng.IntN(8) == 0 {
				rs2 = reg() // not the partner
			}
			p.Emit(R(op, f3^2, 1, rd2, rs1, rs2))
			p.ADD(A0, A0, rd2)
			// Each sequence its own block: out-of-line code, emitted after the
			// unit's blocks, must lower a pair with its own block's plan.
			next := fmt.Sprint("next", k)
			p.J(next)
			p.Label(next)
		}
		p.LI(A7, 93)
		p.ECALL()
		low := Segment{Vaddr: base, Data: make([]byte, 64), Flags: guest.PermR | guest.PermW}
		text := Segment{Vaddr: base + 0x10000, Data: p.MustFinish(), Flags: guest.PermR | guest.PermX}
		high := Segment{Vaddr: data, Data: make([]byte, 4096), Flags: guest.PermR | guest.PermW}
		for j := range high.Data {
			high.Data[j] = byte(rng.Uint32())
		}
		prog := corpus.ExecProgram{Name: fmt.Sprintf("div-pair-%d-%d", seed, i), ELF: ELF(text.Vaddr, low, text, high),
			ArenaSize: 1 << 20, Gas: 20_000}
		if corpus.CheckExec(t, prog, cache); t.Failed() {
			t.Fatalf("program %d of seed %d disagrees (HYBRIDVM_SWEEP_SEED=%d reproduces it)", i, seed, seed)
		}
	}
}

// TestDivPairsInterleaved: two division pairs whose instructions interleave (first
// pair's first, second pair's first, first pair's second, second pair's second): amd64
// keeps one scratch word for a pair's other result, so only the first pair may be
// computed at once (codegen/amd64/divpair.go). Found by TestCountedLoopSweep.
func TestDivPairsInterleaved(t *testing.T) {
	p := New(base + 0x10000)
	p.LI(A0, 1000003)
	p.LI(A1, -77777)
	p.LI(S3, 13)
	p.Emit(R(0x3B, 6, 1, A4, A0, S3)) // remw a4, a0, s3
	p.Emit(R(0x3B, 4, 1, A5, A1, S3)) // divw a5, a1, s3
	p.Emit(R(0x3B, 4, 1, A6, A0, S3)) // divw a6, a0, s3
	p.Emit(R(0x3B, 6, 1, A7, A1, S3)) // remw a7, a1, s3
	p.ADD(A0, A4, A5)
	p.ADD(A0, A0, A6)
	p.ADD(A0, A0, A7)
	p.LI(A7, 93)
	p.ECALL()
	text := Segment{Vaddr: base + 0x10000, Data: p.MustFinish(), Flags: guest.PermR | guest.PermX}
	corpus.CheckExec(t, corpus.ExecProgram{Name: "interleaved division pairs", ELF: ELF(text.Vaddr, text), ArenaSize: 1 << 20}, machine.NewCache(4))
}
