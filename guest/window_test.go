package guest

import "testing"

// TestGrowWindow pins the memory-growth rule (docs/abi.md, "Memory growth") that every
// engine implements: windows per side of the read-only range, page-granular, clamped to
// the side, charged per new page.
func TestGrowWindow(t *testing.T) {
	const ro, rn, size = 0x30_0000, 0x1800, 0x100_0000 // read-only [3 MiB, 3 MiB + 6 KiB)
	st := State{ArenaSize: size, ROStart: ro, ROSize: rn, PageGas: 512}
	st.EmptyStoreWindows()
	steps := []struct {
		off, w     uint64
		gas        int64
		side       int
		lo, hi8    uint64
		pagesAfter uint64
	}{
		{ro - 8, 8, 512, 0, ro - 4096, ro - 8, 1},                 // the stack's first page
		{ro - 16, 8, 0, 0, ro - 4096, ro - 8, 1},                  // same page: free
		{ro - 4097, 2, 512, 0, ro - 2*4096, ro - 8, 2},            // straddles into one new page below
		{ro + rn, 1, 512, 1, ro + rn, ro + 0x2000 - 8, 1},         // clamped to the side's start
		{ro + 0x5000, 8, 4 * 512, 1, ro + rn, ro + 0x6000 - 8, 5}, // the gap is paid for
		{size - 8, 8, int64((size-ro-0x1000)/4096-5) * 512, 1, ro + rn, size - 8, (size - ro - 0x1000) / 4096},
	}
	for i, s := range steps {
		if got := st.GrowWindow(s.off, s.w); got != s.gas {
			t.Errorf("step %d: charged %d, want %d", i, got, s.gas)
		}
		if st.StoreWinLo[s.side] != s.lo || st.StoreWinHi8[s.side] != s.hi8 || st.WinPages[s.side] != s.pagesAfter {
			t.Errorf("step %d: window %d = [%#x, %#x] %d pages, want [%#x, %#x] %d", i, s.side,
				st.StoreWinLo[s.side], st.StoreWinHi8[s.side], st.WinPages[s.side], s.lo, s.hi8, s.pagesAfter)
		}
	}
	// Without a read-only range the whole arena is one side; without PageGas nothing
	// is charged but the window still grows.
	st = State{ArenaSize: size}
	st.EmptyStoreWindows()
	if got := st.GrowWindow(0x1234, 4); got != 0 || st.StoreWinLo[1] != 0x1000 || st.StoreWinHi8[1] != 0x2000-8 {
		t.Errorf("unmetered: charged %d, window [%#x, %#x]", got, st.StoreWinLo[1], st.StoreWinHi8[1])
	}
	// A side too small for a doubleword keeps no window and costs nothing.
	st = State{ArenaSize: size, ROStart: 4, ROSize: 4096, PageGas: 512}
	st.EmptyStoreWindows()
	if got := st.GrowWindow(0, 4); got != 0 || st.StoreWinLo[0] <= st.StoreWinHi8[0] {
		t.Errorf("tiny side: charged %d, window [%#x, %#x]", got, st.StoreWinLo[0], st.StoreWinHi8[0])
	}
}

func TestLoadedPages(t *testing.T) {
	p := &Program{Segments: []Segment{
		{Vaddr: 0x1000, Data: make([]byte, 0x10)},   // page 1
		{Vaddr: 0x1800, Data: make([]byte, 0x1000)}, // pages 1 (shared) and 2
		{Vaddr: 0x5000, Memsz: 0x9000},              // bss only: nothing loaded
		{Vaddr: 0x8ff0, Data: make([]byte, 0x20)},   // pages 8 and 9
	}}
	if got := p.LoadedPages(); got != 4 {
		t.Errorf("LoadedPages = %d, want 4", got)
	}
}
