package machine

import (
	"os"
	"testing"

	"github.com/ethereum/go-ethereum/crypto"

	"github.com/hybridvm/hybridvm/guest"
	. "github.com/hybridvm/hybridvm/internal/rvasm"
	"github.com/hybridvm/hybridvm/translate"
)

// BenchmarkEcallRoundTrip: one ECALL from native code to Go and back: the exit
// sequence, the exit loop returning guest.ExitEcall to its caller, a trivial handler,
// and re-entry through the trampoline and the dispatch table. Reported as ns/ecall
// (the interpreter's round trip beside it).
func BenchmarkEcallRoundTrip(b *testing.B) {
	p := New(textBase)
	p.Label("loop")
	p.ECALL()
	p.J("loop")
	elf := ExecELF(textBase, p.MustFinish())
	for _, e := range []Engine{EngineJIT, EngineInterp} {
		if e != EngineInterp && !NativeAvailable() {
			continue
		}
		b.Run(e.String(), func(b *testing.B) {
			img := mustImage(b, elf, NewCache(2))
			arena := mustArena(b, img, 1<<20)
			f := NewFrame(img, arena, e)
			defer f.Release()
			f.St.Gas = 1 << 62
			if f.Run() != guest.ExitEcall { // translate before timing
				b.Fatal("no ecall")
			}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if f.Run() != guest.ExitEcall {
					b.Fatalf("exit %v", f.St.Exit)
				}
				f.St.X[A0]++ // the "syscall"
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N), "ns/ecall")
		})
	}
}

// BenchmarkEnterContract: what entering a RISC-V contract call costs in machine,
// with the ERC20 example's runtime ELF and the contract memory map: the cached image,
// an arena from the pool, the segments and 68 bytes of calldata copied in, a frame,
// native code run up to the contract's first system call, and the arena reset. (The
// ERC20 transfer end to end, system calls and state included, is
// BenchmarkERC20Transfer in the root package.)
func BenchmarkEnterContract(b *testing.B) {
	elf, err := os.ReadFile("../examples/erc20/erc20.runtime.elf")
	if err != nil {
		b.Fatal(err)
	}
	cache := NewCache(4)
	hash := crypto.Keccak256Hash(elf) // the runtime knows the code hash from the state
	calldata := make([]byte, 8+68)
	calldata[0] = 68
	for _, e := range []Engine{EngineJIT, EngineAOT, EngineInterp} {
		if e != EngineInterp && !NativeAvailable() {
			continue
		}
		b.Run(e.String(), func(b *testing.B) {
			enter := func() {
				img, err := cache.Load(elf, (*[32]byte)(&hash), guest.ContractConstraints)
				if err != nil {
					b.Fatal(err)
				}
				arena, err := guest.NewArena(guest.ContractBase, guest.ContractArenaSize)
				if err != nil {
					b.Fatal(err)
				}
				if err := img.Load(arena); err != nil {
					b.Fatal(err)
				}
				if err := arena.Write(guest.ContractBase, calldata); err != nil {
					b.Fatal(err)
				}
				f := NewFrame(img, arena, e)
				f.St.Gas = 1_000_000
				if exit := f.Run(); exit != guest.ExitEcall {
					b.Fatalf("exit %v", exit)
				}
				f.Release()
				img.Release()
			}
			enter() // translate before timing
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				enter()
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N), "ns/enter")
		})
	}
}

func mustImage(b *testing.B, elf []byte, c *Cache) *Image {
	img, err := c.Load(elf, nil, guest.Constraints{})
	if err != nil {
		b.Fatal(err)
	}
	return img
}

func mustArena(b *testing.B, img *Image, size uint64) *guest.Arena {
	base, err := img.Program.ExecArena(size)
	if err != nil {
		b.Fatal(err)
	}
	a, err := guest.NewArena(base, size)
	if err != nil {
		b.Fatal(err)
	}
	if err := img.Load(a); err != nil {
		b.Fatal(err)
	}
	return a
}

// BenchmarkChaining measures how blocks are linked: aot (the whole program one unit,
// every static edge a direct jump), jit (units of up to 64 blocks: direct jumps inside
// a unit, jump slots — an indirect JMP through a read-write word — between units) and
// jit1 (one block per unit: every edge through a slot). Reported in MIPS; returns go
// through the dispatch table in all three.
func BenchmarkChaining(b *testing.B) {
	if !NativeAvailable() {
		b.Skip("no native backend")
	}
	for _, k := range []string{"fib", "branchy", "sha256"} {
		elf, err := os.ReadFile("../bench/kernels/" + k + ".elf")
		if err != nil {
			b.Fatal(err)
		}
		for _, c := range []struct {
			name   string
			engine Engine
			unit   int
		}{{"aot", EngineAOT, 0}, {"jit", EngineJIT, 0}, {"jit1", EngineJIT, 1}} {
			b.Run(k+"/"+c.name, func(b *testing.B) {
				cache := NewCache(2)
				var instret uint64
				for i := 0; i < b.N; i++ {
					img := mustImage(b, elf, cache)
					arena := mustArena(b, img, guest.DefaultExecArenaSize)
					f := NewFrame(img, arena, c.engine)
					f.SetNativeOptions(translate.Options{UnitBlocks: c.unit})
					f.St.Gas = 1 << 62
					f.St.X[2] = (arena.Base + arena.Size) &^ 15
					for f.Run() == guest.ExitEcall && f.St.X[17] != 93 {
						f.St.X[10] = f.St.X[12] // write: all bytes written
					}
					instret += f.St.Instret
					f.Release()
				}
				b.ReportMetric(float64(instret)/b.Elapsed().Seconds()/1e6, "MIPS")
			})
		}
	}
}
