package translate_test

import (
	"runtime"
	"testing"

	"github.com/hybridvm/hybridvm/codegen"
	"github.com/hybridvm/hybridvm/codegen/amd64"
	"github.com/hybridvm/hybridvm/guest"
	. "github.com/hybridvm/hybridvm/internal/rvasm"
	"github.com/hybridvm/hybridvm/machine"
	"github.com/hybridvm/hybridvm/translate"
)

// hotProgram: a loop (blocks at loop and next) whose branch to a 200-instruction cold
// block is never taken, then an exit block, at exit.
func hotProgram(t *testing.T) (code *guest.Code, entry, loop, next, cold, exit uint64) {
	t.Helper()
	p := New(base)
	p.LI(T1, 10)
	p.Label("loop")
	loop = p.PC()
	p.ADDI(A0, A0, 3)
	p.BLT(A0, Zero, "cold")
	next = p.PC()
	p.ADDI(T1, T1, -1)
	p.BNE(T1, Zero, "loop")
	exit = p.PC()
	p.LI(A7, 93)
	p.ECALL()
	p.Label("cold")
	cold = p.PC()
	for i := range 199 {
		p.ADDI(A1, A1, int64(i))
	}
	p.J("loop")
	prog, err := guest.LoadELF(ExecELF(base, p.MustFinish()), guest.Constraints{})
	if err != nil {
		t.Fatal(err)
	}
	return prog.Code(), prog.Entry, loop, next, cold, exit
}

// TestCompileHot: CompileHot translates the block asked for and the blocks that ran,
// not their static neighbours that did not run (the never-taken branch's target);
// within a limit it takes the blocks control reaches from pc first.
func TestCompileHot(t *testing.T) {
	if !machine.NativeAvailable() {
		t.Skipf("SKIPPED: no native backend on %s", runtime.GOARCH)
	}
	code, entry, loop, next, cold, exit := hotProgram(t)
	layout := codegen.Layout{ArenaBase: base, ArenaSize: 1 << 20}
	newProg := func() *translate.Program {
		p, err := translate.New(code, entry, layout, amd64.New(), translate.Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(p.Free)
		return p
	}
	ran := []uint64{entry, loop, next, exit} // sorted, as interp.Program.DecodedBlocks gives them

	p := newProg()
	if found, compiled, err := p.CompileHot(loop, ran, 0); !found || !compiled || err != nil {
		t.Fatalf("found %v compiled %v err %v", found, compiled, err)
	}
	s := p.Stats()
	// The entry block runs on into the loop (LI, ADDI, BLT), then the loop's two
	// blocks and the exit.
	if want := 3 + 2 + 2 + 2; s.Insts != want || s.Units != 1 {
		t.Errorf("translated %d instructions in %d units, want the %d that ran in one (cold code: 200)", s.Insts, s.Units, want)
	}

	// A limit of 4 instructions: the block at pc, then its successor that ran (next),
	// not the entry block that comes first in address order.
	p = newProg()
	if _, compiled, err := p.CompileHot(loop, ran, 4); !compiled || err != nil {
		t.Fatalf("compiled %v err %v", compiled, err)
	}
	if s := p.Stats(); s.Insts != 4 {
		t.Errorf("translated %d instructions within a limit of 4", s.Insts)
	}
	if has, _ := p.TryLink(next); !has {
		t.Errorf("the block after pc was not taken first")
	}
	if has, _ := p.TryLink(entry); has {
		t.Errorf("the entry block was taken before the blocks reached from pc")
	}

	// The cold block asked for: it alone, and it does not fit a limit of 100.
	p = newProg()
	if found, compiled, _ := p.CompileHot(cold, nil, 100); !found || compiled {
		t.Errorf("a 200-instruction block within 100: found %v compiled %v", found, compiled)
	}
	if found, _, _ := p.CompileHot(base+1<<20, ran, 0); found {
		t.Errorf("a block outside the code was found")
	}
}
