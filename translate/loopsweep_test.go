package translate_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/hybridvm/hybridvm/guest"
	"github.com/hybridvm/hybridvm/internal/corpus"
	. "github.com/hybridvm/hybridvm/internal/rvasm"
	"github.com/hybridvm/hybridvm/machine"
)

// loopLayout picks where a loop sweep's program lives: the arena from org, two times
// in three at base and else at 2^31 (the contract layout's arena base, where arena
// offsets are not an address's low 32 bits), its data at org+0x20000.
func loopLayout(rng *rand.Rand, arenaSize int64) (org, data, arenaEnd int64) {
	org = base
	if rng.IntN(3) == 0 {
		org = 1 << 31
	}
	return org, org + 0x20000, org + arenaSize
}

// checkLoopSweep links the loop sweeps' program p (its text at org+0x10000, a small
// writable segment at org putting the arena at [org, org+arenaSize), 4 KiB of random
// bytes at data) and runs it on every engine against the interpreter with gas: a third
// of the time under a small instruction budget, half the time with metered memory
// growth and twice the gas, one time in oneIn with so little gas that it runs out in
// the loop. It ends the sweep at the first disagreement, naming the seed.
func checkLoopSweep(t *testing.T, rng *rand.Rand, cache *machine.Cache, p *Program, org, data, arenaSize int64,
	name string, seed int64, i int, gas int64, oneIn int) {
	t.Helper()
	low := Segment{Vaddr: uint64(org), Data: make([]byte, 64), Flags: guest.PermR | guest.PermW}
	text := Segment{Vaddr: uint64(org) + 0x10000, Data: p.MustFinish(), Flags: guest.PermR | guest.PermX}
	high := Segment{Vaddr: uint64(data), Data: make([]byte, 4096), Flags: guest.PermR | guest.PermW}
	for j := range high.Data {
		high.Data[j] = byte(rng.Uint32())
	}
	prog := corpus.ExecProgram{Name: fmt.Sprintf("%s-%d-%d", name, seed, i), ELF: ELF(text.Vaddr, low, text, high),
		ArenaSize: uint64(arenaSize), Gas: gas}
	if rng.IntN(3) == 0 {
		prog.Budget = uint64(5 + rng.IntN(60))
	}
	if rng.IntN(2) == 0 {
		prog.PageGas, prog.Gas = guest.ContractPageGas, 2*gas
	}
	if rng.IntN(oneIn) == 0 {
		prog.Gas = int64(40 + rng.IntN(600)) // out of gas in the loop, likely at its back edge
	}
	if corpus.CheckExec(t, prog, cache); t.Failed() {
		t.Fatalf("program %d of seed %d disagrees (HYBRIDVM_SWEEP_SEED=%d reproduces it)", i, seed, seed)
	}
}
