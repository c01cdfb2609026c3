package machine

import (
	"math/rand"
	"testing"

	"github.com/hybridvm/hybridvm/guest"
	. "github.com/hybridvm/hybridvm/internal/rvasm"
)

// nopTracer makes the interpreter run traced, which executes the zeroing loop block by
// block: the reference the one-step guest.ZeroLoop.Run must match.
type nopTracer struct{}

func (nopTracer) Block(*guest.Code, uint64, int, int64) {}

// zeroLoopELF: p = start, limit = limit, then the riscv-rt zeroing loop, then exit(0).
// The program has a read-only text segment at 0x10000 and a writable data segment at
// 0x20000 of 1 MiB filled with 0xAA.
func zeroLoopELF(start, limit int64) []byte {
	p := New(textBase)
	p.LI(A0, start)
	p.LI(A1, limit)
	p.Label("loop")
	p.SD(Zero, A0, 0)
	p.ADDI(A0, A0, 8)
	p.BLTU(A0, A1, "loop")
	p.LI(A0, 0)
	exitWith(p)
	data := make([]byte, 1<<20)
	for i := range data {
		data[i] = 0xAA
	}
	return ExecELF(textBase, p.MustFinish(), Segment{Vaddr: 0x20000, Data: data, Flags: 6})
}

// TestZeroLoopMatchesBlockByBlock runs the zeroing loop in one step and block by block,
// with gas limits that stop it anywhere, stores that run into read-only memory or off
// the arena, and checks registers, pc, gas, instruction count, exit and memory agree.
func TestZeroLoopMatchesBlockByBlock(t *testing.T) {
	rng := rand.New(rand.NewSource(5))
	cases := []struct {
		name         string
		start, limit int64
	}{
		{"a megabyte of data", 0x20000, 0x20000 + 1<<20},
		{"unaligned start", 0x20003, 0x20003 + 40000},
		{"limit below start runs once", 0x30000, 0x20000},
		{"into the read-only text", 0x10000 - 0x8000 + 0x8000, 0x20000},
		{"off the arena's end", textBase + 1<<30 - 0x4000, textBase + 1<<30 + 0x4000},
		{"below the arena", 0x1000, 0x9000},
	}
	for _, c := range cases {
		elf := zeroLoopELF(c.start, c.limit)
		gases := []int64{0}
		for i := 0; i < 5; i++ {
			gases = append(gases, 20+rng.Int63n(700_000))
		}
		for _, gas := range gases {
			var want, got *ExecResult
			var wantMem, gotMem uint64
			for i, tr := range []Tracer{nopTracer{}, nil} {
				res, digest := execDigest(t, elf, ExecConfig{Engine: EngineInterp, Gas: gas, Tracer: tr})
				if i == 0 {
					want, wantMem = res, digest
				} else {
					got, gotMem = res, digest
				}
			}
			if got.State.X != want.State.X || got.State.PC != want.State.PC || got.Instret != want.Instret ||
				got.GasUsed != want.GasUsed || got.Exited != want.Exited || errString(got.Err) != errString(want.Err) || gotMem != wantMem {
				t.Errorf("%s, gas %d: one step gives pc %#x instret %d gas %d err %v mem %x; block by block pc %#x instret %d gas %d err %v mem %x",
					c.name, gas, got.State.PC, got.Instret, got.GasUsed, got.Err, gotMem, want.State.PC, want.Instret, want.GasUsed, want.Err, wantMem)
			}
		}
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// execDigest runs elf and returns the result with a digest of the data segment.
func execDigest(t *testing.T, elf []byte, cfg ExecConfig) (*ExecResult, uint64) {
	t.Helper()
	var h uint64 = 14695981039346656037
	cfg.Inspect = func(f *Frame) {
		data, _ := f.Arena.Slice(0x20000, 1<<20)
		for _, b := range data {
			h = (h ^ uint64(b)) * 1099511628211
		}
	}
	res, err := Exec(elf, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return res, h
}
