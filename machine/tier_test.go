package machine

import (
	"fmt"
	"testing"
	"time"

	"github.com/hybridvm/hybridvm/guest"

	. "github.com/hybridvm/hybridvm/internal/rvasm"
)

// TestTieredSwitchesToNative: a tiered frame starts on the interpreter, its hot loop
// is translated in the background, and it ends in native code with the interpreter's
// exact result, gas and instruction count.
func TestTieredSwitchesToNative(t *testing.T) {
	if !NativeAvailable() {
		t.Skip("SKIPPED: no native backend on this architecture")
	}
	p := New(textBase)
	p.LI(A0, 0)
	p.LI(T1, 3_000_000)
	p.Label("loop")
	p.ADDI(A0, A0, 3)
	p.ADDI(T1, T1, -1)
	p.BNE(T1, Zero, "loop")
	p.Emit(I(0x13, 7, A0, A0, 0xff)) // andi
	p.LI(A7, 93)
	p.ECALL()
	elf := ExecELF(textBase, p.MustFinish())
	want := runProgram(t, elf, ExecConfig{Engine: EngineInterp})
	cache := NewCache(4)
	var native bool
	// The background worker may be slow to start on a loaded machine: retry a few
	// times, each run a fresh frame on the same (cached) image.
	for try := 0; try < 20 && !native; try++ {
		got := runProgram(t, elf, ExecConfig{Engine: EngineTiered, Cache: cache, Inspect: func(f *Frame) {
			native = f.native.prog != nil
		}})
		if got.Status != want.Status || got.GasUsed != want.GasUsed || got.Instret != want.Instret || got.State.X != want.State.X {
			t.Fatalf("tiered: status %d gas %d instret %d, interpreter %d %d %d", got.Status, got.GasUsed, got.Instret, want.Status, want.GasUsed, want.Instret)
		}
		if !native {
			time.Sleep(10 * time.Millisecond)
		}
	}
	if !native {
		t.Fatal("the tiered frame never ran native code")
	}
	if s := cache.Stats(); s.Native.Insts == 0 {
		t.Errorf("nothing translated: %+v", s)
	}
}

// TestTieredTranslatesWhatRan: the worker translates the blocks that ran on the
// interpreter, in one unit, and not their static neighbours that never ran (a
// 200-instruction block behind a branch never taken, which a JIT unit would take).
func TestTieredTranslatesWhatRan(t *testing.T) {
	if !NativeAvailable() {
		t.Skip("SKIPPED: no native backend on this architecture")
	}
	p := New(textBase)
	p.LI(A0, 0)
	p.LI(T1, 3_000_000)
	p.Label("loop")
	p.ADDI(A0, A0, 3)
	p.BLT(A0, Zero, "cold") // never taken
	p.ADDI(T1, T1, -1)
	p.BNE(T1, Zero, "loop")
	p.Emit(I(0x13, 7, A0, A0, 0xff)) // andi
	p.LI(A7, 93)
	p.ECALL()
	p.Label("cold")
	for i := range 199 {
		p.ADDI(A1, A1, int64(i))
	}
	p.J("loop")
	elf := ExecELF(textBase, p.MustFinish())
	want := runProgram(t, elf, ExecConfig{Engine: EngineInterp})
	cache := NewCache(4)
	defer cache.Purge()
	var native bool
	for try := 0; try < 20 && !native; try++ {
		got := runProgram(t, elf, ExecConfig{Engine: EngineTiered, Cache: cache, Inspect: func(f *Frame) {
			native = f.native.prog != nil
		}})
		if got.Status != want.Status || got.GasUsed != want.GasUsed || got.Instret != want.Instret {
			t.Fatalf("tiered: status %d gas %d instret %d, interpreter %d %d %d", got.Status, got.GasUsed, got.Instret, want.Status, want.GasUsed, want.Instret)
		}
		if !native {
			time.Sleep(10 * time.Millisecond)
		}
	}
	if !native {
		t.Fatal("the tiered frame never ran native code")
	}
	if s := cache.Stats().Native; s.Insts == 0 || s.Insts >= 100 {
		t.Errorf("translated %d instructions in %d units; the program ran fewer than 20 (the cold block has 200)", s.Insts, s.Units)
	}
}

// TestTieredFrameNeverWaits: while a worker holds the image's native cache (setting its
// module up, or loading it from disk), a tiered frame runs on the interpreter to the
// end, and loading another program into the cache (which may evict, counting native
// code) does not wait for it either.
func TestTieredFrameNeverWaits(t *testing.T) {
	if !NativeAvailable() {
		t.Skip("SKIPPED: no native backend on this architecture")
	}
	p := New(textBase)
	p.LI(T1, 200_000)
	p.Label("loop")
	p.ADDI(T1, T1, -1)
	p.BNE(T1, Zero, "loop")
	p.LI(A0, 7)
	p.LI(A7, 93)
	p.ECALL()
	elf := ExecELF(textBase, p.MustFinish())
	cache := NewCache(1) // a second program evicts the first
	defer cache.Purge()
	cons := guest.Constraints{ExecArenaSize: guest.DefaultExecArenaSize}
	img, err := cache.Load(elf, nil, cons)
	if err != nil {
		t.Fatal(err)
	}
	defer img.Release()
	resume := holdWorkers(img)
	defer func() {
		if resume != nil {
			resume()
		}
	}()
	done := make(chan error, 1)
	go func() {
		res, err := Exec(elf, ExecConfig{Engine: EngineTiered, Cache: cache})
		if err == nil && res.Status != 7 {
			err = fmt.Errorf("status %d, want 7", res.Status)
		}
		if err == nil {
			other := New(textBase)
			other.LI(A7, 93)
			other.ECALL()
			var img2 *Image
			if img2, err = cache.Load(ExecELF(textBase, other.MustFinish()), nil, cons); err == nil {
				img2.Release()
			}
		}
		done <- err
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(20 * time.Second):
		resume()
		resume = nil
		<-done
		t.Fatal("the tiered frame (or the cache) waited for the image's native cache")
	}
}
