package guest

import (
	"bytes"
	"encoding/binary"

	"github.com/hybridvm/hybridvm/riscv"
)

// Code is an instruction-fetch view of a program: the bytes of its executable
// segments. Fetch reads from it, never from the arena, so stores into code change what
// loads see but not what runs until the guest executes FENCE.I and the frame takes a
// new view from memory (CodeFromArena) — the RISC-V rule for instruction fetch.
// A Code is immutable and safe to share.
type Code struct {
	ranges []codeRange
	// Lo and Hi bound every executable byte.
	Lo, Hi uint64
}

type codeRange struct {
	start, end uint64
	data       []byte // the first len(data) bytes of the range; the rest reads as zero
	// mutable: the segment is writable, so stores (and FENCE.I) can change the code.
	mutable bool
}

// Code returns the program's instruction-fetch view.
func (p *Program) Code() *Code {
	c := &Code{}
	for i := range p.Segments {
		s := &p.Segments[i]
		if s.Flags&PermX != 0 {
			c.add(codeRange{s.Vaddr, s.End(), s.Data, s.Flags&PermW != 0})
		}
	}
	return c
}

func (c *Code) add(r codeRange) {
	if len(c.ranges) == 0 || r.start < c.Lo {
		c.Lo = r.start
	}
	if r.end > c.Hi {
		c.Hi = r.end
	}
	c.ranges = append(c.ranges, r)
}

// FenceIPageGas is what FENCE.I costs, beyond its weight, per 4 KiB page of writable
// executable memory it makes visible to instruction fetch (docs/abi.md, "Gas"): the
// EVM's copy cost of 3 gas per 32-byte word, since the host re-reads those pages.
const FenceIPageGas = 384

// MutablePages is the number of 4 KiB pages (a partial page counts whole) of the
// executable ranges that are also writable: what FENCE.I must re-read (the read-only
// ranges cannot change).
func (c *Code) MutablePages() uint64 {
	var n uint64
	for _, r := range c.ranges {
		if r.mutable {
			n += (r.end - r.start + 4095) / 4096
		}
	}
	return n
}

// CodeFromArena returns a view of the program's executable ranges as they are now in
// the arena (after FENCE.I): it re-reads only the writable ranges and copies only
// those that changed. When nothing changed it returns old itself, so the frame keeps
// sharing decoded and translated blocks.
func CodeFromArena(a *Arena, old *Code) *Code {
	changed := false
	c := &Code{}
	for _, r := range old.ranges {
		if r.mutable {
			cur, ok := a.Slice(r.start, r.end-r.start)
			if !ok {
				// The range was validated against this arena at load; unreachable.
				panic("BUG: guest: executable range outside the arena")
			}
			if cur = trimZeros(cur); !bytes.Equal(trimZeros(r.data), cur) {
				r.data, changed = bytes.Clone(cur), true
			}
		}
		c.add(r)
	}
	if !changed {
		return old
	}
	return c
}

// trimZeros drops trailing zero bytes (they read as zero anyway), so a large zero tail
// of an executable segment costs no copy.
func trimZeros(b []byte) []byte {
	i := len(b)
	for i >= 8 && binary.LittleEndian.Uint64(b[i-8:]) == 0 {
		i -= 8
	}
	for i > 0 && b[i-1] == 0 {
		i--
	}
	return b[:i]
}

// Executable reports whether the n bytes at pc are inside one executable range.
func (c *Code) Executable(pc, n uint64) bool {
	_, ok := c.find(pc, n)
	return ok
}

func (c *Code) find(pc, n uint64) (*codeRange, bool) {
	for i := range c.ranges {
		r := &c.ranges[i]
		if pc >= r.start && pc-r.start < r.end-r.start && n <= r.end-pc {
			return r, true
		}
	}
	return nil, false
}

// Fetch decodes the instruction at pc. ok is false when the instruction (2 or 4 bytes)
// is not entirely inside one executable range: a fetch fault.
func (c *Code) Fetch(pc uint64) (in riscv.Inst, ok bool) {
	raw, ok := c.fetchRaw(pc)
	if !ok {
		return riscv.Inst{}, false
	}
	return riscv.Decode(raw), true
}

// fetchRaw returns the encoding of the instruction at pc (Fetch).
func (c *Code) fetchRaw(pc uint64) (uint32, bool) {
	r, ok := c.find(pc, 2)
	if !ok || pc&1 != 0 {
		return 0, false
	}
	lo := uint32(r.byteAt(pc)) | uint32(r.byteAt(pc+1))<<8
	if riscv.Len(uint16(lo)) == 2 {
		return lo, true
	}
	if pc+4 > r.end {
		return 0, false
	}
	return lo | uint32(r.byteAt(pc+2))<<16 | uint32(r.byteAt(pc+3))<<24, true
}

func (r *codeRange) byteAt(pc uint64) byte {
	if off := pc - r.start; off < uint64(len(r.data)) {
		return r.data[off]
	}
	return 0
}
