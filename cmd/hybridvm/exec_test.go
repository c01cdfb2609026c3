package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hybridvm/hybridvm/internal/rvasm"
)

// TestExecHugeSegment: a program whose p_memsz is far larger than the exec arena is
// rejected as a bad ELF with a message, on every engine, instead of panicking in the
// interpreter's table sizing or exhausting memory.
func TestExecHugeSegment(t *testing.T) {
	dir := t.TempDir()
	for _, memsz := range []uint64{1 << 62, 1 << 40, 1<<30 + 1} {
		elf := rvasm.ELF(0x10000, rvasm.Segment{Vaddr: 0x10000, Data: []byte{0x73, 0, 0, 0}, Memsz: memsz, Flags: 5})
		path := filepath.Join(dir, "huge.elf")
		if err := os.WriteFile(path, elf, 0o644); err != nil {
			t.Fatal(err)
		}
		for _, engine := range []string{"interp", "jit", "aot"} {
			code, out, errOut := cli("exec", "--engine", engine, path)
			// The status for bad input is 1 or 2 (a failure, not a guest's exit status).
			if code != 1 && code != 2 || out != "" || !strings.Contains(errOut, "bad ELF") || !strings.Contains(errOut, "exec arena") {
				t.Errorf("memsz %#x, %s: %d %q %q", memsz, engine, code, out, errOut)
			}
		}
	}
}
