package guest

import (
	"encoding/binary"
	"fmt"
	"sync"

	"golang.org/x/sys/unix"
)

// Arena is one frame's guest memory: Size bytes at guest address Base, backed by an
// anonymous private mapping reserved with MAP_NORESERVE and touched lazily, so an idle
// 1 GiB arena costs address space and nothing else.
//
// Arenas are pooled, and resetting one must cost what the frame used, not what it
// could have used: the arena keeps the span of offsets anything wrote (the host through
// Write and WritableSlice, the guest's stores through State's store windows, merged by
// Release), and Release zeroes just that span — with memclr when it is small, so the
// pages stay resident and the next frame takes no page faults, or MADV_DONTNEED when it
// is large. An engine that does not keep the span calls Untracked, and Release then
// resets the whole arena.
//
// Every access through Arena's methods is bounds-checked. The engines check their own
// loads and stores inline against the same bounds (State.ArenaBase/ArenaSize).
type Arena struct {
	Base uint64
	Size uint64
	mem  []byte
	// Write-protected range as offsets from Base (see Protect).
	roStart, roSize uint64
	// dirty holds the spans of offsets written so far (calldata at the arena's start and
	// the stack and segments megabytes above it stay separate spans); untracked means
	// unknown: reset everything.
	dirty     [maxSpans]span
	nDirty    int
	untracked bool
	// pooled is set while the arena sits in the pool: a second Release is a no-op
	// instead of handing the same memory to two frames.
	pooled bool
}

type span struct{ lo, hi uint64 }

// maxSpans bounds the dirty spans kept apart; spanGap is the distance under which two
// spans are merged (zeroing a small gap costs less than keeping them apart).
const (
	maxSpans = 4
	spanGap  = 64 << 10
)

// MaxArenaSize bounds an arena (and so the guest address space a frame can touch).
const MaxArenaSize = 1 << 34

// arenaPool keeps released arenas (their mappings, reset) by size. Mappings are never
// handed to the Go garbage collector: an unmapped arena is only ever released with
// munmap here.
var arenaPool struct {
	sync.Mutex
	free map[uint64][]*Arena
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
	var a *Arena
	if l := arenaPool.free[size]; len(l) > 0 {
		a = l[len(l)-1]
		l[len(l)-1] = nil
		arenaPool.free[size] = l[:len(l)-1]
	}
	arenaPool.Unlock()
	if a != nil {
		a.Base, a.pooled = base, false // the rest was reset by Release
		return a, nil
	}
	mem, err := unix.Mmap(-1, 0, int(size), unix.PROT_READ|unix.PROT_WRITE,
		unix.MAP_PRIVATE|unix.MAP_ANONYMOUS|unix.MAP_NORESERVE)
	if err != nil {
		return nil, fmt.Errorf("mapping a %d MiB guest arena: %w", size>>20, err)
	}
	return &Arena{Base: base, Size: size, mem: mem}, nil
}

// memclrLimit is the largest dirty span Release zeroes by writing; above it, the kernel
// drops the pages instead.
const memclrLimit = 256 << 10

// markDirty records that [off, off+n) was written: it joins the span it is close to,
// or starts a new one, or — all spans taken — joins the nearest.
func (a *Arena) markDirty(off, n uint64) {
	lo, hi := off, off+n
	best, bestDist := -1, ^uint64(0)
	for i := 0; i < a.nDirty; i++ {
		d := &a.dirty[i]
		var dist uint64
		switch {
		case hi < d.lo:
			dist = d.lo - hi
		case lo > d.hi:
			dist = lo - d.hi
		}
		if dist < bestDist {
			best, bestDist = i, dist
		}
	}
	if best < 0 || (bestDist > spanGap && a.nDirty < maxSpans) {
		a.dirty[a.nDirty] = span{lo, hi}
		a.nDirty++
		return
	}
	d := &a.dirty[best]
	d.lo, d.hi = min(d.lo, lo), max(d.hi, hi)
}

// Untracked records that an engine wrote the arena without keeping State's store windows:
// Release then resets all of it.
func (a *Arena) Untracked() { a.untracked = true }

// MergeDirty adds the guest's stores, as kept in s's store windows.
func (a *Arena) MergeDirty(s *State) {
	for i := range s.StoreWinLo {
		if lo, hi8 := s.StoreWinLo[i], s.StoreWinHi8[i]; lo <= hi8 && lo < a.Size {
			a.markDirty(lo, min(hi8+8, a.Size)-lo)
		}
	}
}

// Release zeroes the arena and returns it to the pool. Neither the arena nor any
// slice of its memory may be used afterwards.
func (a *Arena) Release() {
	if a.mem == nil || a.pooled {
		return
	}
	var err error
	if a.untracked {
		err = unix.Madvise(a.mem, unix.MADV_DONTNEED)
	}
	for i := 0; i < a.nDirty && err == nil && !a.untracked; i++ {
		err = reset(a.mem, a.dirty[i].lo, a.dirty[i].hi)
	}
	if err != nil {
		_ = unix.Munmap(a.mem)
		a.mem = nil
		return
	}
	a.roStart, a.roSize, a.nDirty, a.untracked = 0, 0, 0, false
	arenaPool.Lock()
	if arenaPool.free == nil {
		arenaPool.free = make(map[uint64][]*Arena)
	}
	pooled := len(arenaPool.free[a.Size]) < maxPooledPerSize
	if pooled {
		a.pooled = true
		arenaPool.free[a.Size] = append(arenaPool.free[a.Size], a)
	}
	arenaPool.Unlock()
	if !pooled {
		_ = unix.Munmap(a.mem)
		a.mem = nil
	}
}

// reset zeroes [lo, hi) of mem. MADV_DONTNEED on a private anonymous mapping drops its
// pages, which read as zero on the next touch; memclr keeps them resident for the next
// frame, which then takes no page faults.
func reset(mem []byte, lo, hi uint64) error {
	if lo >= hi {
		return nil
	}
	if hi-lo <= memclrLimit {
		clear(mem[lo:hi])
		return nil
	}
	page := uint64(unix.Getpagesize())
	plo, phi := (lo+page-1)&^(page-1), hi&^(page-1)
	clear(mem[lo:plo])
	clear(mem[phi:hi])
	return unix.Madvise(mem[plo:phi], unix.MADV_DONTNEED)
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
// they are not all inside the arena. The view is for reading: write through
// WritableSlice or Write, which record what was written for Release.
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
	a.markDirty(off, n)
	return a.mem[off : off+n : off+n], true
}

// Write copies data to guest address addr (ignoring write protection: it is how the
// host loads segments and calldata).
func (a *Arena) Write(addr uint64, data []byte) error {
	dst, ok := a.Slice(addr, uint64(len(data)))
	if !ok {
		return fmt.Errorf("guest range [%#x, +%#x) is outside the arena [%#x, +%#x)", addr, len(data), a.Base, a.Size)
	}
	if len(data) > 0 {
		a.markDirty(addr-a.Base, uint64(len(data)))
	}
	copy(dst, data)
	return nil
}

// Zero sets the n bytes at guest address addr to zero, dropping whole pages
// (MADV_DONTNEED: they read as zero and cost nothing until touched again) and clearing
// the partial ones. It ignores write protection, like Write.
func (a *Arena) Zero(addr, n uint64) error {
	if !a.Contains(addr, n) {
		return fmt.Errorf("guest range [%#x, +%#x) is outside the arena [%#x, +%#x)", addr, n, a.Base, a.Size)
	}
	off := addr - a.Base
	page := uint64(unix.Getpagesize())
	lo, hi := (off+page-1)&^(page-1), (off+n)&^(page-1)
	if hi <= lo {
		clear(a.mem[off : off+n])
		return nil
	}
	clear(a.mem[off:lo])
	clear(a.mem[hi : off+n])
	if unix.Madvise(a.mem[lo:hi], unix.MADV_DONTNEED) != nil {
		clear(a.mem[lo:hi])
	}
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
	s.EmptyStoreWindows()
}
