package machine

import (
	"bytes"
	"errors"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/hybridvm/hybridvm/guest"
	. "github.com/hybridvm/hybridvm/internal/rvasm"
)

func needNative(t *testing.T) {
	t.Helper()
	if !NativeAvailable() {
		t.Skipf("SKIPPED: no native backend on %s: jit and aot run on the interpreter here", runtime.GOARCH)
	}
}

// TestNativeLongLoopDoesNotStarveGo: a guest looping forever in native code returns to
// Go at every budget, so with a single P another goroutine still runs and a GC still
// completes (both would wait forever otherwise); then Stop ends the guest.
func TestNativeLongLoopDoesNotStarveGo(t *testing.T) {
	needNative(t)
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
	p := New(textBase)
	p.Label("loop")
	p.ADDI(A0, A0, 1)
	p.J("loop")
	elf := ExecELF(textBase, p.MustFinish())
	for _, e := range []Engine{EngineJIT, EngineAOT} {
		var stop atomic.Bool
		done := make(chan *ExecResult)
		go func() {
			res, err := Exec(elf, ExecConfig{Engine: e, Stop: &stop})
			if err != nil {
				t.Error(err)
			}
			done <- res
		}()
		// These need the looping goroutine to give the only P back, repeatedly.
		for i := 0; i < 3; i++ {
			runtime.GC()
			ch := make(chan int)
			go func() { ch <- i }()
			<-ch
		}
		stop.Store(true)
		res := <-done
		if res == nil || !errors.Is(res.Err, ErrStopped) || res.State.X[A0] == 0 {
			t.Errorf("%v: result %+v, want stopped after running", e, res)
		}
	}
}

// TestNativeSecondRunTranslatesNothing: compiled code belongs to the cached image, so
// running the same program again (another frame) compiles nothing.
func TestNativeSecondRunTranslatesNothing(t *testing.T) {
	needNative(t)
	elf := readELF(t, "isa/rv64i.elf")
	for _, e := range []Engine{EngineJIT, EngineAOT} {
		cache := NewCache(4)
		run := func() {
			res, err := Exec(elf, ExecConfig{Engine: e, Cache: cache})
			if err != nil || !res.Exited || res.Status != 0 {
				t.Fatalf("%v: %v %+v", e, err, res)
			}
		}
		run()
		img, err := cache.Load(elf, nil, guest.Constraints{ExecArenaSize: guest.DefaultExecArenaSize}) // as Exec loads it
		if err != nil {
			t.Fatal(err)
		}
		first := img.nativeStats()
		if first.Units == 0 || first.Blocks == 0 {
			t.Fatalf("%v: nothing was translated: %+v", e, first)
		}
		run()
		if again := img.nativeStats(); again != first {
			t.Errorf("%v: the second run translated more: %+v, then %+v", e, first, again)
		}
	}
}

// TestNativeFenceIKeepsImageCode: a frame whose code changed after FENCE.I runs its
// own translations; the image's compiled code stays that of the unmodified program,
// so running it again behaves the same.
func TestNativeFenceIKeepsImageCode(t *testing.T) {
	needNative(t)
	p := New(textBase)
	p.LA(S1, "patch")
	p.LI(T0, int64(I(0x13, 0, A0, Zero, 2))) // addi a0, zero, 2
	p.SW(T0, S1, 0)
	p.JAL(RA, "patch")
	p.ADD(S2, A0, Zero)
	p.FENCEI()
	p.JAL(RA, "patch")
	p.SLLI(S2, S2, 4)
	p.ADD(A0, A0, S2)
	exitWith(p)
	p.Label("patch")
	p.ADDI(A0, Zero, 1)
	p.JALR(Zero, RA, 0)
	elf := ELF(textBase, Segment{Vaddr: textBase, Data: p.MustFinish(), Flags: 7})
	for _, e := range []Engine{EngineJIT, EngineAOT} {
		cache := NewCache(4)
		for i := 0; i < 2; i++ {
			res := runProgram(t, elf, ExecConfig{Engine: e, Cache: cache})
			if !res.Exited || res.Status != 0x12 {
				t.Errorf("%v run %d: exit %v status %#x err %v, want 0x12", e, i, res.Exited, res.Status, res.Err)
			}
		}
	}
}

// TestNativeConcurrentFrames: many goroutines run the same programs at once on every
// engine, sharing one image cache (so one compiled module per program, translated
// lazily while others run it); every run must print what the interpreter prints.
// Run it with -race.
func TestNativeConcurrentFrames(t *testing.T) {
	needNative(t)
	names := []string{"isa/rv64i.elf", "isa/rv64m.elf", "isa/rv64a.elf", "isa/rv64c.elf", "exec/hello.elf", "gas/gas.elf"}
	cache := NewCache(16)
	want := map[string]string{}
	for _, n := range names {
		var out bytes.Buffer
		res := runProgram(t, readELF(t, n), ExecConfig{Engine: EngineInterp, Stdout: &out})
		want[n] = out.String() + res.State.FaultError().Kind.String()
	}
	var wg sync.WaitGroup
	for g := 0; g < 16; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 4; i++ {
				n := names[(g+i)%len(names)]
				e := []Engine{EngineJIT, EngineAOT, EngineInterp}[(g+i)%3]
				var out bytes.Buffer
				res, err := Exec(readELF(t, n), ExecConfig{Engine: e, Cache: cache, Stdout: &out})
				if err != nil {
					t.Errorf("%s on %v: %v", n, e, err)
					return
				}
				if got := out.String() + res.State.FaultError().Kind.String(); got != want[n] {
					t.Errorf("%s on %v in goroutine %d: %q, want %q", n, e, g, got, want[n])
				}
			}
		}(g)
	}
	wg.Wait()
}

// TestNativeSelfModifyingLoop: code that rewrites itself and runs FENCE.I in a loop
// gives the same result on every engine; native frames hand over to the interpreter
// after a few retranslations instead of translating on every iteration.
func TestNativeSelfModifyingLoop(t *testing.T) {
	p := New(textBase)
	p.LA(S1, "patch")
	p.LI(S2, 20) // iterations
	p.LI(S3, 0)  // sum
	p.Label("loop")
	// Rewrite "addi a0, zero, k" with k = the iteration count, then run it.
	p.SLLI(T0, S2, 20)
	p.LI(T1, int64(I(0x13, 0, A0, Zero, 0)))
	p.ADD(T0, T0, T1)
	p.SW(T0, S1, 0)
	p.FENCEI()
	p.JAL(RA, "patch")
	p.ADD(S3, S3, A0)
	p.ADDI(S2, S2, -1)
	p.BNE(S2, Zero, "loop")
	p.ADD(A0, S3, Zero)
	exitWith(p)
	p.Label("patch")
	p.ADDI(A0, Zero, 0)
	p.JALR(Zero, RA, 0)
	elf := ELF(textBase, Segment{Vaddr: textBase, Data: p.MustFinish(), Flags: 7})
	for _, e := range []Engine{EngineInterp, EngineJIT, EngineAOT} {
		res := runProgram(t, elf, ExecConfig{Engine: e})
		if !res.Exited || res.Status != 210 { // 20 + 19 + ... + 1
			t.Errorf("%v: exit %v status %d err %v, want 210", e, res.Exited, res.Status, res.Err)
		}
	}
}
