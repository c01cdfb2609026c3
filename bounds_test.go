package hybridvm

import (
	"bytes"
	"context"
	"errors"
	"os"
	"testing"
	"time"

	"github.com/hybridvm/hybridvm/codegen"
	"github.com/hybridvm/hybridvm/guest"
	"github.com/hybridvm/hybridvm/host"
	"github.com/hybridvm/hybridvm/internal/rvasm"
	"github.com/hybridvm/hybridvm/machine"
)

// Hostile contracts against the host's resources: each bound of RATIONALE.md ("What
// can a contract make the host spend?") is tested here with a contract that tries to
// exceed it, on every engine.

// isCanceled reports whether a call ended because its context was done (as an error
// or as the result's failure).
func isCanceled(res *Result, err error) bool {
	if err != nil {
		return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
	}
	return res.Status == StatusFailure && errors.Is(res.Err, host.ErrCanceled)
}

// riscvContract wraps text, linked at guest.StackTop, as contract code with one
// segment of the given flags and size (0: the text's size).
func riscvContract(p *rvasm.Program, flags uint32, memsz uint64) []byte {
	elf := rvasm.ELF(guest.StackTop, rvasm.Segment{Vaddr: guest.StackTop, Data: p.MustFinish(), Memsz: memsz, Flags: flags})
	return append([]byte{guest.CodePrefix}, elf...)
}

// TestFenceILoopIsCancelled: "1: fence.i; j 1b" with all the gas in the world stops
// promptly when its context is cancelled, on every engine (each FENCE.I is an exit the
// exit loop handles itself, and it looks at the cancel flag after each).
func TestFenceILoopIsCancelled(t *testing.T) {
	p := rvasm.New(guest.StackTop)
	p.Label("top")
	p.FENCEI()
	p.J("top")
	code := riscvContract(p, guest.PermR|guest.PermW|guest.PermX, 0)
	for _, e := range testEngines() {
		t.Run(e.String(), func(t *testing.T) {
			rt, _ := newTestRuntime(t, e)
			ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
			defer cancel()
			res, err := rt.ExecuteCode(ctx, ExecMsg{From: alice, As: carol, Code: code, Gas: 1 << 60})
			if !isCanceled(res, err) {
				t.Fatalf("%v %+v, want the call cancelled", err, res)
			}
		})
	}
}

// TestFenceIChargesForWritableCode: FENCE.I costs guest.FenceIPageGas per page of
// writable executable memory, so ten of them over a 1 GiB writable text cost far more
// than a block's gas and the call runs out of gas at once instead of re-reading a
// gigabyte ten times. With read-only text FENCE.I costs its weight only.
func TestFenceIChargesForWritableCode(t *testing.T) {
	build := func() *rvasm.Program {
		p := rvasm.New(guest.StackTop)
		for i := 0; i < 10; i++ {
			p.FENCEI()
		}
		p.LI(rvasm.A0, 0)
		p.LI(rvasm.A1, 0)
		p.LI(rvasm.T0, 0xF3) // RETURN
		p.ECALL()
		return p
	}
	const big = guest.ContractArenaSize - (guest.StackTop - guest.ContractBase)
	for _, e := range testEngines() {
		t.Run(e.String(), func(t *testing.T) {
			rt, _ := newTestRuntime(t, e)
			res, err := rt.ExecuteCode(context.Background(), ExecMsg{From: alice, As: carol, Code: riscvContract(build(), guest.PermR|guest.PermW|guest.PermX, big), Gas: 30_000_000})
			if err != nil || res.Status != StatusFailure || !errors.Is(res.Err, host.ErrOutOfGas) {
				t.Fatalf("1 GiB writable text: %v %+v, want out of gas", err, res)
			}
			if res.Instructions > 1 {
				t.Errorf("%d instructions retired, want the first FENCE.I to run out of gas", res.Instructions)
			}
			// One page of writable text: each FENCE.I costs one page's charge.
			res, err = rt.ExecuteCode(context.Background(), ExecMsg{From: alice, As: carol, Code: riscvContract(build(), guest.PermR|guest.PermW|guest.PermX, 0), Gas: 100_000})
			if err != nil || res.Status != StatusSuccess {
				t.Fatalf("small writable text: %v %+v", err, res)
			}
			ro, err := rt.ExecuteCode(context.Background(), ExecMsg{From: alice, As: carol, Code: riscvContract(build(), guest.PermR|guest.PermX, 0), Gas: 100_000})
			if err != nil || ro.Status != StatusSuccess {
				t.Fatalf("read-only text: %v %+v", err, ro)
			}
			if d := res.GasUsed - ro.GasUsed; d != 10*guest.FenceIPageGas {
				t.Errorf("writable text used %d gas more than read-only text, want 10 × %d", d, guest.FenceIPageGas)
			}
		})
	}
}

// jumpChain is RISC-V initcode whose deploy code is n jumps to the next instruction
// (`j .+4`: n blocks of one instruction, each run once), then RETURN of nothing; seed
// varies the code so every chain is a new program.
func jumpChain(n int, seed int64) []byte {
	p := rvasm.New(guest.StackTop)
	for i := 0; i < n; i++ {
		p.Emit(rvasm.J(0, 4))
	}
	p.LI(rvasm.T1, seed)
	p.LI(rvasm.A0, 0)
	p.LI(rvasm.A1, 0)
	p.LI(rvasm.T0, 0xF3)
	p.ECALL()
	elf := rvasm.ELF(guest.StackTop, rvasm.Segment{Vaddr: guest.StackTop, Data: p.MustFinish(), Flags: guest.PermR | guest.PermX})
	return guest.EncodeInitcode(elf, nil)
}

// nativeEngines are the engines that translate.
func nativeEngines() []Engine {
	var out []Engine
	for _, e := range testEngines() {
		if e != EngineInterp {
			out = append(out, e)
		}
	}
	return out
}

// TestTranslationIsEarned: the jump-chain CREATE (64k one-instruction blocks, each
// run once, 256 KiB of code for about 200k gas) makes the host translate at most one
// instruction per machine.CreditRatio instructions it ran, on JIT and AOT, where it
// used to translate all of them (seconds of host time).
func TestTranslationIsEarned(t *testing.T) {
	if len(nativeEngines()) == 0 {
		t.Skip("SKIPPED: no native backend on this architecture")
	}
	for _, e := range nativeEngines() {
		t.Run(e.String(), func(t *testing.T) {
			cache := NewCodeCache(0)
			defer cache.Close()
			rt, err := NewRuntime(context.Background(), Config{Engine: e, Cache: cache})
			if err != nil {
				t.Fatal(err)
			}
			res, err := rt.Create(context.Background(), CreateMsg{From: alice, Initcode: jumpChain(1<<16, int64(e)), Gas: 1_000_000})
			if err != nil || res.Status != StatusSuccess {
				t.Fatalf("%v %+v", err, res)
			}
			s := cache.Stats()
			if s.Retired < 1<<16 {
				t.Fatalf("the programs retired %d instructions, want the chain's %d", s.Retired, 1<<16)
			}
			if limit := s.Retired / machine.CreditRatio; uint64(s.TranslatedInstructions) > limit {
				t.Errorf("translated %d instructions after %d ran, want at most %d", s.TranslatedInstructions, s.Retired, limit)
			}
			t.Logf("%d instructions ran, %d translated into %d bytes", s.Retired, s.TranslatedInstructions, s.NativeBytes)
		})
	}
}

// mappings counts the process's memory mappings.
func mappings(t *testing.T) int {
	t.Helper()
	b, err := os.ReadFile("/proc/self/maps")
	if err != nil {
		t.Skipf("SKIPPED: no /proc/self/maps: %v", err)
	}
	return bytes.Count(b, []byte("\n"))
}

// TestFactoryCannotExhaustMappings: a contract factory that creates program after
// program raises neither the process's mappings (each unit used to be two mappings:
// 40 such creates in one 30M-gas transaction reached vm.max_map_count and killed the
// process) nor its native-code bytes beyond the cache's limit.
func TestFactoryCannotExhaustMappings(t *testing.T) {
	if len(nativeEngines()) == 0 {
		t.Skip("SKIPPED: no native backend on this architecture")
	}
	const limit = 4 << 20
	cache := NewCodeCache(limit)
	defer cache.Close()
	before, live, regions := mappings(t), codegen.LiveBytes(), codegen.Regions()
	for _, e := range nativeEngines() {
		t.Run(e.String(), func(t *testing.T) {
			rt, err := NewRuntime(context.Background(), Config{Engine: e, Cache: cache})
			if err != nil {
				t.Fatal(err)
			}
			var peak int64
			for i := 0; i < 24; i++ {
				res, err := rt.Create(context.Background(), CreateMsg{From: alice, Initcode: jumpChain(1<<15, int64(i)), Gas: 1_000_000})
				if err != nil || res.Status != StatusSuccess {
					t.Fatalf("create %d: %v %+v", i, err, res)
				}
				peak = max(peak, codegen.LiveBytes()-live)
			}
			// Each unit used to be two mappings: thousands here. What remains is the
			// Go heap and the arena pool growing, and at most a region or two.
			if grown := mappings(t) - before; grown > 64 && !raceEnabled {
				t.Errorf("24 creates added %d mappings", grown)
			}
			if r := codegen.Regions(); r > regions+1 {
				t.Errorf("native code took %d more regions of 32 MiB, want at most 1 under a %d MiB limit", r-regions, limit>>20)
			}
			// The cache keeps about its limit; one image more may be alive while it runs.
			if peak > 2*limit {
				t.Errorf("native code peaked at %d bytes, cache limit %d", peak, limit)
			}
			t.Logf("mappings +%d, native code peak %d KiB", mappings(t)-before, peak>>10)
		})
	}
}

// TestSyscallWritesPayForPages: a syscall that writes guest memory (CALLDATACOPY here)
// pays the memory-growth charge for the pages it adds to the frame's window, once: the
// first 8 KiB copy into fresh memory costs two pages more than a second copy to the
// same place.
func TestSyscallWritesPayForPages(t *testing.T) {
	build := func(copies int) []byte {
		p := rvasm.New(guest.StackTop)
		for i := 0; i < copies; i++ {
			p.LI(rvasm.A0, guest.StackTop+0x10_0000) // above the text: window 1
			p.LI(rvasm.A1, 0)
			p.LI(rvasm.A2, 8192)
			p.LI(rvasm.T0, 0x37) // CALLDATACOPY
			p.ECALL()
		}
		p.LI(rvasm.A0, 0)
		p.LI(rvasm.A1, 0)
		p.LI(rvasm.T0, 0xF3)
		p.ECALL()
		return riscvContract(p, guest.PermR|guest.PermX, 0)
	}
	for _, e := range testEngines() {
		t.Run(e.String(), func(t *testing.T) {
			rt, _ := newTestRuntime(t, e)
			var used [3]uint64
			var insts [3]uint64
			for k := range used {
				res, err := rt.ExecuteCode(context.Background(), ExecMsg{From: alice, As: carol, Code: build(k), Gas: 100_000})
				if err != nil || res.Status != StatusSuccess {
					t.Fatalf("%d copies: %v %+v", k, err, res)
				}
				used[k], insts[k] = res.GasUsed, res.Instructions
			}
			// Each copy: its instructions (weight 1 each), 3 + 3 per word; the first
			// also two pages.
			perCopy := (insts[2] - insts[1]) + 3 + 3*8192/32
			if d := used[2] - used[1]; d != perCopy {
				t.Errorf("a second copy cost %d gas, want %d", d, perCopy)
			}
			if d := used[1] - used[0]; d != perCopy+2*guest.ContractPageGas {
				t.Errorf("the first copy cost %d gas, want %d (with two pages)", d, perCopy+2*guest.ContractPageGas)
			}
		})
	}
}
