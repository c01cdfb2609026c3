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
}

// Code returns the program's instruction-fetch view.
func (p *Program) Code() *Code {
	c := &Code{}
	for i := range p.Segments {
		s := &p.Segments[i]
		if s.Flags&PermX != 0 {
			c.add(s.Vaddr, s.End(), s.Data)
		}
	}
	return c
}

func (c *Code) add(start, end uint64, data []byte) {
	if len(c.ranges) == 0 || start < c.Lo {
		c.Lo = start
	}
	if end > c.Hi {
		c.Hi = end
	}
	c.ranges = append(c.ranges, codeRange{start, end, data})
}

// CodeFromArena returns a view of the program's executable ranges as they are now in
// the arena (after FENCE.I). When nothing changed it returns old itself, so the frame
// keeps sharing decoded and translated blocks.
func CodeFromArena(p *Program, a *Arena, old *Code) *Code {
	changed := false
	c := &Code{}
	for _, r := range old.ranges {
		cur, ok := a.Slice(r.start, r.end-r.start)
		if !ok {
			// The range was validated against this arena at load; unreachable.
			panic("BUG: guest: executable range outside the arena")
		}
		data := bytes.Clone(trimZeros(cur))
		if !changed && !sameBytes(r.data, data) {
			changed = true
		}
		c.add(r.start, r.end, data)
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

// sameBytes compares two zero-extended byte strings.
func sameBytes(a, b []byte) bool {
	a, b = trimZeros(a), trimZeros(b)
	return bytes.Equal(a, b)
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
	r, ok := c.find(pc, 2)
	if !ok || pc&1 != 0 {
		return riscv.Inst{}, false
	}
	lo := uint32(r.byteAt(pc)) | uint32(r.byteAt(pc+1))<<8
	if riscv.Len(uint16(lo)) == 2 {
		return riscv.Decode(lo), true
	}
	if pc+4 > r.end {
		return riscv.Inst{}, false
	}
	raw := lo | uint32(r.byteAt(pc+2))<<16 | uint32(r.byteAt(pc+3))<<24
	return riscv.Decode(raw), true
}

func (r *codeRange) byteAt(pc uint64) byte {
	if off := pc - r.start; off < uint64(len(r.data)) {
		return r.data[off]
	}
	return 0
}
