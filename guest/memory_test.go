package guest

import (
	"bytes"
	"testing"
)

func TestArenaBoundsAndProtection(t *testing.T) {
	a, err := NewArena(ContractBase, ContractArenaSize)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Release()
	a.Protect(StackTop, 0x1000)
	tests := []struct {
		name     string
		addr, n  uint64
		ok, wrOK bool
	}{
		{"first byte", ContractBase, 1, true, true},
		{"last byte", ContractBase + ContractArenaSize - 1, 1, true, true},
		{"past the end", ContractBase + ContractArenaSize - 1, 2, false, false},
		{"below the base", ContractBase - 1, 1, false, false},
		{"wrapping length", ContractBase + 8, ^uint64(0), false, false},
		{"zero address", 0, 8, false, false},
		{"inside the read-only range", StackTop + 8, 8, true, false},
		{"straddling the read-only start", StackTop - 4, 8, true, false},
		{"just before the read-only range", StackTop - 8, 8, true, true},
		{"just after the read-only range", StackTop + 0x1000, 8, true, true},
	}
	for _, tt := range tests {
		if _, ok := a.Slice(tt.addr, tt.n); ok != tt.ok {
			t.Errorf("%s: Slice ok = %v, want %v", tt.name, ok, tt.ok)
		}
		if _, ok := a.WritableSlice(tt.addr, tt.n); ok != tt.wrOK {
			t.Errorf("%s: WritableSlice ok = %v, want %v", tt.name, ok, tt.wrOK)
		}
	}
}

// TestArenaReleaseZeroes: a pooled arena comes back zeroed, whether the writes were
// spread wide (reset by MADV_DONTNEED) or close together (reset by memclr), recorded by
// the host or by the guest's stores through State's store windows.
func TestArenaReleaseZeroes(t *testing.T) {
	for i := 0; i < 3; i++ {
		a, err := NewArena(0x10000, 1<<24)
		if err != nil {
			t.Fatal(err)
		}
		for _, off := range []uint64{0, 4095, 1 << 20, 1<<24 - 8} {
			b, _ := a.Slice(0x10000+off, 8)
			if !bytes.Equal(b, make([]byte, 8)) {
				t.Fatalf("round %d: arena not zero at %#x: %x", i, off, b)
			}
			if err := a.Write(0x10000+off, []byte("dirtyyy!")); err != nil {
				t.Fatal(err)
			}
		}
		a.Release()
	}
}

func TestNewArenaRejects(t *testing.T) {
	for _, c := range []struct{ base, size uint64 }{{0, 0}, {0, 100}, {0, 1 << 40}, {^uint64(0) - 4095, 1 << 20}} {
		if a, err := NewArena(c.base, c.size); err == nil {
			a.Release()
			t.Errorf("NewArena(%#x, %#x) succeeded", c.base, c.size)
		}
	}
}

func TestArenaReleaseResetsGuestStores(t *testing.T) {
	for _, span := range []uint64{64, 100 << 10, 4 << 20} {
		a, err := NewArena(ContractBase, ContractArenaSize)
		if err != nil {
			t.Fatal(err)
		}
		var st State
		a.Bind(&st)
		// A guest store at both ends of the span, recorded as an engine records it.
		lo := uint64(StackTop - ContractBase - 8)
		for _, off := range []uint64{lo, lo + span - 8} {
			copy(a.Bytes()[off:], "guest!!!")
			st.GrowWindow(off, 8)
		}
		a.MergeDirty(&st)
		a.Release()
		b, err := NewArena(ContractBase, ContractArenaSize)
		if err != nil {
			t.Fatal(err)
		}
		for _, off := range []uint64{lo, lo + span - 8} {
			if got := b.Bytes()[off : off+8]; !bytes.Equal(got, make([]byte, 8)) {
				t.Errorf("span %d: offset %#x not reset: %q", span, off, got)
			}
		}
		b.Release()
	}
}

// TestArenaDoubleRelease: releasing twice must not put one arena in the pool twice.
func TestArenaDoubleRelease(t *testing.T) {
	a, err := NewArena(0x10000, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	a.Release()
	a.Release()
	b, _ := NewArena(0x10000, 1<<20)
	c, _ := NewArena(0x10000, 1<<20)
	if b == c {
		t.Fatal("two live arenas share one mapping")
	}
	b.Release()
	c.Release()
}
