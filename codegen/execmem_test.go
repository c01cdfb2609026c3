package codegen

import (
	"bytes"
	"errors"
	"os"
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"
)

// mappings counts the process's memory mappings.
func mappings(t *testing.T) int {
	t.Helper()
	b, err := os.ReadFile("/proc/self/maps")
	if err != nil {
		t.Skipf("no /proc/self/maps: %v", err)
	}
	return bytes.Count(b, []byte("\n"))
}

// TestExecMemSharesMappings: thousands of units cost a few mappings, not two each, and
// freed pages are reused.
func TestExecMemSharesMappings(t *testing.T) {
	before := mappings(t)
	code := bytes.Repeat([]byte{0x90}, 5000) // two pages of NOPs
	var mems []*ExecMem
	for i := 0; i < 3000; i++ {
		m, err := NewExecMem(code, 24, func(cb, db uintptr, c, d []byte) {
			c[0] = byte(i)
			d[0] = byte(i >> 8)
		})
		if err != nil {
			t.Fatal(err)
		}
		mems = append(mems, m)
	}
	if got := mappings(t) - before; got > 20 {
		t.Errorf("3000 units added %d mappings, want a few per region", got)
	}
	for i, m := range mems {
		got := m.r.mem[m.code.off]
		if got != byte(i) || m.DataWords(1)[0]&0xff != uintptr(byte(i>>8)) {
			t.Fatalf("unit %d: code %#x data %#x", i, got, m.DataWords(1)[0])
		}
	}
	liveAll := LiveBytes()
	for _, m := range mems {
		m.Free()
	}
	if LiveBytes() > liveAll-int64(3000*(8192+pageSize)) {
		t.Errorf("live bytes %d after freeing 3000 units (was %d)", LiveBytes(), liveAll)
	}
	// Freed pages are reused: the same work again maps no more regions.
	regions := Regions()
	for i := 0; i < 3000; i++ {
		m, err := NewExecMem(code, 8, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer m.Free()
	}
	if Regions() > regions+1 {
		t.Errorf("regions grew from %d to %d although the pages were freed", regions, Regions())
	}
}

// TestExecMemLimit: an allocation past the limit fails with ErrLimit and maps nothing.
func TestExecMemLimit(t *testing.T) {
	old := SetLimit(LiveBytes() + 64<<10)
	defer SetLimit(old)
	code := make([]byte, 16<<10)
	var mems []*ExecMem
	defer func() {
		for _, m := range mems {
			m.Free()
		}
	}()
	for i := 0; ; i++ {
		m, err := NewExecMem(code, 8, nil)
		if err != nil {
			if !errors.Is(err, ErrLimit) {
				t.Fatalf("unit %d: %v, want ErrLimit", i, err)
			}
			if i == 0 || i > 4 {
				t.Fatalf("limit hit after %d units of 20 KiB, want 1 to 4 within 64 KiB", i)
			}
			break
		}
		mems = append(mems, m)
	}
}

// TestExecMemLargeUnit: a unit larger than a region gets a region of its own, which is
// unmapped when the unit is freed.
func TestExecMemLargeUnit(t *testing.T) {
	before := MappedBytes()
	m, err := NewExecMem(make([]byte, regionSize+1), 8, nil)
	if err != nil {
		t.Fatal(err)
	}
	if MappedBytes()-before < regionSize {
		t.Fatalf("mapped %d bytes for a %d-byte unit", MappedBytes()-before, regionSize+1)
	}
	m.Free()
	if MappedBytes() != before {
		t.Errorf("mapped bytes %d after freeing the large unit, want %d", MappedBytes(), before)
	}
}

func TestFreeList(t *testing.T) {
	free := []extent{{0, 10 * 4096}}
	a, _ := take(&free, 4096)
	b, _ := take(&free, 2*4096)
	c, _ := take(&free, 4096)
	give(&free, extent{b, 2 * 4096})
	if d, _ := take(&free, 2*4096); d != b {
		t.Fatalf("first fit took %d, want the freed %d", d, b)
	}
	give(&free, extent{b, 2 * 4096})
	give(&free, extent{a, 4096})
	give(&free, extent{c, 4096})
	if len(free) != 1 || free[0] != (extent{0, 10 * 4096}) {
		t.Fatalf("free list %v after freeing everything, want one extent", free)
	}
}

// resident reports whether the page at b[0] is in memory.
func resident(t *testing.T, b []byte) bool {
	t.Helper()
	var vec [1]byte
	if _, _, errno := unix.Syscall(unix.SYS_MINCORE, uintptr(unsafe.Pointer(&b[0])), uintptr(pageSize), uintptr(unsafe.Pointer(&vec[0]))); errno != 0 {
		t.Fatalf("mincore: %v", errno)
	}
	return vec[0]&1 != 0
}

// TestFreedSmallUnitStaysWarm: a small unit's pages stay resident when it is freed,
// and the next unit that fits takes them, its data cleared; a unit beyond warmUnit is
// dropped as before.
func TestFreedSmallUnitStaysWarm(t *testing.T) {
	code := bytes.Repeat([]byte{0x90}, 5000)
	m, err := NewExecMem(code, 16, func(cb, db uintptr, c, d []byte) { d[0] = 0xAA })
	if err != nil {
		t.Fatal(err)
	}
	r, off, data := m.r, m.code.off, m.Data()
	live := LiveBytes()
	m.Free()
	if LiveBytes() != live-int64(3*pageSize) {
		t.Errorf("live bytes %d after freeing a 3-page unit, want %d", LiveBytes(), live-int64(3*pageSize))
	}
	if !resident(t, r.mem[off:]) {
		t.Error("a small freed unit's code pages were dropped")
	}
	var seen byte = 0xFF
	n, err := NewExecMem(code[:100], 8, func(cb, db uintptr, c, d []byte) { seen = d[0] })
	if err != nil {
		t.Fatal(err)
	}
	defer n.Free()
	if n.Data() != data || seen != 0 {
		t.Errorf("the next unit's data at %#x (the freed one's at %#x) reads %#x, want the warm pages, cleared", n.Data(), data, seen)
	}
	big, err := NewExecMem(make([]byte, warmUnit), 8, nil)
	if err != nil {
		t.Fatal(err)
	}
	br, boff := big.r, big.code.off
	big.Free()
	if resident(t, br.mem[boff:]) {
		t.Error("a large freed unit's code pages stayed resident")
	}
}
