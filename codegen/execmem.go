package codegen

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Executable memory comes from a few large regions shared by every unit of every
// module, not from a mapping per unit: a mapping per unit let a contract factory raise
// the process's mappings without bound (Linux kills a process at vm.max_map_count).
//
// A region is one mapping of regionSize bytes (more for a unit that does not fit),
// split into a code part, mapped read+execute, and a data part (jump slots), mapped
// read+write. A unit takes whole pages from each part, first fit. On amd64 its code is
// written through a third mapping, a read+write alias of the code part
// (execalias.go); elsewhere its code pages are made writable (never executable
// meanwhile), written, and made read+execute again, so the kernel merges them back
// into the part's single mapping. Either way a region costs two or three mappings
// however many units it holds. Freed pages are dropped (so they cost no memory and
// read as zero) and reused, except a few small units' pages,
// kept resident for the next unit that fits them (warm, below). Code and data of a
// unit lie in one region, within ±2 GiB of each other, so code reaches its data
// PC-relatively.
//
// The bytes handed out are bounded by a process-wide limit (SetLimit): an allocation
// past it fails, and the caller runs the code on the interpreter instead.

// ExecMem is one unit's compiled code and data. No mapping of the code is writable
// and executable at once (the alias that writes it on amd64 never executes); the data
// (jump slots) stays read+write and is only changed by atomic stores.
type ExecMem struct {
	r          *region
	code, data extent // page ranges in the region's parts
	codeLen    int
}

// extent is a run of pages [off, off+n) in bytes from a part's start.
type extent struct{ off, n int }

var pageSize = unix.Getpagesize()

func roundPage(n int) int { return (n + pageSize - 1) &^ (pageSize - 1) }

// Region geometry: the code part is three quarters of a region.
const (
	regionSize = 32 << 20
	codeShare  = regionSize / 4 * 3
)

// DefaultLimit is the default bound on compiled-code bytes (code and data pages) in
// the process.
const DefaultLimit = 512 << 20

// ErrLimit is returned when compiling a unit would exceed the process's limit on
// compiled-code bytes.
var ErrLimit = errors.New("compiled-code memory limit reached")

type region struct {
	mem        []byte
	alias      []byte // a writable mapping of the code part (execalias.go; nil: none)
	codeSize   int    // bytes of the code part; the data part follows
	codeFree   []extent
	dataFree   []extent
	codeBase   uintptr
	dataBase   uintptr
	dataSize   int
	dedicated  bool // sized for one large unit: unmapped when it empties
	nAllocated int
}

var alloc struct {
	sync.Mutex
	regions []*region
	limit   int64
	// warm are freed units' pages kept resident (warmBytes in all; their regions
	// count them as allocated, so they stay mapped).
	warm      []warmPages
	warmBytes int
}

// Warm pages. Dropping a freed unit's pages costs two madvise calls, and the next unit
// placed there faults its pages in again, zeroed, one by one: for a small program
// translated from scratch that was a tenth of the time. So Free keeps the pages of
// units of at most warmUnit bytes resident, up to warmMax bytes in the process, and
// the next unit whose code and data fit takes them (its code is written over them as
// over new pages; its data is cleared). Stale code in a warm unit's pages is never
// run: no jump leads into freed code (ExecMem.Free's contract).
const (
	warmUnit = 256 << 10
	warmMax  = 4 << 20
)

// warmPages are a freed unit's code and data pages, still resident.
type warmPages struct {
	r          *region
	code, data extent
}

// live and mapped count compiled-code bytes handed out and mapped.
var live, mapped atomic.Int64

func init() { alloc.limit = DefaultLimit }

// LiveBytes returns how many bytes of compiled code and data are in use (freed units
// are not counted).
func LiveBytes() int64 { return live.Load() }

// MappedBytes returns how many bytes of address space the executable-memory regions
// take.
func MappedBytes() int64 { return mapped.Load() }

// Regions returns the number of executable-memory regions (each is two mappings).
func Regions() int {
	alloc.Lock()
	defer alloc.Unlock()
	return len(alloc.regions)
}

// SetLimit bounds the compiled-code bytes in use in the process (n <= 0 restores
// DefaultLimit) and returns the previous limit.
func SetLimit(n int64) int64 {
	alloc.Lock()
	defer alloc.Unlock()
	old := alloc.limit
	if n <= 0 {
		n = DefaultLimit
	}
	alloc.limit = n
	return old
}

// Limit returns the bound on compiled-code bytes in use.
func Limit() int64 {
	alloc.Lock()
	defer alloc.Unlock()
	return alloc.limit
}

func newRegion(codeSize, dataSize int) (*region, error) {
	if useAlias && !aliasFailed.Load() {
		if r, err := newAliasRegion(codeSize, dataSize); err == nil {
			return r, nil
		}
		aliasFailed.Store(true)
	}
	mem, err := unix.Mmap(-1, 0, codeSize+dataSize, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE|unix.MAP_ANONYMOUS|unix.MAP_NORESERVE)
	if err != nil {
		return nil, fmt.Errorf("mapping %d MiB for compiled code: %w", (codeSize+dataSize)>>20, err)
	}
	if err := unix.Mprotect(mem[:codeSize], unix.PROT_READ|unix.PROT_EXEC); err != nil {
		_ = unix.Munmap(mem)
		return nil, fmt.Errorf("mapping compiled code executable: %w", err)
	}
	return newRegionOf(mem, codeSize, dataSize), nil
}

// newRegionOf makes a region of mapped memory, every page free.
func newRegionOf(mem []byte, codeSize, dataSize int) *region {
	r := &region{
		mem: mem, codeSize: codeSize, dataSize: dataSize,
		codeFree: []extent{{0, codeSize}}, dataFree: []extent{{0, dataSize}},
		codeBase: uintptr(unsafe.Pointer(&mem[0])),
	}
	r.dataBase = r.codeBase + uintptr(codeSize)
	mapped.Add(int64(len(mem)))
	return r
}

// take removes n bytes (a page multiple) from the first free extent that holds them.
func take(free *[]extent, n int) (int, bool) {
	for i, e := range *free {
		if e.n >= n {
			(*free)[i] = extent{e.off + n, e.n - n}
			if (*free)[i].n == 0 {
				*free = append((*free)[:i], (*free)[i+1:]...)
			}
			return e.off, true
		}
	}
	return 0, false
}

// give returns an extent to a free list kept sorted by offset, merging neighbours.
func give(free *[]extent, x extent) {
	l := *free
	i := 0
	for i < len(l) && l[i].off < x.off {
		i++
	}
	l = append(l, extent{})
	copy(l[i+1:], l[i:])
	l[i] = x
	if i+1 < len(l) && l[i].off+l[i].n == l[i+1].off {
		l[i].n += l[i+1].n
		l = append(l[:i+1], l[i+2:]...)
	}
	if i > 0 && l[i-1].off+l[i-1].n == l[i].off {
		l[i-1].n += l[i].n
		l = append(l[:i], l[i+1:]...)
	}
	*free = l
}

// NewExecMem places code followed by dataLen bytes of zeroed data in executable
// memory. patch is called on writable copies of the code and the data, with their
// final addresses, before the code becomes executable (to fill in PC-relative
// displacements to the data and the data itself).
func NewExecMem(code []byte, dataLen int, patch func(codeBase, dataBase uintptr, code, data []byte)) (*ExecMem, error) {
	if len(code) == 0 {
		return nil, fmt.Errorf("BUG: codegen: empty unit")
	}
	cn, dn := roundPage(len(code)), roundPage(max(dataLen, 1))
	alloc.Lock()
	m, err := place(cn, dn)
	alloc.Unlock()
	if err != nil {
		return nil, err
	}
	r := m.r
	var cmem []byte
	if r.alias != nil {
		cmem = r.alias[m.code.off : m.code.off+cn] // written through the alias (execalias.go)
	} else {
		cmem = r.mem[m.code.off : m.code.off+cn]
		if err := unix.Mprotect(cmem, unix.PROT_READ|unix.PROT_WRITE); err != nil {
			m.Free()
			return nil, fmt.Errorf("making compiled code writable: %w", err)
		}
	}
	copy(cmem, code)
	// Fill the rest of the last page with a trapping filler (int3 on amd64; on arm64
	// the bytes CC CC CC CC are an undefined instruction too), so a stray jump into it
	// faults at once.
	for i := len(code); i < cn; i++ {
		cmem[i] = 0xCC
	}
	dmem := r.mem[r.codeSize+m.data.off : r.codeSize+m.data.off+dn]
	clear(dmem[:dataLen]) // warm pages hold a freed unit's data
	if patch != nil {
		patch(m.Code(), m.Data(), cmem[:len(code)], dmem[:dataLen])
	}
	flushICache(m.Code(), m.Code()+uintptr(cn))
	if r.alias == nil {
		if err := unix.Mprotect(cmem, unix.PROT_READ|unix.PROT_EXEC); err != nil {
			// The pages stay writable and not executable: never run, never reused.
			return nil, fmt.Errorf("mapping compiled code executable: %w", err)
		}
	}
	m.codeLen = len(code)
	return m, nil
}

// place finds room for cn bytes of code and dn of data (alloc is locked).
func place(cn, dn int) (*ExecMem, error) {
	if live.Load()+int64(cn+dn) > alloc.limit {
		return nil, fmt.Errorf("%w (%d MiB): %d bytes more", ErrLimit, alloc.limit>>20, cn+dn)
	}
	if m, ok := takeWarm(cn, dn); ok {
		return m, nil
	}
	for _, r := range alloc.regions {
		if m, ok := r.place(cn, dn); ok {
			return m, nil
		}
	}
	codeSize, dataSize := codeShare, regionSize-codeShare
	dedicated := cn > codeSize || dn > dataSize
	if dedicated {
		codeSize, dataSize = cn, dn
	}
	r, err := newRegion(codeSize, dataSize)
	if err != nil {
		return nil, err
	}
	r.dedicated = dedicated
	alloc.regions = append(alloc.regions, r)
	m, _ := r.place(cn, dn)
	return m, nil
}

func (r *region) place(cn, dn int) (*ExecMem, bool) {
	co, ok := take(&r.codeFree, cn)
	if !ok {
		return nil, false
	}
	do, ok := take(&r.dataFree, dn)
	if !ok {
		give(&r.codeFree, extent{co, cn})
		return nil, false
	}
	r.nAllocated++
	live.Add(int64(cn + dn))
	return &ExecMem{r: r, code: extent{co, cn}, data: extent{do, dn}}, true
}

// takeWarm places cn bytes of code and dn of data on warm pages, the most recently
// freed that fit; pages of them it does not need are dropped and go back to their
// region (alloc is locked).
func takeWarm(cn, dn int) (*ExecMem, bool) {
	for i := len(alloc.warm) - 1; i >= 0; i-- {
		w := alloc.warm[i]
		if w.code.n < cn || w.data.n < dn {
			continue
		}
		alloc.warm = append(alloc.warm[:i], alloc.warm[i+1:]...)
		alloc.warmBytes -= w.code.n + w.data.n
		r := w.r
		if rest := w.code.n - cn; rest > 0 {
			r.dropCode(w.code.off+cn, rest)
			give(&r.codeFree, extent{w.code.off + cn, rest})
		}
		if rest := w.data.n - dn; rest > 0 {
			r.dropData(w.data.off+dn, rest)
			give(&r.dataFree, extent{w.data.off + dn, rest})
		}
		live.Add(int64(cn + dn))
		return &ExecMem{r: r, code: extent{w.code.off, cn}, data: extent{w.data.off, dn}}, true
	}
	return nil, false
}

// Code is the address of the first byte of code.
func (m *ExecMem) Code() uintptr { return m.r.codeBase + uintptr(m.code.off) }

// Data is the address of the first byte of data.
func (m *ExecMem) Data() uintptr { return m.r.dataBase + uintptr(m.data.off) }

// Size is the number of bytes (code and data pages) the unit takes.
func (m *ExecMem) Size() int { return m.code.n + m.data.n }

// Free releases the memory: its pages are dropped (or, for a small unit, kept
// resident for the next one: warm) and may hold another unit's code afterwards. No
// code in it may run, and no jump may lead into it, any more.
func (m *ExecMem) Free() {
	if m.r == nil {
		return
	}
	r := m.r
	m.r = nil
	size := m.code.n + m.data.n
	alloc.Lock()
	if size <= warmUnit && !r.dedicated && alloc.warmBytes+size <= warmMax {
		// Kept resident for the next unit that fits (warm); its region keeps counting it.
		alloc.warm = append(alloc.warm, warmPages{r, m.code, m.data})
		alloc.warmBytes += size
		live.Add(-int64(size))
		alloc.Unlock()
		return
	}
	alloc.Unlock()
	// Dropped pages read as zero; code pages stay read+execute (no new mapping).
	r.dropCode(m.code.off, m.code.n)
	r.dropData(m.data.off, m.data.n)
	alloc.Lock()
	defer alloc.Unlock()
	give(&r.codeFree, m.code)
	give(&r.dataFree, m.data)
	r.nAllocated--
	live.Add(-int64(m.code.n + m.data.n))
	if r.nAllocated == 0 && (r.dedicated || len(alloc.regions) > 1) {
		for i, x := range alloc.regions {
			if x == r {
				alloc.regions = append(alloc.regions[:i], alloc.regions[i+1:]...)
				break
			}
		}
		r.unmap()
	}
}

// DataWords returns the first n 8-byte words of the data as a slice (for atomic
// stores of jump targets).
func (m *ExecMem) DataWords(n int) []uintptr {
	if n == 0 {
		return nil
	}
	return unsafe.Slice((*uintptr)(unsafe.Pointer(&m.r.mem[m.r.codeSize+m.data.off])), n)
}

// codeBytes returns the unit's code as mapped (read-only: the pages are read+execute).
func (m *ExecMem) codeBytes() []byte { return m.r.mem[m.code.off : m.code.off+m.codeLen] }
