package machine

import (
	"bytes"
	"errors"
	"math/rand"
	"sync/atomic"
	"testing"

	"github.com/hybridvm/hybridvm/guest"
	. "github.com/hybridvm/hybridvm/internal/rvasm"
)

const textBase = 0x10000

// exitWith appends "exit(a0)".
func exitWith(p *Program) {
	p.LI(A7, 93)
	p.ECALL()
}

func runProgram(t *testing.T, elf []byte, cfg ExecConfig) *ExecResult {
	t.Helper()
	res, err := Exec(elf, cfg)
	if err != nil {
		t.Fatalf("Exec: %v", err)
	}
	return res
}

// TestGasAndInstret checks gas and retired instructions against a hand count.
func TestGasAndInstret(t *testing.T) {
	p := New(textBase)
	p.LI(A0, 0)  // addi: 1 instruction, weight 1
	p.LI(A1, 10) // addi: 1, weight 1
	p.Label("loop")
	p.ADD(A0, A0, A1)       // 1
	p.ADDI(A1, A1, -1)      // 1
	p.BNE(A1, Zero, "loop") // 3
	exitWith(p)             // addi (1) + ecall (1)
	res := runProgram(t, ExecELF(textBase, p.MustFinish()), ExecConfig{})
	if !res.Exited || res.Status != 55 {
		t.Fatalf("exit %v status %d err %v, want exit 55", res.Exited, res.Status, res.Err)
	}
	// 2 + 10 iterations × 3 instructions + 2 = 34 instructions;
	// gas 2 + 10 × (1+1+3) + 2 = 54.
	if res.Instret != 34 || res.GasUsed != 54 {
		t.Errorf("instret %d gas %d, want 34 and 54", res.Instret, res.GasUsed)
	}
}

// TestOutOfGas: a block that does not fit the gas left does not run.
func TestOutOfGas(t *testing.T) {
	p := New(textBase)
	p.Label("loop")
	p.ADDI(A0, A0, 1) // weight 1
	p.J("loop")       // weight 3: the block costs 4
	elf := ExecELF(textBase, p.MustFinish())
	res := runProgram(t, elf, ExecConfig{Gas: 4*1000 + 3})
	if !errors.Is(res.Err, ErrOutOfGas) {
		t.Fatalf("err %v, want out of gas", res.Err)
	}
	if res.State.X[A0] != 1000 || res.Instret != 2000 || res.GasUsed != 4000 {
		t.Errorf("a0 %d instret %d gas used %d, want 1000, 2000, 4000", res.State.X[A0], res.Instret, res.GasUsed)
	}
	if res.State.PC != textBase {
		t.Errorf("pc %#x, want the block that did not fit (%#x)", res.State.PC, textBase)
	}
}

func TestStop(t *testing.T) {
	p := New(textBase)
	p.Label("loop")
	p.J("loop")
	var stop atomic.Bool
	stop.Store(true)
	res := runProgram(t, ExecELF(textBase, p.MustFinish()), ExecConfig{Stop: &stop})
	if !errors.Is(res.Err, ErrStopped) {
		t.Fatalf("err %v, want stopped", res.Err)
	}
}

func TestWriteAndExit(t *testing.T) {
	p := New(textBase)
	p.LI(A0, 1)
	p.LA(A1, "msg")
	p.LI(A2, 6)
	p.LI(A7, 64)
	p.ECALL()
	p.LI(A0, 2)
	p.LA(A1, "msg")
	p.LI(A2, 3)
	p.LI(A7, 64)
	p.ECALL()
	p.LI(A0, 7)
	p.LI(A7, 94)
	p.ECALL()
	p.Label("msg")
	p.Bytes([]byte("hello\n"))
	var out, errOut bytes.Buffer
	res := runProgram(t, ExecELF(textBase, p.MustFinish()), ExecConfig{Stdout: &out, Stderr: &errOut})
	if !res.Exited || res.Status != 7 || out.String() != "hello\n" || errOut.String() != "hel" {
		t.Errorf("exit %v %d stdout %q stderr %q err %v", res.Exited, res.Status, out.String(), errOut.String(), res.Err)
	}
}

// TestFaults: every guest misbehaviour ends the run as a fault at the right pc, with
// the faulting instruction not retired.
func TestFaults(t *testing.T) {
	data := Segment{Vaddr: 0x20000, Data: make([]byte, 64), Flags: 6}
	tests := []struct {
		name    string
		body    func(p *Program)
		kind    guest.FaultKind
		addr    uint64
		instret uint64 // retired before the fault
	}{
		{"load below the arena", func(p *Program) { p.LI(A0, 0x1000); p.LD(A1, A0, 0) }, guest.FaultLoad, 0x1000, 1},
		{"load past the arena's end", func(p *Program) { p.LI(A0, textBase+(1<<30)-4); p.LD(A1, A0, 0) }, guest.FaultLoad, textBase + (1 << 30) - 4, 2},
		{"load at -8", func(p *Program) { p.LI(A0, -8); p.LD(A1, A0, 0) }, guest.FaultLoad, ^uint64(7), 1},
		{"store into read-only text", func(p *Program) { p.LI(A0, textBase); p.SD(A0, A0, 0) }, guest.FaultStore, textBase, 1},
		{"misaligned store straddling the text's start", func(p *Program) { p.LI(A0, textBase-4); p.SD(A0, A0, 0) }, guest.FaultStore, textBase - 4, 2},
		{"store outside the arena", func(p *Program) { p.LI(A0, 0x100); p.SB(A0, A0, 0) }, guest.FaultStore, 0x100, 1},
		{"jump into data", func(p *Program) { p.LI(A0, 0x20000); p.JALR(Zero, A0, 0) }, guest.FaultFetch, 0x20000, 2},
		{"jump to zero", func(p *Program) { p.JALR(Zero, Zero, 0) }, guest.FaultFetch, 0, 1},
		{"illegal instruction", func(p *Program) { p.ADDI(A0, A0, 1); p.Emit(0xFFFFFFFF) }, guest.FaultIllegal, textBase + 4, 1},
		{"all-zero instruction", func(p *Program) { p.Emit16(0) }, guest.FaultIllegal, textBase, 0},
		{"ebreak", func(p *Program) { p.EBREAK() }, guest.FaultBreakpoint, textBase, 0},
		{"misaligned amoadd.w", func(p *Program) { p.LI(A0, 0x20002); p.Emit(R(0x2F, 2, 0, A1, A0, A2)) }, guest.FaultMisaligned, 0x20002, 2},
		{"misaligned lr.d", func(p *Program) { p.LI(A0, 0x20004); p.Emit(R(0x2F, 3, 0x02<<2, A1, A0, 0)) }, guest.FaultMisaligned, 0x20004, 2},
		{"unknown csr", func(p *Program) { p.Emit(I(0x73, 2, A0, 0, 0xC00)) }, guest.FaultIllegal, textBase, 0},
		{"write to mhartid", func(p *Program) { p.Emit(I(0x73, 1, A0, A1, 0xF14)) }, guest.FaultIllegal, textBase, 0},
		{"unknown syscall", func(p *Program) { p.LI(A7, 1000); p.ECALL() }, guest.FaultSyscall, 0, 2},
		{"write from a wild pointer", func(p *Program) { p.LI(A0, 1); p.LI(A1, 0x100); p.LI(A2, 8); p.LI(A7, 64); p.ECALL() }, guest.FaultSyscall, 0x100, 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := New(textBase)
			tt.body(p)
			exitWith(p)
			res := runProgram(t, ExecELF(textBase, p.MustFinish(), data), ExecConfig{})
			var f *guest.Fault
			if !errors.As(res.Err, &f) {
				t.Fatalf("err %v (exited %v), want a fault", res.Err, res.Exited)
			}
			if f.Kind != tt.kind || (tt.addr != 0 && f.Addr != tt.addr) {
				t.Errorf("fault %v, want kind %v at address %#x", f, tt.kind, tt.addr)
			}
			if res.Instret != tt.instret {
				t.Errorf("instret %d, want %d", res.Instret, tt.instret)
			}
		})
	}
}

// TestZeroRegister: writes to x0 are discarded, including by loads and links.
func TestZeroRegister(t *testing.T) {
	p := New(textBase)
	p.ADDI(Zero, Zero, 5)
	p.LI(A1, 0x20000)
	p.LD(Zero, A1, 0)
	p.JAL(Zero, "next")
	p.Label("next")
	p.ADD(A0, Zero, Zero)
	exitWith(p)
	data := Segment{Vaddr: 0x20000, Data: []byte{1, 2, 3, 4, 5, 6, 7, 8}, Flags: 6}
	res := runProgram(t, ExecELF(textBase, p.MustFinish(), data), ExecConfig{})
	if !res.Exited || res.Status != 0 || res.State.X[0] != 0 {
		t.Errorf("exit %v %d x0 %d err %v", res.Exited, res.Status, res.State.X[0], res.Err)
	}
}

// TestLI checks the test assembler's constant loading (and ALU ops) on the machine.
func TestLI(t *testing.T) {
	rng := rand.New(rand.NewSource(3))
	vals := []int64{0, 1, -1, 2047, -2048, 2048, 0x7FFFFFFF, -0x80000000, 0x80000000, 1 << 62, -1 << 63, 1<<63 - 1, 0x123456789ABCDEF0}
	for i := 0; i < 200; i++ {
		vals = append(vals, int64(rng.Uint64())>>uint(rng.Intn(64)))
	}
	p := New(textBase)
	p.LI(S1, 0x20000)
	for i, v := range vals {
		p.LI(A0, v)
		p.SD(A0, S1, int64(8*i))
	}
	p.LI(A0, 0)
	exitWith(p)
	// The data segment has to hold every value, in one RW segment after text.
	data := Segment{Vaddr: 0x20000, Data: make([]byte, 8*len(vals)), Flags: 6}
	elf := ExecELF(textBase, p.MustFinish(), data)
	res, err := execKeepArena(elf, func(a *guest.Arena) {
		for i, v := range vals {
			got, _ := a.ReadU64(0x20000 + uint64(8*i))
			if int64(got) != v {
				t.Errorf("LI %#x: got %#x", v, got)
			}
		}
	})
	if err != nil || !res.Exited {
		t.Fatalf("err %v res %+v", err, res)
	}
}

// execKeepArena runs elf and lets check inspect the arena before it is released.
func execKeepArena(elf []byte, check func(*guest.Arena)) (*ExecResult, error) {
	return Exec(elf, ExecConfig{Inspect: func(f *Frame) { check(f.Arena) }})
}

// TestFenceI: stores into code change what runs only after FENCE.I.
func TestFenceI(t *testing.T) {
	p := New(textBase)
	p.LA(S1, "patch")
	p.LI(T0, int64(I(0x13, 0, A0, Zero, 2))) // the new instruction: addi a0, zero, 2
	p.SW(T0, S1, 0)
	p.JAL(RA, "patch") // before FENCE.I: the old instruction runs
	p.ADD(S2, A0, Zero)
	p.FENCEI()
	p.JAL(RA, "patch") // after: the new one
	p.SLLI(S2, S2, 4)
	p.ADD(A0, A0, S2)
	exitWith(p)
	p.Label("patch")
	p.ADDI(A0, Zero, 1)
	p.JALR(Zero, RA, 0)
	code := p.MustFinish()
	// One RWX segment, so the program may store into its own code.
	elf := ELF(textBase, Segment{Vaddr: textBase, Data: code, Flags: 7})
	res := runProgram(t, elf, ExecConfig{})
	if !res.Exited || res.Status != 0x12 {
		t.Errorf("exit %v status %#x err %v, want 0x12 (1 before fence.i, 2 after)", res.Exited, res.Status, res.Err)
	}
}

// TestExecHugeSegment: a segment larger than the exec arena is a bad ELF, reported
// before anything is sized from it (the interpreter's block table once was, and
// panicked with "makeslice: len out of range" or ran out of memory).
func TestExecHugeSegment(t *testing.T) {
	code := []byte{0x73, 0, 0, 0} // ecall
	tests := []struct {
		name string
		elf  []byte
		size uint64 // ExecConfig.ArenaSize
	}{
		{"code memsz 2^62", ELF(textBase, Segment{Vaddr: textBase, Data: code, Memsz: 1 << 62, Flags: 5}), 0},
		{"code memsz 1 TiB", ELF(textBase, Segment{Vaddr: textBase, Data: code, Memsz: 1 << 40, Flags: 5}), 0},
		{"code memsz past the default arena", ELF(textBase, Segment{Vaddr: textBase, Data: code, Memsz: 1<<30 + 1, Flags: 5}), 0},
		{"code memsz past a 64 MiB arena", ELF(textBase, Segment{Vaddr: textBase, Data: code, Memsz: 64<<20 + 1, Flags: 5}), 64 << 20},
		{"data memsz 2^63", ExecELF(textBase, code, Segment{Vaddr: 0x20000, Memsz: 1 << 63, Flags: 6}), 0},
		{"segments far apart", ExecELF(textBase, code, Segment{Vaddr: 1 << 50, Data: []byte{1}, Flags: 5}), 0},
	}
	for _, e := range []Engine{EngineInterp, EngineJIT, EngineAOT} {
		for _, cached := range []bool{false, true} {
			for _, tt := range tests {
				cfg := ExecConfig{Engine: e, ArenaSize: tt.size}
				if cached {
					cfg.Cache = NewCache(4)
				}
				_, err := Exec(tt.elf, cfg)
				if !errors.Is(err, guest.ErrBadELF) {
					t.Errorf("%v, cached %v, %s: err = %v, want ErrBadELF", e, cached, tt.name, err)
				}
			}
		}
	}
}
