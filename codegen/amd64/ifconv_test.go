package amd64

import (
	"strings"
	"testing"

	"github.com/hybridvm/hybridvm/codegen"
	"github.com/hybridvm/hybridvm/guest"
	rv "github.com/hybridvm/hybridvm/internal/rvasm"
	"github.com/hybridvm/hybridvm/riscv"
)

// ifBase is where the blocks of these tests are (testModule's code).
const ifBase = 0x8030_0000

// ifBlock makes a block at ifBase+start of insts (the terminator last).
func ifBlock(start uint64, term codegen.Term, target uint64, insts ...riscv.Inst) *codegen.Block {
	start, target = start+ifBase, target+ifBase
	b := &codegen.Block{Block: guest.Block{Start: start, End: start, Insts: insts, Target: target}, Term: term}
	for _, in := range insts {
		b.End += uint64(in.Len)
		b.Gas += in.Weight()
	}
	return b
}

var (
	ifD    = func(raw uint32) riscv.Inst { return riscv.Decode(raw) }
	ifXor  = func(rd, a, b int) riscv.Inst { return ifD(rv.R(0x33, 4, 0, rd, a, b)) }
	ifAdd  = func(rd, a, b int) riscv.Inst { return ifD(rv.R(0x33, 0, 0, rd, a, b)) }
	ifAddi = func(rd, a int, imm int64) riscv.Inst { return ifD(rv.I(0x13, 0, rd, a, imm)) }
	ifAndi = func(rd, a int, imm int64) riscv.Inst { return ifD(rv.I(0x13, 7, rd, a, imm)) }
	ifSlli = func(rd, a int, sh int64) riscv.Inst { return ifD(rv.I(0x13, 1, rd, a, sh)) }
	ifSrli = func(rd, a int, sh int64) riscv.Inst { return ifD(rv.I(0x13, 5, rd, a, sh)) }
	ifLd   = func(rd, a int) riscv.Inst { return ifD(rv.I(0x03, 3, rd, a, 0)) }
	ifBr   = func(f3 uint32, a, b int, off int64) riscv.Inst { return ifD(rv.B(f3, a, b, off)) }
	ifJ    = func(off int64) riscv.Inst { return ifD(rv.J(0, off)) }
)

// branchyTriangle is branchy's `bnez a5, J; xor a2,a2,a0; J: addi a3,a3,-1; beqz a3`:
// the branch's block, the fall-through block (which runs on into J's code) and J.
func branchyTriangle(arm ...riscv.Inst) []*codegen.Block {
	j := uint64(0x1008 + 4*len(arm))
	fall := append(append([]riscv.Inst{}, arm...), ifAddi(rv.A3, rv.A3, -1), ifBr(0, rv.A3, rv.Zero, 0x100))
	return []*codegen.Block{
		ifBlock(0x1000, codegen.TermBranch, j, ifSrli(rv.A5, rv.A4, 34), ifBr(1, rv.A5, rv.Zero, int64(j-0x1004))),
		ifBlock(0x1008, codegen.TermBranch, 0x1008+4*uint64(len(fall)-1)+0x100, fall...),
		ifBlock(j, codegen.TermBranch, j+4+0x100, ifAddi(rv.A3, rv.A3, -1), ifBr(0, rv.A3, rv.Zero, 0x100)),
	}
}

// branchyDiamond is branchy's `beq a1,t5,T; slli a5,a5,1; xor a0,a0,a5; J: srli
// a5,a4,34; bnez a5, …` with T: `add a0,a0,a7; j J` out of line.
func branchyDiamond() []*codegen.Block {
	return []*codegen.Block{
		ifBlock(0x1000, codegen.TermBranch, 0x1020, ifAndi(rv.A1, rv.A5, 24), ifBr(0, rv.A1, rv.T5, 0x1c)),
		ifBlock(0x1008, codegen.TermBranch, 0x1100, ifSlli(rv.A5, rv.A5, 1), ifXor(rv.A0, rv.A0, rv.A5), ifSrli(rv.A5, rv.A4, 34), ifBr(1, rv.A5, rv.Zero, 0xf4)),
		ifBlock(0x1010, codegen.TermBranch, 0x1100, ifSrli(rv.A5, rv.A4, 34), ifBr(1, rv.A5, rv.Zero, 0xec)),
		ifBlock(0x1020, codegen.TermJAL, 0x1010, ifAdd(rv.A0, rv.A0, rv.A7), ifJ(-0x14)),
	}
}

func lookupIn(blocks []*codegen.Block) func(uint64) *codegen.Block {
	return func(pc uint64) *codegen.Block {
		for _, b := range blocks {
			if b.Start == pc {
				return b
			}
		}
		return nil
	}
}

// TestPlanIf: branchy's triangle and diamond are planned with their arms, charges
// and join; arms that load, are too long, or a join that is a zeroing loop are not.
func TestPlanIf(t *testing.T) {
	tri := branchyTriangle(ifXor(rv.A2, rv.A2, rv.A0))
	p, ok := planIf(tri[0], lookupIn(tri))
	if !ok || p.join != ifBase+0x100c || p.arms[1].run || !p.arms[0].run || len(p.arms[0].insts) != 1 || len(p.arms[0].writes) != 1 || p.arms[0].writes[0] != rv.A2 {
		t.Fatalf("triangle: %+v, %v", p, ok)
	}
	if want := int64(1<<gasShift - 1); p.arms[0].charge != want {
		t.Errorf("triangle arm charge %#x, want %#x", p.arms[0].charge, want)
	}
	if want := tri[1].Gas<<gasShift - 3; p.arms[0].entry != want {
		t.Errorf("triangle arm entry %#x, want %#x (the fall-through block's charge)", p.arms[0].entry, want)
	}

	dia := branchyDiamond()
	p, ok = planIf(dia[0], lookupIn(dia))
	if !ok || p.join != ifBase+0x1010 || len(p.arms[0].insts) != 2 || len(p.arms[1].insts) != 1 {
		t.Fatalf("diamond: %+v, %v", p, ok)
	}
	if want := dia[3].Gas<<gasShift - 2; p.arms[1].charge != want || p.arms[1].entry != want {
		t.Errorf("diamond taken arm charge %#x, entry %#x, want %#x (its block's, the jump included)", p.arms[1].charge, p.arms[1].entry, want)
	}

	for _, tt := range []struct {
		name   string
		blocks []*codegen.Block
	}{
		{"a load in the arm", branchyTriangle(ifLd(rv.A2, rv.A0))},
		{"five instructions", branchyTriangle(ifXor(rv.A2, rv.A2, rv.A0), ifXor(rv.A2, rv.A2, rv.A0), ifXor(rv.A2, rv.A2, rv.A0), ifXor(rv.A2, rv.A2, rv.A0), ifXor(rv.A2, rv.A2, rv.A0))},
	} {
		if p, ok := planIf(tt.blocks[0], lookupIn(tt.blocks)); ok {
			t.Errorf("%s: converted: %+v", tt.name, p)
		}
	}
	two := branchyTriangle(ifAdd(rv.A2, rv.A2, rv.A0), ifAdd(rv.A0, rv.A5, rv.Zero))
	if p, ok := planIf(two[0], lookupIn(two)); ok {
		t.Errorf("a triangle whose arm writes two registers (sieve's count++, largest = i): converted: %+v", p)
	}
	four := branchyDiamond()
	four[3] = ifBlock(0x1020, codegen.TermJAL, 0x1010, ifAdd(rv.A2, rv.A0, rv.A7), ifAdd(rv.A3, rv.A0, rv.A7), ifJ(-0x18))
	if _, ok := planIf(four[0], lookupIn(four)); !ok {
		t.Error("a diamond writing four registers (the scratch words): not converted")
	}
	zl := branchyTriangle(ifXor(rv.A2, rv.A2, rv.A0))
	zl[2].ZeroLoop = &guest.ZeroLoop{}
	if p, ok := planIf(zl[0], lookupIn(zl)); ok {
		t.Errorf("join is a zeroing loop: converted: %+v", p)
	}
	if p, ok := planIf(tri[0], lookupIn(tri[:2])); ok {
		t.Errorf("join not in the unit: converted: %+v", p)
	}
	five := branchyDiamond()
	five[3] = ifBlock(0x1020, codegen.TermJAL, 0x1010, ifAdd(rv.A2, rv.A0, rv.A7), ifAdd(rv.A3, rv.A0, rv.A7), ifAdd(rv.A4, rv.A0, rv.A7), ifJ(-0x1c))
	if p, ok := planIf(five[0], lookupIn(five)); ok {
		t.Errorf("five registers written by the two arms: converted: %+v", p)
	}
}

// TestIfConvLowered: the branch block of branchy's triangle and of its diamond is
// lowered with CMOVs and no conditional jump but its gas checks (js, the block's
// charge; jl, the arms' blocks' charges).
func TestIfConvLowered(t *testing.T) {
	for name, blocks := range map[string][]*codegen.Block{
		"triangle": branchyTriangle(ifXor(rv.A2, rv.A2, rv.A0)),
		"diamond":  branchyDiamond(),
	} {
		u := newUnit(testModule(), blocks)
		end := u.b.NewLabel()
		for i := range blocks {
			u.lowerBlock(i)
			if i == 0 {
				u.b.Bind(end)
			}
		}
		code, err := assembleUnit(u)
		if err != nil {
			t.Fatal(err)
		}
		lines := objdump(t, code[:end.Offset()])
		cmovs := 0
		for _, l := range lines {
			op, _, _ := strings.Cut(l, " ")
			switch {
			case strings.HasPrefix(op, "cmov"):
				cmovs++
			case op == "js" || op == "jl" || op == "jmp" || !strings.HasPrefix(op, "j"):
			default:
				t.Errorf("%s: a conditional jump: %s", name, l)
			}
		}
		if cmovs < 2 { // at least one register and the charge
			t.Errorf("%s: %d CMOVs:\n\t%s", name, cmovs, strings.Join(lines, "\n\t"))
		}
	}
}
