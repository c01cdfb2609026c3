package amd64

import (
	"github.com/hybridvm/hybridvm/codegen/internal/asm"
	"github.com/hybridvm/hybridvm/riscv"
)

// Memory groups: function prologues and epilogues save and restore registers with
// runs of loads and stores relative to one base register (sp), often interleaved with
// arithmetic. Each access would carry its own bounds or window check; a group checks
// the hull of all its accesses once and then makes each access a LEA and a MOV. When
// the hull check fails (some access would fault, or a store falls outside the store
// windows), an out-of-line copy runs the group's instructions one by one with their own
// checks, so faults happen at exactly the instruction the interpreter faults at.

// group is a span of a block's body: instructions [start, end) whose loads and stores
// (at least two) share a base register that no instruction of the span writes
// (except the last, a load into it), with only non-faulting instructions between.
type group struct {
	start, end int
	base       uint8
	lo, hi     int64 // the hull of the accesses: offsets from the base [lo, hi)
	stores     bool
}

// faultFree reports whether an instruction can never fault (arithmetic).
func faultFree(in riscv.Inst) bool {
	switch in.Op.Class() {
	case riscv.ClassMul, riscv.ClassDiv:
		return true
	case riscv.ClassALU:
		switch in.Op {
		case riscv.OpCSRRW, riscv.OpCSRRS, riscv.OpCSRRC, riscv.OpCSRRWI, riscv.OpCSRRSI, riscv.OpCSRRCI, riscv.OpFENCEI:
			return false
		}
		return true
	}
	return false
}

func isAccess(in riscv.Inst) bool { return in.Op.IsLoad() || in.Op.IsStore() }

// findGroup returns the group starting at body[start], or ok = false.
func findGroup(body []riscv.Inst, start int) (g group, ok bool) {
	first := body[start]
	if !isAccess(first) || first.Rs1 == 0 {
		return g, false
	}
	g = group{start: start, end: start + 1, base: first.Rs1, lo: first.Imm, hi: first.Imm + int64(width(first.Op)), stores: first.Op.IsStore()}
	members := 1
	if first.Op.IsLoad() && first.Rd == g.base {
		return g, false
	}
	for j := start + 1; j < len(body); j++ {
		in := body[j]
		switch {
		case isAccess(in) && in.Rs1 == g.base:
			members++
			g.end = j + 1
			g.lo, g.hi = min(g.lo, in.Imm), max(g.hi, in.Imm+int64(width(in.Op)))
			g.stores = g.stores || in.Op.IsStore()
			if in.Op.IsLoad() && in.Rd == g.base {
				return g, members >= 2
			}
		case faultFree(in) && in.Rd != g.base:
		default:
			return g, members >= 2
		}
	}
	return g, members >= 2
}

// groupHoisted reports whether the loop's entry checked every access of group g
// (hoist.go): then the accesses need no hull check, and are lowered one by one.
func (u *unit) groupHoisted(g group, body []riscv.Inst) bool {
	for i := g.start; i < g.end; i++ {
		if isAccess(body[i]) && body[i].Rs1 == g.base && !u.hoisted(i) {
			return false
		}
	}
	return true
}

// groupSlow emits the slow path of a group (the coldGroup c, in its block's
// context): its instructions [c.i, c.mode) one by one, each with its own checks.
func (u *unit) groupSlow(c *coldCode) {
	body := u.blk.Insts
	pc := u.blk.Start
	for i := range c.i {
		pc += uint64(body[i].Len)
	}
	for i := c.i; i < c.mode; i++ {
		u.lowerInst(i, pc, body[i])
		pc += uint64(body[i].Len)
	}
	u.e.jump(asm.JMP, c.back)
}

// lowerGroup emits group g of the current block; pcs are the body's addresses.
func (u *unit) lowerGroup(g group, body []riscv.Inst, pcs []uint64) {
	e := &u.e
	after := u.b.NewLabel()
	slow := u.cold1(coldCode{kind: coldGroup, i: g.start, mode: g.end, back: after})
	u.arenaOffset(g.base, g.lo)
	span := g.hi - g.lo
	if g.stores {
		// The start is compared signed: a start just below the arena (nearly 2^64
		// unsigned) is negative and fails, so one that passes is below 2^63 and its end
		// (start + span - 8, span < 2^31) cannot wrap back into a window. An empty
		// window's StoreWinLo (guest.EmptyWinLo, 2^63-1) fails every start but 2^63-1,
		// whose end then fails the unsigned compare with StoreWinHi8 (0).
		p := u.m.primaryWindow(g.base)
		e.op(asm.CMPQ, asm.R(tA), stMem(winLo(p)))
		e.jump(asm.JLT, slow)
		e.op(asm.LEAQ, asm.Mem(tA, span-8), asm.R(tD))
		e.op(asm.CMPQ, asm.R(tD), stMem(winHi8(p)))
		e.jump(asm.JHI, slow)
	} else {
		u.checkBounds(int(span), slow)
	}
	for i := g.start; i < g.end; i++ {
		in := body[i]
		if !isAccess(in) || in.Rs1 != g.base {
			u.lowerInst(i, pcs[i], in)
			continue
		}
		// No check: the hull is known good. A mapped base addresses the access
		// directly as [R14 + base + (imm - ArenaBase)].
		mem := arenaMem
		if disp := in.Imm - int64(u.m.Cfg.Layout.ArenaBase); e.isMapped(g.base) && fits32(disp) {
			mem = asm.MemIdx(rMem, e.rm.host[g.base], 1, disp)
		} else if i != g.start || in.Imm != g.lo {
			u.arenaOffset(g.base, in.Imm)
		}
		if in.Op.IsStore() {
			u.storeValueAt(width(in.Op), in.Rs2, mem)
		} else if in.Rd != 0 {
			d := e.dest(in.Rd, tD)
			e.op(loadOps[in.Op], mem, asm.R(d))
			e.commit(in.Rd, d)
		}
	}
	u.b.Bind(after)
}
