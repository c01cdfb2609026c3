package machine

import (
	"os"
	"testing"

	"github.com/hybridvm/hybridvm/codecache"
	"github.com/hybridvm/hybridvm/guest"
)

// BenchmarkDiskLoad measures loading the ERC20's contract-layout native program from
// a warm on-disk code cache into a fresh image cache (read, checksum, map, link).
func BenchmarkDiskLoad(b *testing.B) {
	if !NativeAvailable() {
		b.Skip("no native backend")
	}
	elf, err := os.ReadFile("../examples/erc20/erc20.runtime.elf")
	if err != nil {
		b.Fatal(err)
	}
	d, err := codecache.Open(b.TempDir(), nil)
	if err != nil {
		b.Fatal(err)
	}
	load := func() *Cache {
		c := NewCache(2)
		c.SetDisk(d)
		img, err := c.Load(elf, nil, guest.ContractConstraints)
		if err != nil {
			b.Fatal(err)
		}
		if err := img.CompileContract(); err != nil {
			b.Fatal(err)
		}
		img.Release()
		return c
	}
	load().Purge()
	b.ResetTimer()
	for range b.N {
		c := load()
		b.StopTimer()
		if n := c.Stats().Native; n.Insts != 0 {
			b.Fatalf("translated %d instructions", n.Insts)
		}
		c.Purge()
		b.StartTimer()
	}
}
