package translate_test

import (
	"fmt"
	"testing"

	"github.com/hybridvm/hybridvm/guest"
	"github.com/hybridvm/hybridvm/internal/corpus"
	. "github.com/hybridvm/hybridvm/internal/rvasm"
	"github.com/hybridvm/hybridvm/machine"
)

// TestRegressions: programs that once made native code disagree with the interpreter,
// or that pin a translation subtlety, each named after what it tests. Every one runs
// on every engine through the corpus helper (exit, registers, memory, gas, instruction
// count must match) and must end as stated.
func TestRegressions(t *testing.T) {
	const data = 0x30000
	tests := []struct {
		name   string
		build  func(p *Program)
		status int // exit status; -1: a fault
	}{
		{"memory group whose first access is not its lowest offset", func(p *Program) {
			p.LI(S0, data+64)
			p.LI(A0, 11)
			p.LI(A1, 22)
			p.SD(A0, S0, 8)
			p.SD(A1, S0, 0)
			p.LD(A2, S0, 8)
			p.LD(A3, S0, 0)
			p.SLLI(A2, A2, 8)
			p.ADD(A0, A2, A3) // 11<<8 + 22
		}, 11<<8 + 22},
		{"memory group crossing the arena's end faults at its exact member", func(p *Program) {
			p.LI(S0, base+(1<<20)-16) // arena is 1 MiB
			p.LI(A0, 5)
			p.SD(A0, S0, 0)
			p.SD(A0, S0, 8)
			p.SD(A0, S0, 16) // faults; the two before it happened
		}, -1},
		{"store group starting just below the arena, ending inside a grown window", func(p *Program) {
			p.LI(S0, base+8) // s0's window is the one below the text
			p.LI(S1, data)
			p.LI(A0, 5)
			p.SD(A0, S0, 16)  // grows window 0 over the arena's first page
			p.LD(A1, S1, 0)   // ends the group
			p.SD(A0, S0, -16) // 8 bytes below the arena: faults, though the hull's end is in the window
			p.SD(A0, S0, 24)
		}, -1},
		{"store on the far side of the read-only text from the stack pointer's window", func(p *Program) {
			p.LI(S1, data-0x20000+8) // the RW segment below the text
			p.LI(A0, 7)
			p.SD(A0, SP, -8) // sp is at the arena's top: above the text
			p.SD(A0, S1, 0)
			p.LD(A1, S1, 0)
			p.LD(A2, SP, -8)
			p.ADD(A0, A1, A2)
		}, 14},
		{"counted loop whose bound is not the constant the unit loads into it", func(p *Program) {
			// li a2, 5 then a2 += 64: the loop runs 69 times over an array whose
			// 5 first elements fit below the arena's end, the rest do not.
			p.ADDI(A2, Zero, 5)
			p.ADDI(A2, A2, 64)
			p.LI(S1, base+(1<<20)-128)
			p.LI(S0, 0)
			p.Label("loop")
			p.SLLI(T0, S0, 3)
			p.ADD(T0, T0, S1)
			p.LD(T2, T0, 0) // faults at s0 = 16
			p.ADDIW(S0, S0, 1)
			p.BNE(S0, A2, "loop")
		}, -1},
		{"self-loop of its branch alone (no body for the sign-extension analysis)", func(p *Program) {
			p.LI(A0, 9)
			p.LI(A1, 9)
			p.Label("self")
			p.BNE(A0, A1, "self") // translating it once panicked
		}, 9},
		{"rotate whose temporary is read again after the OR", func(p *Program) {
			p.LI(A1, 0x12345678)
			p.Emit(I(0x1B, 5, T0, A1, 8))  // srliw t0, a1, 8
			p.Emit(I(0x1B, 1, T1, A1, 24)) // slliw t1, a1, 24
			p.Emit(R(0x33, 6, 0, T2, T0, T1))
			p.ADD(A0, T0, Zero) // t0 is still needed
			p.SRLI(A0, A0, 16)
		}, 0x12},
		{"rotate interrupted by a faulting load: the fault shows the first shift's result", func(p *Program) {
			p.LI(A1, 0x12345678)
			p.LI(S0, 8) // below the arena
			p.Emit(I(0x1B, 5, T0, A1, 8))
			p.LD(A2, S0, 0) // faults with t0 written, t1 not
			p.Emit(I(0x1B, 1, T1, A1, 24))
			p.Emit(R(0x33, 6, 0, T0, T0, T1))
		}, -1},
		{"rotate in a self-loop whose temporaries are read after the loop", func(p *Program) {
			p.LI(A1, 0x12345678)
			p.LI(T6, 3)
			p.Label("loop")
			p.ADDI(A1, A1, 1)
			p.Emit(I(0x1B, 5, T0, A1, 8))  // srliw t0, a1, 8
			p.Emit(I(0x1B, 1, T1, A1, 24)) // slliw t1, a1, 24
			p.Emit(R(0x33, 6, 0, A2, T0, T1))
			p.ADDI(T6, T6, -1)
			p.BNE(T6, Zero, "loop")
			p.SRLI(A0, T0, 16) // the last iteration's t0: 0x1234567b>>8>>16
			p.SRLI(T1, T1, 24)
			p.ADD(A0, A0, T1) // + t1's top byte: 0x7b
		}, 0x12 + 0x7b},
		{"W result compared as 64 bits keeps its sign extension", func(p *Program) {
			p.LI(A1, 0x7FFFFFFF)
			p.ADDIW(A2, A1, 1) // -2^31, sign-extended
			p.LI(A0, 1)
			p.BLT(A2, Zero, "neg")
			p.LI(A0, 2)
			p.Label("neg")
		}, 1},
		{"slliw and addw pair (x*5, one LEA) whose result is negative as 32 bits", func(p *Program) {
			p.LI(A1, 0x1999999A)
			p.Emit(I(0x1B, 1, A0, A1, 2))     // slliw a0, a1, 2
			p.Emit(R(0x3B, 0, 0, A0, A0, A1)) // addw a0, a0, a1: 0x80000002, sign-extended
			p.SRLI(A0, A0, 32)                // 0xffffffff: reads the upper half
			p.Emit(I(0x13, 7, A0, A0, 0x7f))  // andi a0, a0, 127
		}, 0x7f},
		{"slliw and addw pair (x*9, the source first) in a self-loop", func(p *Program) {
			p.LI(A0, 0)
			p.LI(A1, 3)
			p.LI(T0, 4)
			p.Label("mul9")
			p.Emit(I(0x1B, 1, T5, A1, 3))     // slliw t5, a1, 3
			p.Emit(R(0x3B, 0, 0, T5, A1, T5)) // addw t5, a1, t5: 9*a1
			p.ADD(A0, A0, T5)
			p.ADDI(A1, A1, 1)
			p.ADDI(T0, T0, -1)
			p.BNE(T0, Zero, "mul9")
			p.Emit(I(0x13, 7, A0, A0, 0xff)) // andi a0, a0, 255: 9*(3+4+5+6) = 162
		}, 162},
		{"W chain whose intermediate upper halves nobody sees", func(p *Program) {
			p.LI(A1, -1)
			p.Emit(I(0x1B, 5, T0, A1, 4))       // srliw t0: 0x0FFFFFFF
			p.Emit(R(0x33, 6, 0, T0, T0, A1))   // or (64-bit) of a W result
			p.Emit(R(0x3B, 0, 0, T1, T0, Zero)) // addw: sign-extends the low half
			p.ADDI(A0, T1, 2)                   // -1 + 2
		}, 1},
		{"block-local registers: a straight block swaps in a register and faults midway", func(p *Program) {
			hot(p)
			p.LI(S11, 1)
			for i := 0; i < 6; i++ {
				p.ADD(S11, S11, S11) // s11: 64 (mapped for this block only)
			}
			p.LI(S0, 8) // below the arena
			p.LD(A2, S0, 0)
			p.ADD(S11, S11, S11)
		}, -1},
		{"block-local registers: a self-loop keeps its mapping across iterations and leaves it on exit", func(p *Program) {
			hot(p)
			p.LI(S11, 0)
			p.LI(S10, 5)
			p.Label("loop")
			p.ADDI(S11, S11, 3)
			p.ADD(S11, S11, S11)
			p.ADDI(S11, S11, -3)
			p.ADDI(S10, S10, -1)
			p.BNE(S10, Zero, "loop")
			p.ADD(A0, S11, Zero)
			p.ADD(A0, A0, S10)
			p.SRLI(A0, A0, 2)
		}, 93 / 4},
		{"block-local registers: a self-loop faults in a later iteration", func(p *Program) {
			hot(p)
			p.LI(S11, 0)
			p.LI(S10, data)
			p.Label("loop")
			p.ADDI(S11, S11, 1)
			p.ADD(S9, S11, S11)
			p.ADD(S9, S9, S11)
			p.ADD(S9, S9, S11)
			p.LD(A2, S10, 0) // faults once s10 passes the data segment's end
			p.ADDI(S10, S10, 1024)
			p.ADD(S9, S9, S11)
			p.BNE(S9, Zero, "loop")
		}, -1},
		{"return prediction: a function called from two places, and a return elsewhere", func(p *Program) {
			p.LI(A0, 0)
			p.JAL(RA, "f")
			p.JAL(RA, "f")
			p.LA(RA, "elsewhere")
			p.J("f") // a tail jump: f returns to neither call site
			p.LI(A0, 100)
			p.Label("elsewhere")
			p.ADDI(A0, A0, 40)
			p.J("out")
			p.Label("f")
			p.ADDI(A0, A0, 1)
			p.JALR(Zero, RA, 0)
			p.Label("out")
		}, 43},
		{"sext.w of already sign-extended values is a move that needs its source in full", func(p *Program) {
			p.LI(S0, data)
			p.LI(A1, 0x7fffffff)
			p.LI(A2, 1)
			p.LI(T0, -0x80000000)
			p.SD(T0, S0, 0)
			p.Emit(R(0x3B, 0, 0, A5, A1, A2)) // addw a5, a1, a2: 0xffffffff80000000
			p.Emit(I(0x1B, 0, A3, A5, 0))     // sext.w a3, a5: a move
			p.LI(A5, 0)                       // so only the move reads a5's upper half
			p.LW(A4, S0, 0)
			p.Emit(I(0x1B, 5, T1, A1, 8)) // srliw t1, a1, 8
			p.Emit(R(0x33, 4, 0, A4, A4, T1))
			p.Emit(I(0x1B, 0, A4, A4, 0)) // sext.w a4, a4 (xor of two sign extensions)
			p.ADD(T2, A1, A1)             // 0xfffffffe: not sign-extended
			p.Emit(I(0x1B, 0, T2, T2, 0)) // sext.w t2, t2: -2
			p.ADD(A0, A3, A4)
			p.ADD(A0, A0, T2)
			// -0x80000000 + (-0x80000000 ^ 0x7fffff) - 2
			p.LI(T0, -0x80000000+(-0x80000000^0x7fffff)-2)
			p.SUB(A0, A0, T0) // 0 when every result was right
		}, 0},
		{"a W result overwritten by a faulting load keeps its upper half", func(p *Program) {
			// Found by TestNativeVsInterpSweep (seed 1796268793588563562): the
			// upper-half analysis took the load as writing s10, so the addw only
			// computed the low half; the load faults, and the fault shows s10.
			p.LI(A1, 0x7fffffff)
			p.LI(A2, 1)
			p.Emit(R(0x3B, 0, 0, S10, A1, A2)) // addw s10, a1, a2: 0xffffffff80000000
			p.Emit(I(0x03, 0, S10, Zero, 63))  // lb s10, 63(zero): outside the arena
		}, -1},
		{"scaled-index loads whose base register the load overwrites (one LEA)", func(p *Program) {
			hot(p) // s-registers unmapped or block-local
			p.LI(S0, data)
			p.LI(A0, 5)
			p.SD(A0, S0, 24)
			p.LI(A0, 7)
			p.SD(A0, S0, 40)
			p.LI(S2, 2)
			p.SLLI(S3, S2, 3) // s3 = data + 2*8 + 16 - 8: data[3]
			p.ADDI(S3, S3, 16)
			p.ADD(S3, S0, S3)
			p.LD(S3, S3, -8)
			p.SLLI(A4, S2, 2) // a4 = data + (2*4 + 32): data[5]
			p.ADDI(A4, A4, 32)
			p.ADD(A4, A4, S0)
			p.LD(A4, A4, 0)
			p.SLLI(S2, S2, 1) // the index is the result: s2 = data + 4*2 + 8, data[2]
			p.ADD(S2, S2, S0)
			p.LW(S2, S2, 8)
			p.ADD(A0, S3, A4)
			p.ADD(A0, A0, S2)
		}, 12},
		{"scaled-index load that faults shows its base register's value", func(p *Program) {
			hot(p)
			p.LI(S0, data)
			p.LI(A2, 1<<40)
			p.SLLI(S3, A2, 3)
			p.ADDI(S3, S3, 16)
			p.ADD(S3, S3, S0)
			p.LD(S3, S3, -8) // faults: s3 = data + 2^43 + 16
		}, -1},
		{"scaled-index load that faults, its base register mapped", func(p *Program) {
			p.LI(S0, data)
			p.LI(A2, -1<<30)
			p.SLLI(A3, A2, 2)
			p.ADD(A3, S0, A3)
			p.LD(A3, A3, 0) // below the arena
		}, -1},
		{"self-loop dividing by a guessed constant: dividends from negative through 2^31-1 and wrapping", func(p *Program) {
			divLoop(p, 5, 0)
		}, divLoopWant(5, 0)},
		{"self-loop dividing by a register that differs from its guess takes the checked copy", func(p *Program) {
			divLoop(p, 5, 2) // divisor 7, guessed 5
		}, divLoopWant(5, 2)},
		{"self-loop dividing by a guessed constant that is zero at run time", func(p *Program) {
			divLoop(p, 5, -5)
		}, divLoopWant(5, -5)},
		{"straight-line division by a guessed constant: negative dividends, 2^31-1, -2^31", func(p *Program) {
			divLine(p, 5, 0)
		}, divLineWant(5, 0)},
		{"straight-line division by a register that differs from its guess", func(p *Program) {
			divLine(p, 5, 4) // divisor 9, guessed 5
		}, divLineWant(5, 4)},
		{"straight-line division by a guessed constant that is zero or -1 at run time", func(p *Program) {
			divLine(p, 5, -5)
			p.ADD(S1, A0, Zero)
			divLine(p, 5, -6)
			p.ADD(A0, A0, S1)
		}, (divLineWant(5, -5) + divLineWant(5, -6)) & 0xff},
		{"counted self-loop with hoisted bounds checks: two strides, a load after the step, an invariant base", func(p *Program) {
			p.LI(S0, data)
			p.LI(S1, data+2048)
			p.LI(T0, data) // end of the s1 walk: 8 iterations of -256
			p.LI(A0, 0)
			p.LI(A5, 3)
			p.SD(A5, S0, 8)
			p.SD(A5, S1, -256)
			p.Label("loop")
			p.LD(A2, S0, 0)
			p.ADDI(S0, S0, 8)
			p.LD(A3, S0, 0) // after the step
			p.LD(A4, S1, -256)
			p.LD(A6, T0, 16) // invariant base
			p.ADDI(S1, S1, -256)
			p.ADD(A0, A0, A2)
			p.ADD(A0, A0, A3)
			p.ADD(A0, A0, A4)
			p.ADD(A0, A0, A6)
			p.BNE(S1, T0, "loop")
		}, 3 + 3 + 3},
		{"counted self-loop whose last iteration's load is out of bounds faults there", func(p *Program) {
			p.LI(S0, data+4096-8*5) // the high segment ends at data+4096; the arena goes on
			p.LI(S1, 0)
			p.LI(T0, 1<<20) // far past the arena's end: the loop faults first
			p.Label("loop")
			p.LD(A2, S0, 0)
			p.ADDI(S0, S0, 1<<11-8)
			p.ADDI(S1, S1, 8)
			p.BNE(S1, T0, "loop")
		}, -1},
		{"counted self-loop reading up to the arena's last word", func(p *Program) {
			p.LI(S0, base+(1<<20)-32)
			p.LI(T0, base+(1<<20))
			p.LI(A0, 0)
			p.Label("loop")
			p.LD(A2, S0, 0)
			p.ADDI(S0, S0, 8)
			p.ADD(A0, A0, A2)
			p.BNE(S0, T0, "loop")
		}, 0},
		{"counted self-loop whose last load crosses the arena's end by a byte faults there", func(p *Program) {
			p.LI(S0, base+(1<<20)-32)
			p.LI(T0, base+(1<<20))
			p.LI(A0, 0)
			p.Label("loop")
			p.LD(A2, S0, 1)
			p.ADDI(S0, S0, 8)
			p.ADDI(A0, A0, 1)
			p.BNE(S0, T0, "loop")
		}, -1},
		{"counted self-loop whose load after the step reaches the arena's end faults there", func(p *Program) {
			p.LI(S0, base+(1<<20)-32)
			p.LI(T0, base+(1<<20))
			p.Label("loop")
			p.ADDI(S0, S0, 8)
			p.LD(A2, S0, 0) // the fourth iteration reads at the end
			p.BNE(S0, T0, "loop")
		}, -1},
		{"counted self-loop with a negative step whose first load is below the arena", func(p *Program) {
			p.LI(S0, base+24)
			p.LI(T0, base-8)
			p.Label("loop")
			p.LD(A2, S0, -16) // the first iteration reads base+8, the fourth base-16
			p.ADDI(S0, S0, -8)
			p.BNE(S0, T0, "loop")
		}, -1},
		{"counted self-loop whose trip count is not exact takes the checked copy", func(p *Program) {
			p.LI(S0, data)
			p.LI(T0, data+4096+12) // 4108 is no multiple of 8: runs on and faults at the arena's end
			p.LI(A0, 0)
			p.Label("loop")
			p.LD(A2, S0, 0)
			p.ADDI(S0, S0, 8)
			p.ADD(A0, A0, A2)
			p.BNE(S0, T0, "loop")
		}, -1},
		{"counted self-loop running zero times as counted (already at its end) wraps around", func(p *Program) {
			p.LI(S0, data)
			p.LI(S1, 0)
			p.Label("loop")
			p.LD(A2, S0, 0)
			p.ADDI(S1, S1, 1)
			p.ADDI(S0, S0, 512)
			p.BNE(S1, Zero, "loop") // s1 starts at 0: n = 0 on entry, runs until s0 leaves the arena
		}, -1},
		{"return through an odd ra to a predicted return address", func(p *Program) {
			// The return's early compare with the call's return address fails (ra
			// is one above it); the general path clears bit 0 and gets there.
			p.LI(A0, 0)
			p.JAL(RA, "f")
			p.ADDI(A0, A0, 10)
			p.J("out")
			p.Label("f")
			p.ADDI(A0, A0, 1)
			p.ADDI(RA, RA, 1)
			p.JALR(Zero, RA, 0)
			p.Label("out")
		}, 11},
	}
	cache := machine.NewCache(16)
	// rho-pi's stepped dividend (codegen/amd64/hoistbound.go's ivGuard) from starts the
	// entry guards and starts it does not: negative, the guard's largest, one more
	// (whose last addiw wraps).
	for _, t5 := range []int64{2, -7, 1<<31 - 1 - 15, 1<<31 - 1 - 14} {
		tests = append(tests, struct {
			name   string
			build  func(p *Program)
			status int
		}{fmt.Sprintf("stepped dividend of a guarded remw starting at %d", t5), func(p *Program) { steppedRemw(p, t5) }, steppedRemwWant(t5)})
	}
	// chi's index through an invariant register the entry guards (codegen/amd64's
	// guardedIdx), from values inside and outside the guard and the arena.
	for _, t6 := range []int64{0, 20, -5, 1 << 30, 1<<30 + 1, 1<<32 | 3} {
		tests = append(tests, struct {
			name   string
			build  func(p *Program)
			status int
		}{fmt.Sprintf("index through a guarded invariant %#x", t6), func(p *Program) { guardedIndex(p, t6) }, guardedIndexWant(t6)})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// A writable segment, the text above it, data above that: the arena
			// [0x10000, +1 MiB) has writable memory on both sides of the read-only
			// text (the store windows' two sides), and sp starts at its top.
			p := New(base + 0x10000)
			tt.build(p)
			p.LI(A7, 93)
			p.ECALL()
			low := Segment{Vaddr: data - 0x20000, Data: make([]byte, 64), Flags: guest.PermR | guest.PermW}
			text := Segment{Vaddr: base + 0x10000, Data: p.MustFinish(), Flags: guest.PermR | guest.PermX}
			high := Segment{Vaddr: data, Data: make([]byte, 4096), Flags: guest.PermR | guest.PermW}
			elf := ELF(text.Vaddr, low, text, high)
			res := corpus.CheckExec(t, corpus.ExecProgram{Name: tt.name, ELF: elf, ArenaSize: 1 << 20}, cache)
			if res == nil {
				return
			}
			if tt.status < 0 && res.Exited || tt.status >= 0 && (!res.Exited || res.Status != tt.status) {
				t.Errorf("exited %v status %d (%s), want %d", res.Exited, res.Status, res.Err, tt.status)
			}
		})
	}
}

// hot is a deep loop nest using twelve registers, so the register-use analysis maps
// them all (more than there are host registers) and the other registers are left to
// block-local mappings.
func hot(p *Program) {
	regs := []int{A1, A2, A3, A4, A5, A6, T0, T1, T2, T3, T4, T5}
	p.LI(A1, 2)
	p.Label("outer")
	p.LI(A2, 2)
	p.Label("inner")
	for i := 2; i < len(regs); i++ {
		p.ADD(regs[i], regs[i-1], regs[i-2])
	}
	p.ADDI(A2, A2, -1)
	p.BNE(A2, Zero, "inner")
	p.ADDI(A1, A1, -1)
	p.BNE(A1, Zero, "outer")
}

// TestHighAddresses: programs linked above 4 GiB, where addresses fit no imm32 (wide
// constants, the out-of-line exit paths that cannot pack a pc), agree on every
// engine, faults included.
func TestHighAddresses(t *testing.T) {
	for _, b := range []uint64{0x1_0000_0000, 0x7fff_0000_0000} {
		p := New(b)
		p.LI(S0, int64(b+0x10000))
		p.LI(A0, 5)
		p.SD(A0, S0, 0)
		p.LD(A1, S0, 0)
		p.JAL(RA, "f")
		p.LI(A7, 93)
		p.ECALL()
		p.Label("f")
		p.ADD(A0, A0, A1)
		p.LD(A2, S0, 8192)
		p.LI(S1, int64(b)-8)
		p.LD(A3, S1, 0) // below the arena: a load fault
		p.JALR(Zero, RA, 0)
		elf := ELF(b, Segment{Vaddr: b, Data: p.MustFinish(), Flags: guest.PermR | guest.PermX},
			Segment{Vaddr: b + 0x10000, Data: make([]byte, 16), Flags: guest.PermR | guest.PermW})
		res := corpus.CheckExec(t, corpus.ExecProgram{Name: "linked high", ELF: elf, ArenaSize: 1 << 20}, machine.NewCache(2))
		if res != nil && (res.Fault != guest.FaultLoad || res.FaultAddr != b-8) {
			t.Errorf("at %#x: %+v, want a load fault at %#x", b, res, b-8)
		}
	}
}

// divLoop builds a self-loop that divides (DIVW, REMW) a dividend stepping by 997
// from 2^31-1-40*997 past 2^31-1 (where ADDIW wraps it negative) by a3, loaded with li
// a3, guess, then bumped by adj (so the loop's entry guard passes only when adj is
// 0), summing quotients and remainders into a0's low byte.
func divLoop(p *Program, guess, adj int64) {
	p.LI(A3, guess)
	p.ADDI(A3, A3, adj)
	p.LI(T4, 1<<31-1-40*997)
	p.LI(T5, 70) // iterations
	p.LI(A0, 0)
	p.LI(A1, 0)
	p.Label("div")
	p.Emit(R(0x3B, 6, 1, A4, T4, A3)) // remw a4, t4, a3
	p.Emit(R(0x3B, 4, 1, A5, T4, A3)) // divw a5, t4, a3
	p.ADD(A0, A0, A4)
	p.ADD(A1, A1, A5)
	p.ADDIW(T4, T4, 997)
	p.ADDI(T5, T5, -1)
	p.BNE(T5, Zero, "div")
	p.SRLI(A2, A1, 3)
	p.ADD(A0, A0, A2)
	p.ADD(A0, A0, A1)
	p.Emit(I(0x13, 7, A0, A0, 0xff)) // andi a0, a0, 255
}

// divLoopWant is divLoop's exit status, computed with RISC-V's division rules.
func divLoopWant(guess, adj int64) int {
	d := int32(guess + adj)
	x := int32(1<<31 - 1 - 40*997)
	var a0, a1 int64
	for i := 0; i < 70; i++ {
		var q, r int32
		switch {
		case d == 0:
			q, r = -1, x
		default:
			q, r = x/d, x%d
		}
		a0 += int64(r)
		a1 += int64(q)
		x += 997
	}
	a0 += int64(uint64(a1) >> 3)
	a0 += a1
	return int(a0 & 0xff)
}

// divLineDividends are divLine's dividends.
var divLineDividends = []int64{-1 << 31, -1<<31 + 1, -7, -5, -1, 0, 1, 4, 5, 6, 1<<31 - 1, 1<<31 - 5}

// divLine divides (DIVW, REMW) each of divLineDividends, in one block, by a3, loaded
// with li a3, guess, then bumped by adj (so amd64's compare with the guessed constant
// holds only when adj is 0), summing quotients and remainders into a0's low byte.
func divLine(p *Program, guess, adj int64) {
	p.LI(A3, guess)
	p.ADDI(A3, A3, adj)
	p.LI(A0, 0)
	p.LI(A1, 0)
	for _, x := range divLineDividends {
		p.LI(T4, x)
		p.Emit(R(0x3B, 6, 1, A4, T4, A3)) // remw a4, t4, a3
		p.Emit(R(0x3B, 4, 1, A5, T4, A3)) // divw a5, t4, a3
		p.ADD(A0, A0, A4)
		p.ADD(A1, A1, A5)
	}
	p.SRLI(A2, A1, 3)
	p.ADD(A0, A0, A2)
	p.ADD(A0, A0, A1)
	p.Emit(I(0x13, 7, A0, A0, 0xff)) // andi a0, a0, 255
}

// fiveLoopSetup starts the keccak-shaped loops below: a2 and a3 loaded with 5 (the
// bound and the divisor the unit's li give), reg with v, s1 at off into
// TestRegressions' data segment, s0 and a0 zero.
func fiveLoopSetup(p *Program, reg int, v, off int64) {
	p.ADDI(A3, Zero, 5)
	p.ADDI(A2, Zero, 5)
	p.LI(reg, v)
	p.LI(S1, 0x30000+off)
	p.LI(S0, 0)
	p.LI(A0, 0)
}

// steppedRemw builds rho-pi's index computation (bench/kernels/keccak.c): five
// iterations of t2 = t5 % 5, a store at s1 + 8*(5*t2 + s0), a0 += t2, t5 += 3 (addiw).
func steppedRemw(p *Program, t5 int64) {
	fiveLoopSetup(p, T5, t5, 512)
	p.Label("rhopi")
	p.Emit(R(0x3B, 6, 1, T2, T5, A3)) // remw t2, t5, a3
	p.Emit(I(0x1B, 1, A5, T2, 2))     // slliw a5, t2, 2
	p.Emit(R(0x3B, 0, 0, A5, A5, T2)) // addw a5, a5, t2
	p.Emit(R(0x3B, 0, 0, A5, A5, S0)) // addw a5, a5, s0
	p.SLLI(A5, A5, 3)
	p.ADD(A5, A5, S1)
	p.SD(T5, A5, 0)
	p.ADD(A0, A0, T2)
	p.ADDIW(T5, T5, 3)
	p.ADDIW(S0, S0, 1)
	p.BNE(S0, A2, "rhopi")
	p.Emit(I(0x13, 7, A0, A0, 0xff)) // andi a0, a0, 255
}

// steppedRemwWant is steppedRemw's exit status.
func steppedRemwWant(t5 int64) int {
	x, sum := int32(t5), int64(0)
	for range 5 {
		sum += int64(x % 5)
		x += 3 // addiw: wraps as int32
	}
	return int(sum & 0xff)
}

// guardedIndex builds chi's loads (bench/kernels/keccak.c): five iterations of a load
// at s1 + 8*((s0 % 5) + t6) + 8 (addw, slli, addi, add), adding the address and the
// value to a0.
func guardedIndex(p *Program, t6 int64) {
	fiveLoopSetup(p, T6, t6, 256)
	p.Label("chi")
	p.ADDIW(S0, S0, 1)
	p.Emit(R(0x3B, 6, 1, A4, S0, A3)) // remw a4, s0, a3
	p.Emit(R(0x3B, 0, 0, A4, A4, T6)) // addw a4, a4, t6
	p.SLLI(A4, A4, 3)
	p.ADDI(A4, A4, 16)
	p.ADD(A4, A4, S1)
	p.LD(A5, A4, -8)
	p.ADD(A0, A0, A5)
	p.ADD(A0, A0, A4)
	p.BNE(S0, A2, "chi")
	p.Emit(I(0x13, 7, A0, A0, 0xff)) // andi a0, a0, 255
}

// guardedIndexWant is guardedIndex's exit status: -1 when a load leaves the arena
// (the data it reads is zero).
func guardedIndexWant(t6 int64) int {
	var sum int64
	for s0 := int64(1); s0 <= 5; s0++ {
		a4 := int64(int32(s0%5) + int32(t6)) // addw
		addr := 0x30000 + 256 + 8*a4 + 16
		if addr-8 < 0x30000 || addr-8 >= 0x30000+4096 {
			return -1
		}
		sum += addr
	}
	return int(sum & 0xff)
}

// divLineWant is divLine's exit status, computed with RISC-V's division rules.
func divLineWant(guess, adj int64) int {
	d := int32(guess + adj)
	var a0, a1 int64
	for _, x64 := range divLineDividends {
		x := int32(x64)
		var q, r int32
		switch {
		case d == 0:
			q, r = -1, x
		case d == -1:
			q, r = -x, 0 // -(-2^31) wraps to -2^31
		default:
			q, r = x/d, x%d
		}
		a0 += int64(r)
		a1 += int64(q)
	}
	a0 += int64(uint64(a1) >> 3)
	a0 += a1
	return int(a0 & 0xff)
}

// TestEmptyWindowStoreGroup: a store group whose hull is exactly 8 bytes at arena
// offset 0, the frame's first store, with memory metered. amd64 compares a group's
// start with StoreWinLo signed (codegen/amd64/group.go); were an empty window's
// StoreWinLo -1 as a signed number (2^64-1), this group would pass the window check,
// skip the window's growth and its page gas, and end with less gas used than the
// interpreter's run (guest.EmptyWinLo).
func TestEmptyWindowStoreGroup(t *testing.T) {
	p := New(base + 0x10000)
	p.LI(S0, base) // arena offset 0: the writable segment below the text
	p.LI(A0, 3)
	p.SW(A0, S0, 0)
	p.SW(A0, S0, 4) // one group, [0, 8)
	p.LW(A1, S0, 4)
	p.ADD(A0, A0, A1)
	p.LI(A7, 93)
	p.ECALL()
	low := Segment{Vaddr: base, Data: make([]byte, 64), Flags: guest.PermR | guest.PermW}
	text := Segment{Vaddr: base + 0x10000, Data: p.MustFinish(), Flags: guest.PermR | guest.PermX}
	elf := ELF(text.Vaddr, low, text)
	corpus.CheckPaged(t, corpus.ExecProgram{Name: "empty window store group", ELF: elf, ArenaSize: 1 << 20}, machine.NewCache(4))
}
