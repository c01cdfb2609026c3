package amd64

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/hybridvm/hybridvm/codegen/internal/asm"
	rv "github.com/hybridvm/hybridvm/internal/rvasm"
	"github.com/hybridvm/hybridvm/riscv"
)

// countedPlan is the hoisting plan of a counted loop on counter r (step 8) whose
// accesses are all checked at the entry.
func countedPlan(body []riscv.Inst, r, q uint8) *hoistPlan {
	p := &hoistPlan{counted: true, r: r, q: q, step: 8, unchecked: make([]bool, len(body))}
	for i := range p.unchecked {
		p.unchecked[i] = true
	}
	return p
}

// TestPlanFastLoopValues: moves and sign extensions of sign-extended values are no
// nodes, shift-shift-or is one rotate, results the back edge does not need are
// dead, a pointer's second step folds into its accesses.
func TestPlanFastLoopValues(t *testing.T) {
	tMv := func(rd, rs int) riscv.Inst { return riscv.Decode(rv.R(0x33, 0, 0, rd, rv.Zero, rs)) } // c.mv
	tSrliw := func(rd, rs int, sh int64) riscv.Inst { return riscv.Decode(rv.I(0x1B, 5, rd, rs, sh)) }
	body := []riscv.Inst{
		tMv(rv.A3, rv.A0),         // a copy
		tSrliw(rv.T3, rv.A3, 7),   // rotate right by 7 ...
		tSlliw(rv.T4, rv.A3, 25),  // ...
		tOr(rv.A1, rv.T3, rv.T4),  // ... one node
		tAddiw(rv.A2, rv.A1, 0),   // sext.w of a W result: a copy
		tAdd(rv.A0, rv.A2, rv.A0), // a0 = a2 + a0 (the loop's new a0)
		tLd(rv.A5, rv.T5, 0),      // dead: a5 is not live
		tAddi(rv.T6, rv.T5, 8),    // t6 = t5 + 8 (dead after folding)
		tLd(rv.A4, rv.T6, 16),     // ld a4, 24(t5)
		tXor(rv.A0, rv.A0, rv.A4), // a0 ^= a4
		tAddi(rv.T5, rv.T6, 8),    // t5 = t5 + 16, folded
		tAddi(rv.S1, rv.S1, 8),    // the counter
		tSd(rv.T5, rv.A0, 0),      // a store: live
	}
	term := tBne(rv.S1, rv.S2)
	p := countedPlan(body, rv.S1, rv.S2)
	f := new(flPlan)
	ok := planFastLoop(f, body, term, backEdgeLive(append(body[:len(body):len(body)], term)), p, &divPlan{}, 0, 1, true, 0)
	if !ok {
		t.Fatal("no fast loop")
	}
	kinds := map[flKind]int{}
	for _, n := range f.nodes {
		if n.live {
			kinds[n.kind]++
		}
		if n.kind == flLoad && n.live && n.a != f.in[rv.T5] {
			t.Errorf("live load not through t5's input: %+v", n)
		}
		if n.kind == flLoad && n.live && n.imm != 24 {
			t.Errorf("folded load at %d, want 24", n.imm)
		}
	}
	if kinds[flRot] != 1 || kinds[flShift] != 0 || kinds[flSext] != 0 {
		t.Errorf("live nodes %v: want one rotate, no shift, no sign extension", kinds)
	}
	if kinds[flLoad] != 1 || kinds[flStore] != 1 {
		t.Errorf("live nodes %v: want one load (the other is dead) and the store", kinds)
	}
	// t5's new value is t5 + 16, one add from the input.
	if o := f.nodes[f.out[rv.T5]]; o.kind != flALU || o.a != f.in[rv.T5] || o.imm != 16 {
		t.Errorf("t5 at the back edge: %+v, want its input + 16", o)
	}
	if f.live[rv.A5] || f.live[rv.A3] || !f.live[rv.A0] || !f.live[rv.T5] || !f.live[rv.S2] {
		t.Errorf("back-edge live set wrong: a5 %v a3 %v a0 %v t5 %v s2 %v", f.live[rv.A5], f.live[rv.A3], f.live[rv.A0], f.live[rv.T5], f.live[rv.S2])
	}
	// Unrolled by two: the second iteration reads the first's values, no new inputs.
	f2 := new(flPlan)
	ok = planFastLoop(f2, body, term, backEdgeLive(append(body[:len(body):len(body)], term)), p, &divPlan{}, 0, 2, true, 0)
	if !ok {
		t.Fatal("no fast loop unrolled")
	}
	in1, in2 := 0, 0
	for _, n := range f.nodes {
		if n.kind == flIn {
			in1++
		}
	}
	for _, n := range f2.nodes {
		if n.kind == flIn {
			in2++
		}
	}
	if in1 != in2 {
		t.Errorf("inputs: %d unrolled, %d not", in2, in1)
	}
}

// TestPlanFastLoopRefuses: instructions and accesses a fast loop does not take.
func TestPlanFastLoopRefuses(t *testing.T) {
	tSlt := riscv.Decode(rv.R(0x33, 2, 0, rv.A0, rv.A1, rv.A2))
	tDivu := riscv.Decode(rv.R(0x33, 5, 1, rv.A0, rv.A1, rv.A2))
	cases := map[string]struct {
		body []riscv.Inst
		mod  func(*hoistPlan)
	}{
		"slt":               {[]riscv.Inst{tSlt, tAddi(rv.S1, rv.S1, 8)}, nil},
		"divu":              {[]riscv.Inst{tDivu, tAddi(rv.S1, rv.S1, 8)}, nil},
		"remw unguarded":    {[]riscv.Inst{tRemw(rv.A0, rv.A1, rv.A2), tAddi(rv.S1, rv.S1, 8)}, nil},
		"checked load":      {[]riscv.Inst{tLd(rv.A0, rv.A1, 0), tAddi(rv.S1, rv.S1, 8)}, func(p *hoistPlan) { p.unchecked[0] = false }},
		"not counted":       {[]riscv.Inst{tAdd(rv.A0, rv.A0, rv.A1), tAddi(rv.S1, rv.S1, 8)}, func(p *hoistPlan) { p.counted = false }},
		"ordered compare":   {[]riscv.Inst{tAdd(rv.A0, rv.A0, rv.A1), tAddi(rv.S1, rv.S1, 8)}, func(p *hoistPlan) { p.cmp = &cmpHoist{} }},
		"too long unrolled": {make([]riscv.Inst, maxFastBody/2+1), nil},
	}
	for name, c := range cases {
		for i := range c.body {
			if c.body[i].Op == 0 {
				c.body[i] = tAdd(rv.A0, rv.A0, rv.A1)
			}
		}
		p := countedPlan(c.body, rv.S1, rv.S2)
		if c.mod != nil {
			c.mod(p)
		}
		if planFastLoop(new(flPlan), c.body, tBne(rv.S1, rv.S2), backEdgeLive(append(c.body[:len(c.body):len(c.body)], tBne(rv.S1, rv.S2))), p, &divPlan{}, 0, 2, false, 0) {
			t.Errorf("%s: planned a fast loop", name)
		}
	}
}

// TestParallelMove runs parallel moves of random permutations, copies, constants
// and memory locations through a model of the MOVQ and XORL they emit: every
// destination must end with its source's value from before, the sources that are
// no destination unchanged.
func TestParallelMove(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	regs := []asm.Reg{asm.BX, asm.SI, asm.DI, asm.R8, asm.R9, asm.R10, asm.CX, asm.DX}
	for iter := range 2000 {
		var locs []flLoc
		for _, h := range regs {
			locs = append(locs, at(h, 0))
		}
		for i := range 6 {
			locs = append(locs, at(asm.NoReg, xoff(uint8(i+1))))
		}
		a := &flAlloc{}
		type state map[flLoc]int64
		st := state{}
		for i, l := range locs {
			st[l] = int64(100 + i)
		}
		st[at(asm.NoReg, flSpareOff)] = -1
		want := state{}
		for l, v := range st {
			want[l] = v
		}
		var moves []flMove
		dsts := rng.Perm(len(locs))[:1+rng.IntN(len(locs))]
		for _, d := range dsts {
			m := flMove{dst: locs[d]}
			if rng.IntN(8) == 0 {
				m.imm, m.v = true, int64(rng.Uint64()>>rng.IntN(64))
				want[m.dst] = m.v
			} else {
				m.src = locs[rng.IntN(len(locs))]
				want[m.dst] = st[m.src]
			}
			moves = append(moves, m)
		}
		var log []string
		a.trace = func(op asm.Op, from, to asm.Operand) {
			loc := func(o asm.Operand) flLoc {
				if o.IsReg() {
					return at(o.Reg(), 0)
				}
				return at(asm.NoReg, o.Value()+stBias)
			}
			switch {
			case op == asm.XORL && from == to:
				st[loc(to)] = 0
			case op != asm.MOVQ:
				t.Fatalf("iteration %d: unexpected op %d", iter, op)
			case from.IsMem() && to.IsMem():
				t.Fatalf("iteration %d: memory to memory", iter)
			case from.IsImm():
				st[loc(to)] = from.Value()
			default:
				st[loc(to)] = st[loc(from)]
			}
			log = append(log, fmt.Sprintf("%v -> %v", from, to))
		}
		a.dry = true
		a.parallel(moves)
		for l, v := range want {
			if l.reg == asm.NoReg && l.off == flSpareOff || l.reg == tA {
				continue
			}
			if st[l] != v {
				t.Fatalf("iteration %d: %+v = %d, want %d\nmoves %+v\nemitted %v", iter, l, st[l], v, moves, log)
			}
		}
	}
}
