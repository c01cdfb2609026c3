package guest

import (
	"encoding/binary"
	"fmt"
	"sync"

	"golang.org/x/sys/unix"
)

// Arena is one frame's guest memory: Size bytes at guest address Base, backed by an
// anonymous private mapping reserved with MAP_NORESERVE and touched lazily, so an idle
// 1 GiB arena costs address space and nothing else. Arenas are pooled: Release resets
// the pages the guest dirtied (MADV_DONTNEED, after which they read as zero again) and
// keeps the mapping for the next frame.
//
// Every access through Arena's methods is bounds-checked. The engines check their own
// loads and stores inline against the same bounds (State.ArenaBase/ArenaSize).
type Arena struct {
	Base uint64
	Size uint64
	mem  []byte
	// Write-protected range as offsets from Base (see Protect).
	roStart, roSize uint64
}

// MaxArenaSize bounds an arena (and so the guest address space a frame can touch).
const MaxArenaSize = 1 << 34

// arenaPool keeps released mappings by size. Mappings are never handed to the Go
// garbage collector: an unmapped arena is only ever released with munmap here.
var arenaPool struct {
	sync.Mutex
	free map[uint64][][]byte
}

// maxPooledPerSize bounds the mappings kept per size; a burst of deep recursion maps
// more and unmaps the excess when they are released.
const maxPooledPerSize = 64

// NewArena returns a zeroed arena of size bytes at guest address base. size must be a
// multiple of the page size.
func NewArena(base, size uint64) (*Arena, error) {
	if size == 0 || size > MaxArenaSize || size%uint64(unix.Getpagesize()) != 0 {
		return nil, fmt.Errorf("arena size %#x: must be a non-zero multiple of the page size up to %#x", size, uint64(MaxArenaSize))
	}
	if base+size < base {
		return nil, fmt.Errorf("arena [%#x, +%#x) wraps around the address space", base, size)
	}
	arenaPool.Lock()
	var mem []byte
	if l := arenaPool.free[size]; len(l) > 0 {
		mem = l[len(l)-1]
		arenaPool.free[size] = l[:len(l)-1]
	}
	arenaPool.Unlock()
	if mem == nil {
		var err error
		mem, err = unix.Mmap(-1, 0, int(size), unix.PROT_READ|unix.PROT_WRITE,
			unix.MAP_PRIVATE|unix.MAP_ANONYMOUS|unix.MAP_NORESERVE)
		if err != nil {
			return nil, fmt.Errorf("mapping a %d MiB guest arena: %w", size>>20, err)
		}
	}
	return &Arena{Base: base, Size: size, mem: mem}, nil
}

// Release zeroes the arena and returns its mapping to the pool. The arena must not be
// used afterwards.
func (a *Arena) Release() {
	if a.mem == nil {
		return
	}
	mem := a.mem
	a.mem = nil
	// MADV_DONTNEED on a private anonymous mapping drops its pages: they read as zero on
	// the next touch. Untouched ranges cost nothing to walk.
	if err := unix.Madvise(mem, unix.MADV_DONTNEED); err != nil {
		_ = unix.Munmap(mem)
		return
	}
	size := uint64(len(mem))
	arenaPool.Lock()
	if arenaPool.free == nil {
		arenaPool.free = make(map[uint64][][]byte)
	}
	if len(arenaPool.free[size]) < maxPooledPerSize {
		arenaPool.free[size] = append(arenaPool.free[size], mem)
		mem = nil
	}
	arenaPool.Unlock()
	if mem != nil {
		_ = unix.Munmap(mem)
	}
}

// Bytes returns the whole arena as a slice (for engines that address it directly).
func (a *Arena) Bytes() []byte { return a.mem }

// Protect makes [start, start+size) (guest addresses) read-only for guest stores and
// syscall writes.
func (a *Arena) Protect(start, size uint64) {
	a.roStart, a.roSize = start-a.Base, size
}

// Contains reports whether [addr, addr+n) lies inside the arena.
func (a *Arena) Contains(addr, n uint64) bool {
	off := addr - a.Base
	return off < a.Size && n <= a.Size-off
}

// writable reports whether [off, off+n) (arena offsets, already inside the arena)
// avoids the write-protected range.
func (a *Arena) writable(off, n uint64) bool {
	return a.roSize == 0 || n == 0 || off+n <= a.roStart || off >= a.roStart+a.roSize
}

// Slice returns the n bytes at guest address addr, aliasing guest memory, or false if
// they are not all inside the arena.
func (a *Arena) Slice(addr, n uint64) ([]byte, bool) {
	if !a.Contains(addr, n) {
		return nil, false
	}
	off := addr - a.Base
	return a.mem[off : off+n : off+n], true
}

// WritableSlice is Slice for memory the caller will write: it also fails for a range
// that touches the write-protected segments.
func (a *Arena) WritableSlice(addr, n uint64) ([]byte, bool) {
	if !a.Contains(addr, n) || !a.writable(addr-a.Base, n) {
		return nil, false
	}
	off := addr - a.Base
	return a.mem[off : off+n : off+n], true
}

// Write copies data to guest address addr (ignoring write protection: it is how the
// host loads segments and calldata).
func (a *Arena) Write(addr uint64, data []byte) error {
	dst, ok := a.Slice(addr, uint64(len(data)))
	if !ok {
		return fmt.Errorf("guest range [%#x, +%#x) is outside the arena [%#x, +%#x)", addr, len(data), a.Base, a.Size)
	}
	copy(dst, data)
	return nil
}

// ReadU64 reads a little-endian doubleword.
func (a *Arena) ReadU64(addr uint64) (uint64, bool) {
	b, ok := a.Slice(addr, 8)
	if !ok {
		return 0, false
	}
	return binary.LittleEndian.Uint64(b), true
}

// Bind points the state's arena fields at a.
func (a *Arena) Bind(s *State) {
	s.MemBase = uintptrOf(a.mem)
	s.ArenaBase = a.Base
	s.ArenaSize = a.Size
	s.ROStart = a.roStart
	s.ROSize = a.roSize
}
