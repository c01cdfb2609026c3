package machine

import (
	"testing"
	"time"

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
