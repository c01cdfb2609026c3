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

// TestIfConvSweep: loops whose body branches on data-dependent conditions into short
// arms that meet again (amd64 if-converts them into CMOVs, codegen/amd64/ifconv.go):
// triangles whose arm falls into the join or jumps to it, from either side of the
// branch, and diamonds with the jumping arm laid out of line or between the branch
// and the other arm; arms of up to five random ALU instructions (sometimes a load or
// a division, which are not converted) writing random registers, among them the
// condition's own and x0; every branch condition, with x0 operands. Each program runs
// with unlimited gas, then with gas running out at random points (among them the
// arms' blocks and the join), then with a small instruction budget. Every engine must
// agree with the interpreter.
func TestIfConvSweep(t *testing.T) {
	n, seed := sweepParams(t, 60)
	rng := rand.New(rand.NewPCG(uint64(seed), 3))
	cache := machine.NewCache(16)
	const data = 0x30000
	values := []int64{0, 1, -1, 2, 5, math.MinInt64, math.MaxInt64, math.MinInt32, math.MaxInt32, 1 << 32, 0xffffffff}
	value := sweepValues(rng, values, 3)
	// Sixteen registers, so that some live in host registers and some in State; s5
	// counts the iterations, s6 and s7 drive the random values (never written).
	regs := []int{A0, A1, A2, A3, A4, A5, T0, T1, T2, S2, S3, S4, S8, S9, S10, S11}
	reg := func() int { return regs[rng.IntN(len(regs))] }
	for i := range n {
		p := New(base + 0x10000)
		for _, r := range regs {
			p.LI(r, value())
		}
		p.LI(S1, data)
		p.LI(S5, int64(2+rng.IntN(10)))
		p.LI(S6, 6364136223846793005)
		p.LI(S7, 1442695040888963407)
		p.Label("loop")
		var outOfLine []func()
		for k := range 1 + rng.IntN(3) {
			// Mix a register so that the conditions change from one iteration to the next.
			c1, c2 := reg(), reg()
			p.MUL(c1, c1, S6)
			p.ADD(c1, c1, S7)
			p.SRLI(c1, c1, int64(rng.IntN(64)))
			if rng.IntN(4) == 0 {
				c1 = Zero
			}
			if rng.IntN(6) == 0 {
				c2 = Zero
			}
			if rng.IntN(3) == 0 {
				p.Emit(I(0x13, 7, c2, c1, int64(rng.IntN(8)))) // andi
			}
			// An arm writes the condition's registers sometimes, x0 sometimes.
			dest := func() int {
				switch rng.IntN(8) {
				case 0:
					return c1
				case 1:
					return c2
				case 2:
					return Zero
				}
				return reg()
			}
			arm := func() {
				for range rng.IntN(6) {
					ifArmInst(p, rng, dest(), reg, value)
				}
			}
			f3 := []uint32{0, 1, 4, 5, 6, 7}[rng.IntN(6)]
			l := func(s string) string { return fmt.Sprint(s, k) }
			switch rng.IntN(5) {
			case 0: // triangle: the arm falls (or jumps) into the join
				ifBranch(p, f3, c1, c2, l("join"))
				arm()
				if rng.IntN(3) == 0 {
					p.J(l("join"))
				}
				p.Label(l("join"))
			case 1: // triangle with the arm on the taken side, out of line
				ifBranch(p, f3, c1, c2, l("arm"))
				p.Label(l("join"))
				outOfLine = append(outOfLine, func() {
					p.Label(l("arm"))
					arm()
					p.J(l("join"))
				})
			case 2: // diamond: the fall-through arm jumps, the taken one falls into the join
				ifBranch(p, f3, c1, c2, l("taken"))
				arm()
				p.J(l("join"))
				p.Label(l("taken"))
				arm()
				p.Label(l("join"))
			case 3: // diamond: the taken arm out of line, jumping back
				ifBranch(p, f3, c1, c2, l("taken"))
				arm()
				p.Label(l("join"))
				outOfLine = append(outOfLine, func() {
					p.Label(l("taken"))
					arm()
					p.J(l("join"))
				})
			default: // diamond: both arms jump
				ifBranch(p, f3, c1, c2, l("taken"))
				arm()
				p.J(l("join"))
				p.Label(l("taken"))
				arm()
				p.J(l("join"))
				p.Label(l("join"))
			}
			p.Emit(R(0x33, 4, 0, A0, A0, reg())) // xor
		}
		p.ADDI(S5, S5, -1)
		p.BNE(S5, Zero, "loop")
		p.J("done")
		for _, f := range outOfLine {
			f()
		}
		p.Label("done")
		for _, r := range regs[1:] {
			p.Emit(R(0x33, 4, 0, A0, A0, r)) // xor
		}
		p.LI(A7, 93)
		p.ECALL()
		low := Segment{Vaddr: base, Data: make([]byte, 64), Flags: guest.PermR | guest.PermW}
		text := Segment{Vaddr: base + 0x10000, Data: p.MustFinish(), Flags: guest.PermR | guest.PermX}
		high := Segment{Vaddr: data, Data: make([]byte, 256), Flags: guest.PermR | guest.PermW}
		prog := corpus.ExecProgram{Name: fmt.Sprintf("ifconv-%d-%d", seed, i), ELF: ELF(text.Vaddr, low, text, high),
			ArenaSize: 1 << 20, Gas: 1_000_000}
		full := corpus.CheckExec(t, prog, cache)
		if full != nil && !t.Failed() {
			for range 4 {
				q := prog
				q.Gas = 1 + rng.Int64N(full.GasUsed)
				q.Name = fmt.Sprintf("%s/gas-%d", prog.Name, q.Gas)
				corpus.CheckExec(t, q, cache)
			}
			q := prog // a small instruction budget: native code returns to Go often
			q.Budget = uint64(1 + rng.IntN(64))
			q.Name = fmt.Sprintf("%s/budget-%d", prog.Name, q.Budget)
			corpus.CheckExec(t, q, cache)
		}
		if t.Failed() {
			t.Fatalf("program %d of seed %d disagrees (HYBRIDVM_SWEEP_SEED=%d reproduces it)", i, seed, seed)
		}
	}
}

// ifArmInst emits one random arm instruction writing rd: mostly an ALU instruction
// (register or immediate operands, 64- or 32-bit), sometimes a load or a division
// (an arm that is not converted).
func ifArmInst(p *Program, rng *rand.Rand, rd int, reg func() int, value func() int64) {
	imm := int64(rng.IntN(4096)) - 2048
	sh := int64(rng.IntN(64))
	switch rng.IntN(12) {
	case 0, 1:
		f3, f7 := []uint32{0, 0, 1, 2, 3, 4, 5, 5, 6, 7, 0}[rng.IntN(11)], uint32(0)
		switch rng.IntN(3) {
		case 0:
			if f3 == 0 || f3 == 5 {
				f7 = 0x20 // sub, sra
			}
		case 1:
			f7 = 1 // mul and the M extension's others of f3 (divisions included)
			if f3 != 0 {
				f3 = 0
			}
		}
		p.Emit(R(0x33, f3, f7, rd, reg(), reg()))
	case 2:
		f3 := []uint32{0, 1, 5}[rng.IntN(3)]
		f7 := uint32(0)
		if rng.IntN(2) == 0 && f3 != 1 {
			f7 = 0x20
		}
		if rng.IntN(5) == 0 {
			f3, f7 = 0, 1 // mulw
		}
		p.Emit(R(0x3B, f3, f7, rd, reg(), reg()))
	case 3, 4, 5:
		f3 := []uint32{0, 2, 3, 4, 6, 7}[rng.IntN(6)]
		p.Emit(I(0x13, f3, rd, reg(), imm))
	case 6:
		switch rng.IntN(3) {
		case 0:
			p.SLLI(rd, reg(), sh)
		case 1:
			p.SRLI(rd, reg(), sh)
		default:
			p.Emit(I(0x13, 5, rd, reg(), 0x400|sh))
		}
	case 7:
		sh &= 31
		p.Emit(I(0x1B, []uint32{1, 5}[rng.IntN(2)], rd, reg(), sh|int64(rng.IntN(2))<<10))
	case 8:
		p.ADDIW(rd, reg(), imm)
	case 9:
		p.LUI(rd, value()<<12)
	case 10:
		if rng.IntN(3) == 0 {
			p.LD(rd, S1, int64(8*rng.IntN(8)))
			return
		}
		p.ADD(rd, reg(), reg())
	default:
		if rng.IntN(4) == 0 {
			p.DIV(rd, reg(), reg())
			return
		}
		p.Emit(R(0x33, 4, 0, rd, reg(), reg())) // xor
	}
}

// ifBranch emits the branch of funct3 f3 on rs1 and rs2 to label l.
func ifBranch(p *Program, f3 uint32, rs1, rs2 int, l string) {
	map[uint32]func(int, int, string){0: p.BEQ, 1: p.BNE, 4: p.BLT, 5: p.BGE, 6: p.BLTU, 7: p.BGEU}[f3](rs1, rs2, l)
}
