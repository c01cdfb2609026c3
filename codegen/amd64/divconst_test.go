package amd64

import (
	"strings"
	"testing"

	"github.com/hybridvm/hybridvm/codegen"
	"github.com/hybridvm/hybridvm/guest"
	rv "github.com/hybridvm/hybridvm/internal/rvasm"
	"github.com/hybridvm/hybridvm/riscv"
)

// lowerBlock lowers the body of a block of insts (the last an ecall) as one unit and
// returns the disassembly of its straight-line path.
func lowerBlock(t *testing.T, insts []riscv.Inst) string {
	t.Helper()
	const pc = 0x8030_0000
	m := testModule()
	blk := &codegen.Block{Block: guest.Block{Start: pc, End: pc + 4*uint64(len(insts)), Insts: insts}, Term: codegen.TermEcall}
	u := newUnit(m, []*codegen.Block{blk})
	u.blk = blk
	for i, in := range insts[:len(insts)-1] {
		u.lowerInst(i, pc+4*uint64(i), in)
	}
	end := u.b.NewLabel()
	u.b.Bind(end)
	u.exitAt(guest.ExitEcall, pc)
	u.emitShared()
	for i := 0; i < len(u.cold); i++ {
		c := u.cold[i]
		u.emitCold(&c)
	}
	code, err := u.b.Assemble()
	if err != nil {
		t.Fatal(err)
	}
	return strings.Join(objdump(t, code[:end.Offset()]), "; ")
}

// TestDivConstLowering: a W division by a register the unit guesses holds a
// constant compares it with the guess and divides, with no checks for the special
// divisors on the straight-line path; without a guess (a register also written
// otherwise, or never loaded), or with 0 or -1 guessed, the checks stay.
func TestDivConstLowering(t *testing.T) {
	li := func(r int, v int64) riscv.Inst { return riscv.Inst{Op: riscv.OpADDI, Rd: uint8(r), Imm: v, Len: 4} }
	div := func(op riscv.Op) riscv.Inst {
		return riscv.Inst{Op: op, Rd: rv.A0, Rs1: rv.A1, Rs2: rv.A3, Len: 4}
	}
	ecall := riscv.Inst{Op: riscv.OpECALL, Len: 4}
	add := riscv.Inst{Op: riscv.OpADD, Rd: rv.A3, Rs1: rv.A3, Rs2: rv.A2, Len: 4}
	for _, tc := range []struct {
		name   string
		insts  []riscv.Inst
		guards []string // the compares with the guesses, in order; nil: general division
	}{
		{"remw by 5", []riscv.Inst{li(rv.A3, 5), div(riscv.OpREMW), ecall}, []string{"cmp $0x5,"}},
		{"divw by -7", []riscv.Inst{li(rv.A3, -7), div(riscv.OpDIVW), ecall}, []string{"cmp $0xfffffff9,"}},
		{"remuw by 8", []riscv.Inst{li(rv.A3, 8), div(riscv.OpREMUW), ecall}, []string{"cmp $0x8,"}},
		{"remw by two constants in turn", []riscv.Inst{li(rv.A3, 5), div(riscv.OpREMW), li(rv.A3, 3), div(riscv.OpREMW), ecall}, []string{"cmp $0x5,", "cmp $0x3,"}},
		{"remw by a register also added to", []riscv.Inst{li(rv.A3, 5), add, div(riscv.OpREMW), ecall}, nil},
		{"remw by an unknown register", []riscv.Inst{div(riscv.OpREMW), ecall}, nil},
		{"divw by -1", []riscv.Inst{li(rv.A3, -1), div(riscv.OpDIVW), ecall}, nil},
		{"divuw by 0", []riscv.Inst{li(rv.A3, 0), div(riscv.OpDIVUW), ecall}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			text := lowerBlock(t, tc.insts)
			special := strings.Contains(text, "cmp $0x0,") || strings.Contains(text, "cmp $0xffffffff,")
			if special != (tc.guards == nil) {
				t.Errorf("checks for the special divisors on the hot path: %v, want %v:\n%s", special, tc.guards == nil, text)
			}
			rest := text
			for _, g := range tc.guards {
				i := strings.Index(rest, g)
				if i < 0 {
					t.Fatalf("no %q:\n%s", g, text)
				}
				rest = rest[i+len(g):]
			}
			if !strings.Contains(text, "div") {
				t.Errorf("no division:\n%s", text)
			}
		})
	}
}

// TestDivFlow: the guess for a divisor register across the blocks of a unit: a
// constant loaded before a loop reaches the loop's body; paths loading different
// constants, a call or an ecall on the way, or a write other than li leave none.
func TestDivFlow(t *testing.T) {
	const pc = 0x8030_0000
	li := func(r int, v int64) riscv.Inst { return riscv.Inst{Op: riscv.OpADDI, Rd: uint8(r), Imm: v, Len: 4} }
	remw := riscv.Inst{Op: riscv.OpREMW, Rd: rv.A0, Rs1: rv.A1, Rs2: rv.A3, Len: 4}
	nop := riscv.Inst{Op: riscv.OpADDI, Len: 4}
	// Blocks of 4-byte instructions at pc+0x100*i; body is what precedes term.
	mk := func(i int, term codegen.Term, target uint64, last riscv.Inst, body ...riscv.Inst) *codegen.Block {
		start := pc + 0x100*uint64(i)
		insts := append(body, last)
		return &codegen.Block{Block: guest.Block{Start: start, End: start + 4*uint64(len(insts)), Insts: insts, Target: target}, Term: term}
	}
	at := func(i int) uint64 { return pc + 0x100*uint64(i) }
	fall := func(i int, body ...riscv.Inst) *codegen.Block {
		b := mk(i, codegen.TermJAL, at(i+1), riscv.Inst{Op: riscv.OpJAL, Len: 4}, body...)
		return b
	}
	branch := func(i, target int, body ...riscv.Inst) *codegen.Block {
		b := mk(i, codegen.TermBranch, at(target), riscv.Inst{Op: riscv.OpBNE, Rs1: rv.A0, Rs2: rv.A1, Len: 4}, body...)
		b.End = at(i + 1) // falls through to the next block
		return b
	}
	call := func(i, target int, body ...riscv.Inst) *codegen.Block {
		b := mk(i, codegen.TermJAL, at(target), riscv.Inst{Op: riscv.OpJAL, Rd: rv.RA, Len: 4}, body...)
		b.End = at(i + 1)
		return b
	}
	ecall := func(i int, body ...riscv.Inst) *codegen.Block {
		b := mk(i, codegen.TermEcall, 0, riscv.Inst{Op: riscv.OpECALL, Len: 4}, body...)
		b.End = at(i + 1)
		return b
	}
	end := mk(9, codegen.TermEcall, 0, riscv.Inst{Op: riscv.OpECALL, Len: 4})
	for _, tc := range []struct {
		name   string
		blocks []*codegen.Block
		at     int // the block holding remw as its first instruction
		want   int64
		ok     bool
	}{
		{"loaded before a loop", []*codegen.Block{fall(0, li(rv.A3, 5)), branch(1, 1, remw), end}, 1, 5, true},
		{"loaded on both paths alike", []*codegen.Block{branch(0, 2, li(rv.A3, 7)), fall(1, li(rv.A3, 7)), branch(2, 2, remw), end}, 2, 7, true},
		{"different constants on two paths", []*codegen.Block{branch(0, 2, li(rv.A3, 7)), fall(1, li(rv.A3, 5)), branch(2, 2, remw), end}, 2, 0, false},
		{"written in the loop", []*codegen.Block{fall(0, li(rv.A3, 5)), branch(1, 1, remw, riscv.Inst{Op: riscv.OpADD, Rd: rv.A3, Rs1: rv.A3, Rs2: rv.A3, Len: 4}), end}, 1, 0, false},
		{"a call on the way", []*codegen.Block{call(0, 9, li(rv.A3, 5)), branch(1, 1, remw), end}, 1, 0, false},
		{"an ecall on the way", []*codegen.Block{ecall(0, li(rv.A3, 5)), branch(1, 1, remw), end}, 1, 0, false},
		{"never loaded in the unit", []*codegen.Block{fall(0, nop), branch(1, 1, remw), end}, 1, 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			u := newUnit(testModule(), tc.blocks)
			u.blk = tc.blocks[tc.at]
			c, ok := u.divGuess(rv.A3, 0)
			if c != tc.want || ok != tc.ok {
				t.Errorf("guess %d %v, want %d %v", c, ok, tc.want, tc.ok)
			}
		})
	}
}
