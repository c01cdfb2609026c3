package riscv

import (
	"math/rand"
	"testing"
)

// TestDecodeIntoMatchesDecode: DecodeInto writes what Decode returns, for every
// 16-bit encoding and many random 32-bit ones (whatever the slot held before).
func TestDecodeIntoMatchesDecode(t *testing.T) {
	check := func(raw uint32) {
		in := Inst{Op: OpADD, Rd: 9, Imm: -1, CSR: 7, AqRl: 3}
		DecodeInto(&in, raw)
		if want := Decode(raw); in != want {
			t.Fatalf("%#x: DecodeInto %+v, Decode %+v", raw, in, want)
		}
	}
	for raw := uint32(0); raw < 1<<16; raw++ {
		check(raw)
		check(raw | 0xabcd0000)
	}
	rng := rand.New(rand.NewSource(1))
	for i := 0; i < 1<<20; i++ {
		check(rng.Uint32() | 3)
	}
}
