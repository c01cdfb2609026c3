package amd64

import (
	"github.com/hybridvm/hybridvm/codegen/internal/asm"
	"github.com/hybridvm/hybridvm/guest"
)

// Shared exit routines: every memory access has a fault path, every block an
// out-of-gas path and every jump slot a missing-block path, all cold but together
// most of a unit's code. Each site passes what differs in RDX — packed as below — and
// jumps to one routine per unit, so a site is a MOVQ and a JMP (15 bytes instead of
// 35 to 60). Addresses at or above 2^32 do not fit and get their own stub (exec-mode
// programs linked that high; contracts live at 0x8030_0000).
//
//	fault:        RDX = pc | kind<<32 | mode<<40 | unretire<<48   (RAX as for fault)
//	out of gas:   RDX = pc | charge<<32                           (charge < 2^31)
//	missing:      RDX = pc

// packable reports whether pc fits the packed forms.
func packable(pc uint64) bool { return pc < 1<<32 }

// sharedExit returns the unit's shared routine of the given kind, emitting it (once,
// out of line) on first use.
func (u *unit) sharedExit(kind int) *asm.Label {
	if u.shared[kind] == nil {
		u.shared[kind] = u.coldLabel(func() {
			u.e.rm = &u.m.rm // reached after leave
			u.emitSharedExit(kind)
		})
	}
	return u.shared[kind]
}

const (
	sharedFault = iota
	sharedOOG
	sharedMissing
	numShared
)

func (u *unit) emitSharedExit(kind int) {
	e := &u.e
	// The packed word goes on the stack (RDX is needed to unpack it; every other
	// register but RAX holds guest state).
	e.op(asm.PUSHQ, asm.R(tD), asm.None)
	switch kind {
	case sharedFault:
		e.op(asm.MOVBLZX, asm.Mem(asm.SP, 4), asm.R(tD))
		e.op(asm.MOVL, asm.R(tD), stMem(guest.OffFault))
		e.op(asm.MOVWLZX, asm.Mem(asm.SP, 6), asm.R(tD))
		e.op(asm.SUBQ, asm.R(tD), asm.R(rGas))
		offAX, axAddr, store := u.b.NewLabel(), u.b.NewLabel(), u.b.NewLabel()
		e.op(asm.MOVBLZX, asm.Mem(asm.SP, 5), asm.R(tD))
		e.op(asm.CMPL, asm.R(tD), asm.Imm(addrAX))
		e.jump(asm.JCS, offAX) // addrOffAX = 0
		e.jump(asm.JEQ, axAddr)
		e.op(asm.MOVL, asm.Mem(asm.SP, 0), asm.R(tA)) // addrPC: the instruction itself
		e.jump(asm.JMP, axAddr)
		u.b.Bind(offAX)
		e.addImm(int64(u.m.Cfg.Layout.ArenaBase), tA, tD)
		u.b.Bind(axAddr)
		e.op(asm.MOVQ, asm.R(tA), stMem(guest.OffFaultAddr))
		u.b.Bind(store)
		e.setExit(guest.ExitFault)
	case sharedOOG:
		e.op(asm.MOVL, asm.Mem(asm.SP, 4), asm.R(tD))
		e.op(asm.ADDQ, asm.R(tD), asm.R(rGas))
		e.setExit(guest.ExitOutOfGas)
	case sharedMissing:
		e.setExit(guest.ExitMissingBlock)
	}
	e.op(asm.MOVL, asm.Mem(asm.SP, 0), asm.R(tA)) // pc, zero-extended
	e.op(asm.MOVQ, asm.R(tA), stMem(guest.OffPC))
	e.op(asm.POPQ, asm.None, asm.R(tD))
	u.toExit()
}

// jumpShared passes packed in RDX to the unit's shared routine of the given kind.
func (u *unit) jumpShared(kind int, packed uint64) {
	u.e.op(asm.MOVQ, asm.Imm(int64(packed)), asm.R(tD))
	u.e.jump(asm.JMP, u.sharedExit(kind))
}
