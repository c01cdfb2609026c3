package translate_test

import (
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/hybridvm/hybridvm/internal/corpus"
	"github.com/hybridvm/hybridvm/machine"
)

// FuzzNativeVsInterp is the differential fuzzer: a random RV64IMAC program (built from
// the input by corpus.RandomProgram: ALU, W forms, division by zero and overflow,
// shifts by 0/31/32/63, loads and stores at the arena's edges and into read-only
// text, atomics, CSRs, compressed forms, branches, loops, indirect jumps, raw words,
// x0 writes) must end identically on every engine: exit, registers, pc, memory, gas,
// instruction count. What it (or the corpus) finds becomes a named program in
// TestRegressions.
func FuzzNativeVsInterp(f *testing.F) {
	for _, p := range [][]byte{
		{}, {0}, []byte("hybridvm"), []byte("\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f"),
	} {
		f.Add(p)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		corpus.CheckExec(t, corpus.RandomProgram(data), machine.NewCache(4))
	})
}

// TestNativeVsInterpSweep is FuzzNativeVsInterp without Go's fuzzing engine, which
// cannot start its workers where the test binary runs under an emulator (the arm64
// build under qemu-aarch64-static): HYBRIDVM_SWEEP random programs (default 20) from a
// fresh seed, logged so that HYBRIDVM_SWEEP_SEED=N replays a failure, each run on every
// engine. The test command runs it with more programs on arm64.
func TestNativeVsInterpSweep(t *testing.T) {
	n, seed := sweepParams(t, 20)
	rng := rand.New(rand.NewPCG(uint64(seed), 0))
	cache := machine.NewCache(16)
	for i := 0; i < n; i++ {
		data := make([]byte, 64+rng.IntN(2048))
		for j := range data {
			data[j] = byte(rng.Uint32())
		}
		p := corpus.RandomProgram(data)
		p.Name = fmt.Sprintf("sweep-%d-%d", seed, i)
		if corpus.CheckExec(t, p, cache); t.Failed() {
			t.Fatalf("program %d of seed %d disagrees (HYBRIDVM_SWEEP_SEED=%d reproduces it)", i, seed, seed)
		}
	}
}

// sweepParams returns a random sweep's number of programs (HYBRIDVM_SWEEP, else
// def) and its seed (HYBRIDVM_SWEEP_SEED, else a fresh one), logged so that a
// failure can be replayed.
func sweepParams(t *testing.T, def int) (int, int64) {
	n := def
	if v, err := strconv.Atoi(os.Getenv("HYBRIDVM_SWEEP")); err == nil && v > 0 {
		n = v
	}
	seed := time.Now().UnixNano()
	if v, err := strconv.ParseInt(os.Getenv("HYBRIDVM_SWEEP_SEED"), 10, 64); err == nil {
		seed = v
	}
	t.Logf("HYBRIDVM_SWEEP_SEED=%d, %d programs", seed, n)
	return n, seed
}

// sweepValues returns a generator of register values for a sweep: one of values
// (the edge cases) one time in oneIn, else random bits of random magnitude.
func sweepValues(rng *rand.Rand, values []int64, oneIn int) func() int64 {
	return func() int64 {
		if rng.IntN(oneIn) == 0 {
			return values[rng.IntN(len(values))]
		}
		return int64(rng.Uint64() >> rng.IntN(64))
	}
}
