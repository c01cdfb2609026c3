package amd64

import (
	"github.com/hybridvm/hybridvm/codegen/internal/asm"
	"github.com/hybridvm/hybridvm/riscv"
)

// Sign extensions left to a self-loop's exits. The upper-half analysis
// (upperNeededInto) takes every register's upper half to be observable at a block's
// end. At the back edge of a self-loop that is too much: the next iteration observes
// only what it reads in full (or exposes at a possible fault) before writing it.
// sha256's round loop computes `addw a4, a4, a5` on its critical path, reads a4 only
// in W operations after that, and loads a4 afresh at the top of the next iteration:
// a4's sign extension is needed only when the loop is left.
//
// deferSextInto finds such registers: written in the body, not read by the branch,
// whose value at the back edge is (in the interpreter's terms) the sign extension of
// its low half, and whose upper half the next iteration does not observe, as
// computed by upperNeededFrom around the back edge to a fixed point. Their last
// writers skip the sign extension, and every way out of the loop after a full
// iteration sign-extends them in place (signExtendRegs): the exit edge, and the out of
// gas path of the back edge's own charge (lower.go's lowerCopy gives the back edge
// one, as for fuse.go's results left to the exit edge). A possible fault needs
// nothing: it makes every register observable, so a register exposed by a fault of
// the next iteration is needed at the back edge and is never deferred; neither is one
// the entry's sign-extension checks rely on (sextloop.go). The first iteration runs
// from the registers' values before the loop, which are whole.

// deferSextInto is upperNeededInto for the body of a self-loop (its terminator term
// excluded) into res, given the body's sext.w lowered as moves (full), the loads that
// cannot fault (unchecked) and the registers sign-extended at every iteration's start
// (entry). It returns the registers whose sign extension the loop's exits must
// compute.
func deferSextInto(res []bool, body []riscv.Inst, term riscv.Inst, full, unchecked []bool, entry uint32) uint32 {
	var written, termReads uint32
	last := [32]int{}
	for i, in := range body {
		if writesRd(in) {
			written |= 1 << (in.Rd & 31)
			last[in.Rd&31] = i
		}
	}
	s, n := sources(term)
	for _, r := range s[:n] {
		termReads |= 1 << (r & 31)
	}
	cand := sextAfter(body, entry|1) & written &^ termReads &^ entry &^ 1
	end := ^cand
	for {
		start := upperNeededFrom(res, body, full, unchecked, end)
		next := end | start&cand
		if next == end {
			break
		}
		end = next
	}
	deferred := cand &^ end
	for r := 1; r < 32; r++ {
		if deferred&(1<<r) == 0 {
			continue // (an empty body defers nothing)
		}
		if w := body[last[r]]; res[last[r]] || last[r] < len(full) && full[last[r]] || w.Op == riscv.OpSRLIW && w.Imm&31 != 0 {
			deferred &^= 1 << r // computed in full anyway, a move of a full value, or below 2^31
		}
	}
	return deferred
}

// signExtendRegs sign-extends each register of regs (bit r: x_r) onto itself, under
// the current mapping. It uses RAX.
func (u *unit) signExtendRegs(regs uint32) {
	e := &u.e
	for r := uint8(1); r < 32; r++ {
		if regs&(1<<r) == 0 {
			continue
		}
		if e.isMapped(r) {
			h := e.rm.host[r]
			e.op(asm.MOVLQSX, asm.R(h), asm.R(h))
			continue
		}
		e.op(asm.MOVLQSX, stMem(xoff(r)), asm.R(tA))
		e.op(asm.MOVQ, asm.R(tA), stMem(xoff(r)))
	}
}
