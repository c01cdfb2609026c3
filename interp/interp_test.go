package interp

import (
	"testing"

	"github.com/hybridvm/hybridvm/guest"
	rv "github.com/hybridvm/hybridvm/internal/rvasm"
	"github.com/hybridvm/hybridvm/riscv"
)

const base = 0x10000

// setup loads code (RX at base) and returns the program, state and arena.
func setup(t *testing.T, code []byte) (*Program, *guest.State, *guest.Arena) {
	t.Helper()
	p, err := guest.LoadELF(rv.ExecELF(base, code), guest.Constraints{})
	if err != nil {
		t.Fatal(err)
	}
	a, err := guest.NewArena(base, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.Release)
	if err := p.LoadInto(a); err != nil {
		t.Fatal(err)
	}
	st := &guest.State{PC: base, Gas: 1 << 30}
	a.Bind(st)
	return NewProgram(p.Code()), st, a
}

// TestBlockBoundaries: a block ends at its first control transfer, after guest.MaxBlockInsts
// instructions, or before an instruction that cannot be fetched; its gas is the sum of
// its instructions' weights.
func TestBlockBoundaries(t *testing.T) {
	p := rv.New(base)
	for i := 0; i < guest.MaxBlockInsts+10; i++ {
		p.ADDI(rv.A0, rv.A0, 1)
	}
	p.ECALL()
	prog, _, _ := setup(t, p.MustFinish())
	b := prog.lookup(base)
	if b.n != guest.MaxBlockInsts || b.term.op != opFall || b.gas != guest.MaxBlockInsts || b.end != base+4*guest.MaxBlockInsts {
		t.Errorf("long block: n %d term %d gas %d end %#x", b.n, b.term.op, b.gas, b.end)
	}
	b2 := prog.lookup(b.end)
	if b2.n != 11 || b2.term.op != uint8(riscv.OpECALL) || b2.gas != 11 {
		t.Errorf("second block: n %d term %d gas %d", b2.n, b2.term.op, b2.gas)
	}
	if prog.lookup(base+1) != nil || prog.lookup(base-4) != nil {
		t.Errorf("blocks at an odd address or outside the code")
	}
}

// TestSpecialisation: constants fold into one operation, x0 writes vanish from the
// stream but not from the block's count and gas, loads into x0 still run.
func TestSpecialisation(t *testing.T) {
	p := rv.New(base)
	p.AUIPC(rv.A0, 0x1000)    // -> opLI with the pc folded in
	p.ADDI(rv.Zero, rv.A0, 5) // no effect: dropped
	p.ADDI(rv.A1, rv.A0, 0)   // -> opMV
	p.LD(rv.Zero, rv.A0, 0)   // a load into x0 still accesses memory
	p.ECALL()
	prog, st, a := setup(t, p.MustFinish())
	b := prog.lookup(base)
	ops := []uint8{}
	for _, in := range b.body {
		ops = append(ops, in.op)
	}
	if len(ops) != 3 || ops[0] != opLI || ops[1] != opMV || ops[2] != uint8(riscv.OpLD) || b.body[2].rd != sinkReg {
		t.Fatalf("stream %v (load rd %d)", ops, b.body[2].rd)
	}
	if b.n != 5 || b.gas != 1+1+1+3+1 {
		t.Errorf("n %d gas %d, want 5 and 7", b.n, b.gas)
	}
	// AUIPC base+0x1000 = 0x11000 is inside the 1 MiB arena: the load succeeds.
	if exit := Run(prog, st, a.Bytes(), 1<<20, nil); exit != guest.ExitEcall || st.X[rv.A1] != base+0x1000 || st.X[0] != 0 {
		t.Errorf("exit %v a1 %#x x0 %d", exit, st.X[rv.A1], st.X[0])
	}
}

// TestBudgetResumes: a budget exit stops at a block boundary and running on gives the
// same result as running without budget.
func TestBudgetResumes(t *testing.T) {
	p := rv.New(base)
	p.LI(rv.A1, 1000)
	p.Label("loop")
	p.ADDI(rv.A0, rv.A0, 3)
	p.ADDI(rv.A1, rv.A1, -1)
	p.BNE(rv.A1, rv.Zero, "loop")
	p.ECALL()
	code := p.MustFinish()
	prog, st, a := setup(t, code)
	exits := 0
	for {
		exit := Run(prog, st, a.Bytes(), 7, nil)
		if exit == guest.ExitEcall {
			break
		}
		if exit != guest.ExitBudget {
			t.Fatalf("exit %v", exit)
		}
		exits++
	}
	prog2, st2, a2 := setup(t, code)
	Run(prog2, st2, a2.Bytes(), 1<<40, nil)
	if exits == 0 || st.X != st2.X || st.Gas != st2.Gas || st.Instret != st2.Instret {
		t.Errorf("%d budget exits; a0 %d vs %d, instret %d vs %d", exits, st.X[rv.A0], st2.X[rv.A0], st.Instret, st2.Instret)
	}
}
