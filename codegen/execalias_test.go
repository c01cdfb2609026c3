package codegen

import (
	"bytes"
	"os"
	"strconv"
	"strings"
	"testing"
	"unsafe"
)

// TestExecMemNeverWritableAndExecutable: no mapping of a region is writable and
// executable at once; on amd64 the code is written through the alias (execalias.go)
// and read back through the executable mapping; a freed unit's pages read as zero
// through both.
func TestExecMemNeverWritableAndExecutable(t *testing.T) {
	code := bytes.Repeat([]byte{0xC3}, warmUnit+1) // beyond warmUnit: freeing drops its pages
	code[0], code[len(code)-1] = 0x90, 0xCC
	m, err := NewExecMem(code, 8, nil)
	if err != nil {
		t.Fatal(err)
	}
	r, off, n := m.r, m.code.off, m.code.n
	if useAlias && !aliasFailed.Load() && r.alias == nil {
		t.Error("an amd64 region without an alias")
	}
	if !bytes.Equal(m.codeBytes(), code) {
		t.Error("the code read through its executable mapping differs from what was written")
	}
	maps, err := os.ReadFile("/proc/self/maps")
	if err != nil {
		t.Skipf("no /proc/self/maps: %v", err)
	}
	spans := [][2]uintptr{{r.codeBase, r.codeBase + uintptr(len(r.mem))}}
	if r.alias != nil {
		a := uintptr(unsafe.Pointer(&r.alias[0]))
		spans = append(spans, [2]uintptr{a, a + uintptr(len(r.alias))})
	}
	seen := 0
	for _, line := range strings.Split(string(maps), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		lo, hi, ok := strings.Cut(f[0], "-")
		a, err1 := strconv.ParseUint(lo, 16, 64)
		b, err2 := strconv.ParseUint(hi, 16, 64)
		if !ok || err1 != nil || err2 != nil {
			continue
		}
		for _, s := range spans {
			if uintptr(a) < s[1] && uintptr(b) > s[0] {
				seen++
				if strings.Contains(f[1], "w") && strings.Contains(f[1], "x") {
					t.Errorf("mapping %s of a region is %s", f[0], f[1])
				}
			}
		}
	}
	if seen == 0 {
		t.Error("the region's mappings are not in /proc/self/maps")
	}
	m.Free()
	zero := func(b []byte) bool { return bytes.Count(b, []byte{0}) == len(b) }
	if !zero(r.mem[off : off+n]) {
		t.Error("a freed unit's code reads nonzero through its executable mapping")
	}
	if r.alias != nil && !zero(r.alias[off:off+n]) {
		t.Error("a freed unit's code reads nonzero through the alias")
	}
}
