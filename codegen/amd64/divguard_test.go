package amd64

import (
	"math/rand"
	"testing"
)

// TestMagic32 checks the reciprocals divConst multiplies by against division, on
// every divisor up to 3000 and random ones, at the dividends where rounding is
// tightest (multiples of c and their neighbours near 2^31) and at random ones.
func TestMagic32(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	cs := []int64{}
	for c := int64(2); c <= 3000; c++ {
		cs = append(cs, c)
	}
	for i := 0; i < 2000; i++ {
		cs = append(cs, 2+rng.Int63n(1<<31-2))
	}
	found := 0
	for _, c := range cs {
		m, s, ok := magic32(c)
		if !ok {
			continue
		}
		found++
		top := (int64(1<<31-1) / c) * c
		xs := []int64{0, 1, c - 1, c, c + 1, top - 1, top, 1<<31 - 1, 1<<31 - 2}
		for i := 0; i < 64; i++ {
			xs = append(xs, rng.Int63n(1<<31))
		}
		for _, x := range xs {
			if x < 0 || x >= 1<<31 {
				continue
			}
			if q := (uint64(x) * uint64(m)) >> s; int64(q) != x/c {
				t.Fatalf("c=%d x=%d: got %d, want %d (M=%#x s=%d)", c, x, q, x/c, m, s)
			}
		}
	}
	if _, _, ok := magic32(5); !ok || found < 1000 {
		t.Fatalf("magic32(5) ok=%v, %d divisors with a reciprocal", ok, found)
	}
}
