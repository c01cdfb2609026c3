package interp

import (
	"sync/atomic"

	"github.com/hybridvm/hybridvm/guest"
)

// Program is the decoded form of a guest.Code: blocks decoded on first use and cached.
// It is safe for concurrent use; two goroutines that decode the same block at once
// both produce identical blocks and one of them is kept.
type Program struct {
	code *guest.Code
	lo   uint64
	// Two-level block table indexed by (pc - lo): pages of pageSpan bytes of code.
	pages []atomic.Pointer[page]
}

const (
	pageShift = 12
	pageSpan  = 1 << pageShift
)

type page [pageSpan / 2]atomic.Pointer[block]

// NewProgram returns an empty decoded-block cache for code.
func NewProgram(code *guest.Code) *Program {
	n := (code.Hi - code.Lo + pageSpan - 1) >> pageShift
	return &Program{code: code, lo: code.Lo, pages: make([]atomic.Pointer[page], n)}
}

// Code returns the code the program decodes.
func (p *Program) Code() *guest.Code { return p.code }

// slot returns the table entry for pc, or nil when pc is outside the code's bounds or
// odd (no instruction can start there).
func (p *Program) slot(pc uint64) *atomic.Pointer[block] {
	off := pc - p.lo
	pi := off >> pageShift
	if pi >= uint64(len(p.pages)) || pc&1 != 0 {
		return nil
	}
	pg := p.pages[pi].Load()
	if pg == nil {
		pg = new(page)
		if !p.pages[pi].CompareAndSwap(nil, pg) {
			pg = p.pages[pi].Load()
		}
	}
	return &pg[(off&(pageSpan-1))>>1]
}

// lookup returns the block starting at pc, decoding it on first use, or nil when pc
// is not the address of an executable instruction (a fetch fault).
func (p *Program) lookup(pc uint64) *block {
	s := p.slot(pc)
	if s == nil {
		return nil
	}
	if b := s.Load(); b != nil {
		return b
	}
	b := decodeBlock(p.code, pc)
	if b == nil {
		return nil
	}
	if !s.CompareAndSwap(nil, b) {
		return s.Load()
	}
	return b
}
