package translate_test

import (
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hybridvm/hybridvm/codegen"
	"github.com/hybridvm/hybridvm/codegen/amd64"
	"github.com/hybridvm/hybridvm/guest"
	"github.com/hybridvm/hybridvm/internal/corpus"
	. "github.com/hybridvm/hybridvm/internal/rvasm"
	"github.com/hybridvm/hybridvm/machine"
	"github.com/hybridvm/hybridvm/riscv"
	"github.com/hybridvm/hybridvm/translate"
)

// TestBlockGasBound: the heaviest block (guest.MaxBlockInsts of the heaviest
// instruction) is codegen.MaxBlockGas, and it fits the native gas register's packing
// and one budget chunk.
func TestBlockGasBound(t *testing.T) {
	var heaviest int64
	for op := riscv.Op(0); op < riscv.NumOps; op++ {
		heaviest = max(heaviest, op.Weight())
	}
	// The native gas register packs a block's weight into an imm32, and the budget
	// chunk must hold the heaviest block (codegen.MaxBlockGas, MaxRunGas).
	if codegen.MaxBlockGas != guest.MaxBlockInsts*heaviest || codegen.MaxBlockGas<<18 >= 1<<31 || codegen.MaxBlockGas > codegen.MaxRunGas {
		t.Fatalf("MaxBlockGas %d: want %d × %d, fitting the gas register's packing", codegen.MaxBlockGas, guest.MaxBlockInsts, heaviest)
	}
}

const base = 0x10000

// zeroLoopProgram zeroes [start, limit) with the riscv-rt loop and exits with a0 = 7.
// Its text is at textAt (read-only) and a 4 KiB data segment (0xA5 bytes) at dataAt.
func zeroLoopProgram(start, limit int64, textAt, dataAt uint64) []byte {
	p := New(textAt)
	p.LI(T1, start)
	p.LI(T2, limit)
	p.Label("loop")
	p.SD(Zero, T1, 0)
	p.ADDI(T1, T1, 8)
	p.BLTU(T1, T2, "loop")
	p.LI(A0, 7)
	p.LI(A7, 93)
	p.ECALL()
	code := p.MustFinish()
	data := make([]byte, 0x1000)
	for i := range data {
		data[i] = 0xA5
	}
	segs := []Segment{{Vaddr: textAt, Data: code, Flags: guest.PermR | guest.PermX}, {Vaddr: dataAt, Data: data, Flags: guest.PermR | guest.PermW}}
	if dataAt < textAt {
		segs[0], segs[1] = segs[1], segs[0]
	}
	return ELF(textAt, segs...)
}

// TestZeroLoop: the recognised .bss loop, run in one step by native code, ends
// exactly as running it does on the interpreter in every case: to completion, out of
// gas midway, faulting at the arena's end, below the arena or into read-only text, a
// single iteration when the pointer starts past the limit, unaligned bounds.
func TestZeroLoop(t *testing.T) {
	const arena = 8 << 20 // [0x10000, 0x810000)
	tests := []struct {
		name          string
		start, limit  int64
		textAt        uint64 // the data is at 0x20000, or at 0x10000 below text at 0x30000
		gas           int64
		minIterations uint64
	}{
		{"1 MiB of data and zero memory", 0x20000, 0x120000, base, 0, 0x20000},
		{"out of gas midway", 0x20000, 0x120000, base, 300_000, 1000},
		{"out of gas on the first iteration", 0x20000, 0x120000, base, 40, 0},
		{"runs off the arena's end", 0x700000, 0x900000, base, 0, 1000},
		{"limit far beyond memory", 0x700000, -1, base, 0, 1000},
		{"starts below the arena", 0x8000, 0x30000, base, 0, 0},
		{"runs into the read-only text", 0x10000, 0x40000, 0x30000, 0, 1000},
		{"pointer past the limit: one iteration", 0x30000, 0x20000, base, 0, 1},
		{"unaligned pointer and limit", 0x20003, 0x81235, base, 0, 1000},
		{"exactly at the minimum size", 0x20000, 0x20000 + guest.ZeroLoopMinBytes, base, 0, guest.ZeroLoopMinBytes / 8},
		{"just below the minimum size", 0x20000, 0x20000 + guest.ZeroLoopMinBytes - 8, base, 0, guest.ZeroLoopMinBytes/8 - 1},
	}
	cache := machine.NewCache(32)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dataAt := uint64(0x20000)
			if tt.textAt != base {
				dataAt = base
			}
			elf := zeroLoopProgram(tt.start, tt.limit, tt.textAt, dataAt)
			want := corpus.CheckExec(t, corpus.ExecProgram{Name: tt.name, ELF: elf, Gas: tt.gas, ArenaSize: arena}, cache)
			// The set-up is 4 to 6 instructions; each iteration retires 3.
			if want != nil && want.Instret < 3*tt.minIterations {
				t.Errorf("the loop ran too little to test anything: %+v", want)
			}
		})
	}
}

// freeRecorder is a backend whose modules record, in freed, the code size they had
// when Free was called. It measures only the modules it made, whatever other tests
// (or their pending cleanups) do to the process's code memory.
type freeRecorder struct {
	codegen.Backend
	freed chan int
}

func (b *freeRecorder) NewModule(cfg codegen.ModuleConfig) (codegen.Module, error) {
	m, err := b.Backend.NewModule(cfg)
	if err != nil {
		return nil, err
	}
	return &recordedModule{Module: m, freed: b.freed}, nil
}

type recordedModule struct {
	codegen.Module
	freed chan int
}

func (m *recordedModule) Free() {
	size := m.CodeSize()
	m.Module.Free()
	m.freed <- size
}

// TestCodeMemoryFreed: a program's executable memory is released once the program is
// unreachable (its module's Free runs, exactly once).
func TestCodeMemoryFreed(t *testing.T) {
	if !machine.NativeAvailable() {
		t.Skipf("SKIPPED: no native backend on %s", runtime.GOARCH)
	}
	prog, err := guest.LoadELF(zeroLoopProgram(0x20000, 0x21000, base, 0x20000), guest.Constraints{})
	if err != nil {
		t.Fatal(err)
	}
	code := prog.Code()
	be := &freeRecorder{Backend: amd64.New(), freed: make(chan int, 2)}
	func() {
		p, err := translate.New(code, prog.Entry, codegen.Layout{ArenaBase: base, ArenaSize: 1 << 20}, be, translate.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if err := p.CompileAll(prog.Entry); err != nil {
			t.Fatal(err)
		}
		if p.Stats().CodeBytes == 0 {
			t.Fatalf("compiling produced no code")
		}
	}()
	var size int
	freed := false
	for i := 0; i < 1000 && !freed; i++ {
		runtime.GC()
		select {
		case size = <-be.freed:
			freed = true
		case <-time.After(time.Millisecond):
		}
	}
	if !freed {
		t.Fatal("the program's code memory was not freed after it became unreachable")
	}
	if size == 0 {
		t.Errorf("the freed module had no code")
	}
	runtime.GC()
	select {
	case <-be.freed:
		t.Errorf("the module was freed twice")
	case <-time.After(10 * time.Millisecond):
	}
}

// TestSharedCacheManyGoroutines: contract scenarios run concurrently from many
// goroutines sharing one image cache (one compiled module per contract, translated
// while others run it) agree with the interpreter. Run with -race.
func TestSharedCacheManyGoroutines(t *testing.T) {
	root, err := corpus.Root()
	if err != nil {
		t.Fatal(err)
	}
	scenarios := corpus.Scenarios()[:4] // erc20, counter, fib, factory
	want := make([][]corpus.StepResult, len(scenarios))
	for i, s := range scenarios {
		if want[i], err = corpus.RunScenario(root, s, corpus.Engines()[0], machine.NewCache(8)); err != nil {
			t.Fatal(err)
		}
	}
	cache := machine.NewCache(64)
	engines := corpus.Engines()
	var wg sync.WaitGroup
	for g := 0; g < 12; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			i := g % len(scenarios)
			e := engines[g%len(engines)]
			got, err := corpus.RunScenario(root, scenarios[i], e, cache)
			if err != nil {
				t.Error(err)
				return
			}
			for j := range want[i] {
				if got[j].String() != want[i][j].String() {
					t.Errorf("%s on %s (goroutine %d), step %d:\n\tgot  %v\n\twant %v", scenarios[i].Name, e.Name, g, j, got[j], want[i][j])
				}
			}
		}(g)
	}
	wg.Wait()
}

// panicky is a backend whose modules panic in Compile, counting the calls.
type panicky struct {
	codegen.Backend
	calls int
}

func (b *panicky) NewModule(cfg codegen.ModuleConfig) (codegen.Module, error) {
	m, err := b.Backend.NewModule(cfg)
	if err != nil {
		return nil, err
	}
	return &panickyModule{Module: m, b: b}, nil
}

type panickyModule struct {
	codegen.Module
	b *panicky
}

func (m *panickyModule) Compile([]*codegen.Block) error {
	m.b.calls++
	var blocks []int
	return fmt.Errorf("unreachable %d", blocks[1]) // an index out of range, as a lowering bug would
}

// TestBackendPanicIsAnError: a panic in the backend's Compile is an error of the
// request (the host survives, the frame falls back), and the program translates
// nothing more.
func TestBackendPanicIsAnError(t *testing.T) {
	if runtime.GOARCH != "amd64" {
		t.Skipf("SKIPPED: wraps the amd64 backend; this is %s", runtime.GOARCH)
	}
	prog, err := guest.LoadELF(zeroLoopProgram(0x20000, 0x21000, base, 0x20000), guest.Constraints{})
	if err != nil {
		t.Fatal(err)
	}
	be := &panicky{Backend: amd64.New()}
	p, err := translate.New(prog.Code(), prog.Entry, codegen.Layout{ArenaBase: base, ArenaSize: 1 << 20}, be, translate.Options{})
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = p.ResolveWithin(prog.Entry, 0)
	if err == nil || !strings.Contains(err.Error(), "BUG: the amd64 backend panicked") || !strings.Contains(err.Error(), "index out of range") {
		t.Fatalf("first translation: %v", err)
	}
	if err := p.CompileAll(prog.Entry); err == nil {
		t.Fatal("a program whose backend panicked translated again")
	}
	if be.calls != 1 {
		t.Errorf("Compile called %d times, want 1", be.calls)
	}
}
