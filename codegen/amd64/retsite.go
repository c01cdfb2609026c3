package amd64

import (
	"slices"

	"github.com/hybridvm/hybridvm/codegen"
	"github.com/hybridvm/hybridvm/codegen/internal/asm"
)

// Return prediction. A return (JALR through ra) jumps through the dispatch table: an
// indirect jump whose target the host predicts from its history, and which goes
// through the table's load and the target's check. A function called from one or two
// places returns to one of their return addresses almost always, so a return first
// compares its target with those (found among the unit's own calls, below) and jumps
// straight there: conditional branches, each predicted on its own. Any other target
// goes through the table as before, so the guess only ever costs a compare.

// maxRetSites bounds the compares a return makes before the table.
const maxRetSites = 2

// retSites returns the addresses a return in block blk probably goes back to: the
// return addresses of the unit's calls to the function that contains blk, taken to be
// the nearest call target at or below blk's start (nil when there are more than
// maxRetSites, or when the unit holds no call that tells). Calls from other units are
// not seen: their returns go through the table.
func (u *unit) retSites(blk *codegen.Block) []uint64 {
	if u.callEnds == nil {
		u.callEnds = map[uint64][]uint64{}
		for _, b := range u.blocks {
			if b.Term == codegen.TermJAL && b.Insts[len(b.Insts)-1].Rd == 1 && !slices.Contains(u.callEnds[b.Target], b.End) {
				// (Blocks that end together, one starting inside the other, make
				// the same call.)
				if u.callEnds[b.Target] == nil {
					u.callTargets = append(u.callTargets, b.Target)
				}
				u.callEnds[b.Target] = append(u.callEnds[b.Target], b.End)
			}
		}
		slices.Sort(u.callTargets)
		// A recursive function's own return address first: its returns go there
		// for all but the outermost call (fib's do).
		for i, t := range u.callTargets {
			ends := u.callEnds[t]
			if len(ends) != 2 {
				continue
			}
			next := ^uint64(0)
			if i+1 < len(u.callTargets) {
				next = u.callTargets[i+1]
			}
			if in := func(e uint64) bool { return e > t && e < next }; in(ends[1]) && !in(ends[0]) {
				ends[0], ends[1] = ends[1], ends[0]
			}
		}
	}
	// The nearest call target at or below blk.Start (a search: a large unit has
	// thousands of returns and of call targets).
	i, exact := slices.BinarySearch(u.callTargets, blk.Start)
	if !exact {
		if i == 0 {
			return nil
		}
		i--
	}
	sites := u.callEnds[u.callTargets[i]]
	if len(sites) > maxRetSites {
		return nil
	}
	return sites
}

// isReturn reports whether a block's JALR is a plain return (jalr x0, 0(ra)).
func isReturn(blk *codegen.Block) bool {
	in := blk.Insts[len(blk.Insts)-1]
	return blk.Term == codegen.TermJALR && in.Rd == 0 && in.Rs1 == 1 && in.Imm == 0
}

// predictReturnEarly compares ra itself with the block's likely return addresses,
// when they fit a sign-extended imm32, and jumps to a match before the target is
// computed (offset from lo, bit 0 cleared): ra equal to an (even) return address is
// that target. An odd ra takes the general path, which clears the bit. It reports
// whether it emitted the compares (predictReturn is then not needed).
func (u *unit) predictReturnEarly(blk *codegen.Block) bool {
	if !isReturn(blk) {
		return false
	}
	sites := u.retSites(blk)
	if len(sites) == 0 {
		return false
	}
	for _, s := range sites {
		if !fits32(int64(s)) || s&1 != 0 {
			return false
		}
	}
	ra := u.e.src(1)
	for _, s := range sites {
		u.e.op(asm.CMPQ, ra, asm.Imm(int64(s)))
		u.branchTo(asm.JEQ, s)
	}
	return true
}

// predictReturn compares RAX (the target minus the code's lowest address, bit 0
// clear) with the block's likely return addresses and jumps to a match.
func (u *unit) predictReturn(blk *codegen.Block) {
	if !isReturn(blk) {
		return
	}
	for _, s := range u.retSites(blk) {
		u.e.op(asm.CMPQ, asm.R(tA), asm.Imm(int64(s-u.m.Lo)))
		u.branchTo(asm.JEQ, s)
	}
}
