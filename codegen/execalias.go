package codegen

import (
	"os"
	"runtime"
	"sync/atomic"

	"golang.org/x/sys/unix"
)

// Writing code through a second mapping (amd64). Making a unit's pages writable and
// then executable again costs two mprotect calls, and each takes away a permission,
// so the kernel shoots down the pages' TLB entries on every CPU running one of the
// process's threads: in a virtual machine those interrupts were a fifth of a small
// program's translation. So a region's memory is a memfd mapped twice: the region
// itself (code read+execute, data read+write, as always) and an alias of its code
// part, read+write, which NewExecMem writes code through. No mapping is writable and
// executable at once, and no permission changes after the region is made.
//
// The alias's pages are the region's: freeing drops them from the file
// (MADV_REMOVE), which both mappings then read as zero. On x86 instruction fetch
// stays coherent with stores to the same physical memory, through any mapping; the
// new code at an address is reached only through a jump slot or table entry stored
// after it is written, and no thread runs a freed unit's code (ExecMem.Free's
// contract), so no processor holds the old bytes of the pages it reuses.
//
// arm64 keeps the mprotect path: its instruction cache is maintained by address
// (flushICache), and qemu-user, which runs the arm64 tests, notices changes to code
// it has translated only through the mapping it translated from. A kernel without
// memfd_create (or a sandbox that refuses it) falls back to the same path.

// useAlias reports whether new regions get a writable alias of their code. Not while
// HYBRIDVM_PERF_MAP=1 asks for a profile (amd64/perfmap.go): perf reads
// /tmp/perf-<pid>.map only for anonymous memory, and takes code in a memfd mapping for
// a file's, whose symbols it cannot find.
var useAlias = runtime.GOARCH == "amd64" && os.Getenv("HYBRIDVM_PERF_MAP") != "1"

// aliasFailed is set when a region could not be made with an alias: the later ones
// are made without.
var aliasFailed atomic.Bool

// newAliasRegion maps a region of codeSize+dataSize bytes from a memfd, with an
// alias of its code part.
func newAliasRegion(codeSize, dataSize int) (*region, error) {
	fd, err := unix.MemfdCreate("hybridvm-code", unix.MFD_CLOEXEC)
	if err != nil {
		return nil, err
	}
	defer unix.Close(fd) // the mappings keep the file
	if err := unix.Ftruncate(fd, int64(codeSize+dataSize)); err != nil {
		return nil, err
	}
	mem, err := unix.Mmap(fd, 0, codeSize+dataSize, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_SHARED)
	if err != nil {
		return nil, err
	}
	if err := unix.Mprotect(mem[:codeSize], unix.PROT_READ|unix.PROT_EXEC); err != nil {
		_ = unix.Munmap(mem)
		return nil, err
	}
	alias, err := unix.Mmap(fd, 0, codeSize, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_SHARED)
	if err != nil {
		_ = unix.Munmap(mem)
		return nil, err
	}
	r := newRegionOf(mem, codeSize, dataSize)
	r.alias = alias
	mapped.Add(int64(len(alias)))
	return r, nil
}

// dropCode and dropData release freed pages of the region's parts (off and n in
// bytes from the part's start): they read as zero afterwards and cost no memory.
func (r *region) dropCode(off, n int) {
	if r.alias != nil {
		_ = unix.Madvise(r.alias[off:off+n], unix.MADV_REMOVE)
		return
	}
	_ = unix.Madvise(r.mem[off:off+n], unix.MADV_DONTNEED)
}

func (r *region) dropData(off, n int) {
	at := r.codeSize + off
	if r.alias != nil {
		_ = unix.Madvise(r.mem[at:at+n], unix.MADV_REMOVE)
		return
	}
	_ = unix.Madvise(r.mem[at:at+n], unix.MADV_DONTNEED)
}

// unmap removes the region's mappings.
func (r *region) unmap() {
	mapped.Add(-int64(len(r.mem) + len(r.alias)))
	_ = unix.Munmap(r.mem)
	if r.alias != nil {
		_ = unix.Munmap(r.alias)
	}
}
