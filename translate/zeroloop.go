package translate

import (
	"fmt"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/hybridvm/hybridvm/codegen"
	"github.com/hybridvm/hybridvm/guest"
)

// RunZeroLoop runs the zeroing loop b (see DecodeBlock; st.PC is b.Start) to its end in
// one step, exactly as executing it block by block would: each iteration charges the
// block's gas and retires its three instructions, or stops the frame out of gas
// before running (PC = b.Start); a doubleword store outside the arena or into the
// read-only range faults (FaultStore at b.Start, the iteration's gas charged and
// nothing of it retired). It returns guest.ExitNone when the loop ran to its end (PC
// = b.End), else the exit. The memory is zeroed with MADV_DONTNEED for whole pages
// (they read as zero afterwards, and untouched .bss pages cost nothing) and plain
// stores for the partial ones.
func RunZeroLoop(st *guest.State, arena *guest.Arena, b *codegen.Block) guest.ExitCode {
	zl := b.ZeroLoop
	if zl == nil || st.PC != b.Start || st.Gas < 0 {
		panic(fmt.Sprintf("BUG: translate: zero loop at %#x run at pc %#x", b.Start, st.PC))
	}
	gas, n := uint64(b.Gas), uint64(len(b.Insts))
	p0, limit := st.X[zl.Ptr], st.X[zl.Limit]
	// iters: iterations until the branch falls through (the first always runs).
	iters := uint64(1)
	if p0 < limit {
		iters = (limit-p0-1)/8 + 1
	}
	fit := uint64(st.Gas) / gas
	valid := validStores(st, p0, iters)
	e := min(iters, fit, valid)
	if e > 0 {
		buf, ok := arena.Slice(p0, 8*e)
		if !ok {
			panic("BUG: translate: zero loop range outside the arena")
		}
		zero(buf)
	}
	st.X[zl.Ptr] = p0 + 8*e
	st.Gas -= int64(e * gas)
	st.Instret += e * n
	switch {
	case e == iters:
		st.PC = b.End
		return guest.ExitNone
	case e == fit:
		st.PC, st.Exit = b.Start, guest.ExitOutOfGas
		return guest.ExitOutOfGas
	default:
		st.Gas -= int64(gas)
		st.SetFault(guest.FaultStore, b.Start, p0+8*e)
		return guest.ExitFault
	}
}

// validStores counts the leading iterations (at most iters) whose doubleword store at
// p0 + 8j is inside the arena and outside the read-only range (the interpreter's
// checks: off <= size-8, and [off, off+8) not meeting [ro, ro+rn)).
func validStores(st *guest.State, p0, iters uint64) uint64 {
	off := p0 - st.ArenaBase
	if st.ArenaSize < 8 || off > st.ArenaSize-8 {
		return 0
	}
	j := (st.ArenaSize-8-off)/8 + 1
	if ro, rn := st.ROStart, st.ROSize; rn > 0 && off < ro+rn {
		if off+8 > ro {
			return 0
		}
		j = min(j, (ro-8-off)/8+1)
	}
	return min(j, iters)
}

// zero clears buf (arena memory: a private anonymous mapping).
func zero(buf []byte) {
	ps := uintptr(unix.Getpagesize())
	start := uintptr(unsafe.Pointer(unsafe.SliceData(buf)))
	lo := (start + ps - 1) &^ (ps - 1)
	hi := (start + uintptr(len(buf))) &^ (ps - 1)
	if hi <= lo {
		clear(buf)
		return
	}
	head, mid, tail := buf[:lo-start], buf[lo-start:hi-start], buf[hi-start:]
	clear(head)
	clear(tail)
	if unix.Madvise(mid, unix.MADV_DONTNEED) != nil {
		clear(mid)
	}
}
