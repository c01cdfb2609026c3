package codegen

import (
	"fmt"
	"sync/atomic"
	"unsafe"

	"golang.org/x/sys/unix"
)

// ExecMem is one mapping holding a unit of compiled code followed by its data: the
// code pages are written while the mapping is still private to the compiler and then
// mapped read+execute, never writable and executable at once; the data pages (jump
// slots) stay read+write and are only ever changed by atomic stores.
type ExecMem struct {
	mem      []byte
	codeSize int // page-rounded
}

var pageSize = unix.Getpagesize()

// liveBytes counts the bytes of executable memory mapped and not yet freed.
var liveBytes atomic.Int64

// LiveBytes returns how many bytes of compiled-code memory are mapped (for tests and
// monitoring: code memory must be freed when no longer referenced).
func LiveBytes() int64 { return liveBytes.Load() }

func roundPage(n int) int { return (n + pageSize - 1) &^ (pageSize - 1) }

// DataOffset returns where the data of a unit with codeLen bytes of code starts,
// relative to the code's first byte (code and data share one mapping, so code can
// address its data PC-relatively).
func DataOffset(codeLen int) int { return roundPage(codeLen) }

// NewExecMem maps code followed by dataLen bytes of zeroed data: patch is called on
// the writable copy (code, then data) before the code becomes executable. The code
// starts at Code() and the data at Code()+DataOffset(len(code)).
func NewExecMem(code []byte, dataLen int, patch func(base uintptr, code, data []byte)) (*ExecMem, error) {
	if len(code) == 0 {
		return nil, fmt.Errorf("BUG: codegen: empty unit")
	}
	cs := roundPage(len(code))
	total := cs + roundPage(dataLen)
	mem, err := unix.Mmap(-1, 0, total, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE|unix.MAP_ANONYMOUS)
	if err != nil {
		return nil, fmt.Errorf("mapping %d bytes for compiled code: %w", total, err)
	}
	copy(mem, code)
	// Fill the rest of the code pages with a trapping filler (int3), so a stray jump
	// into them faults at once instead of running zero bytes as instructions.
	for i := len(code); i < cs; i++ {
		mem[i] = 0xCC
	}
	if patch != nil {
		patch(uintptr(unsafe.Pointer(&mem[0])), mem[:len(code)], mem[cs:cs+dataLen])
	}
	if err := unix.Mprotect(mem[:cs], unix.PROT_READ|unix.PROT_EXEC); err != nil {
		_ = unix.Munmap(mem)
		return nil, fmt.Errorf("mapping compiled code executable: %w", err)
	}
	liveBytes.Add(int64(total))
	return &ExecMem{mem: mem, codeSize: cs}, nil
}

// Code is the address of the first byte of code.
func (m *ExecMem) Code() uintptr { return uintptr(unsafe.Pointer(&m.mem[0])) }

// Data is the address of the first byte of data.
func (m *ExecMem) Data() uintptr { return m.Code() + uintptr(m.codeSize) }

// Size is the mapping's size in bytes.
func (m *ExecMem) Size() int { return len(m.mem) }

// Free unmaps the memory. No code in it may run afterwards.
func (m *ExecMem) Free() {
	if m.mem != nil {
		liveBytes.Add(-int64(len(m.mem)))
		_ = unix.Munmap(m.mem)
		m.mem = nil
	}
}

// DataWords returns the first n 8-byte words of the data as a slice (for atomic
// stores of jump targets).
func (m *ExecMem) DataWords(n int) []uintptr {
	if n == 0 {
		return nil
	}
	return unsafe.Slice((*uintptr)(unsafe.Pointer(&m.mem[m.codeSize])), n)
}
