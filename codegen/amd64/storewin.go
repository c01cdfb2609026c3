package amd64

import (
	"math/bits"

	"github.com/hybridvm/hybridvm/codegen/internal/asm"
	"github.com/hybridvm/hybridvm/guest"
)

// Stores are checked against the store windows (guest.State.StoreWinLo/StoreWinHi8):
// a store must be inside the arena and outside the write-protected range, and the
// pages it writes must be paid for (guest.State.GrowWindow). The windows are spans of
// arena offsets known to satisfy all of it, one on each side of the write-protected
// range (the contract layout has the stack below it and the data above; exec mode has
// only the side above its text), so a store is
//
//	CMP RAX, StoreWinLo[i]; JB slow; CMP RAX, StoreWinHi8[i]; JA slow; MOV value, [R14+RAX]
//
// where i is the window the base register makes likely (the stack's for sp and s0).
// The slow path tries the other window, then calls the unit's check routine, which
// does the checks exactly and grows the store's window to the pages around it (never
// past its side of the write-protected range or the arena), charging
// Layout.PageGas per new page — exactly GrowWindow, so every engine has the same
// windows and charges the same gas at the same store. The charge is subtracted from
// R13 at once and may leave the gas negative: the next block's gas check (or the exit
// loop, at an exit) then ends the frame out of gas. A failed check is the
// instruction's store fault, exactly as in the interpreter. The windows are also the
// frame's record of written memory, which the arena resets when the frame ends.

// side is the region of arena offsets on one side of the write-protected range.
type side struct {
	lo, hi uint64
}

// usable reports whether a window can live in the region (it must hold a doubleword,
// or its end minus 8 would wrap).
func (s side) usable() bool { return s.hi >= s.lo+8 }

// sides returns the regions below (0) and above (1) the write-protected range.
func (m *module) sides() [2]side {
	l := m.Cfg.Layout
	if l.ROSize == 0 {
		return [2]side{{}, {0, l.ArenaSize}}
	}
	return [2]side{{0, l.ROStart}, {l.ROStart + l.ROSize, l.ArenaSize}}
}

// primaryWindow is the window a store through base is checked against first: the
// stack's side for sp and s0 (the frame pointer), the data's otherwise.
func (m *module) primaryWindow(base uint8) int {
	s := m.sides()
	stack := base == 2 || base == 8
	switch {
	case !s[0].usable():
		return 1
	case !s[1].usable():
		return 0
	case stack:
		return 0
	}
	return 1
}

func winLo(i int) int64  { return guest.OffWinLo + 8*int64(i) }
func winHi8(i int) int64 { return guest.OffWinHi8 + 8*int64(i) }

// storeCheck emits the window check of a w-byte store at arena offset RAX, with the
// out-of-line slow path that ends at fault when the store is not allowed.
func (u *unit) storeCheck(w int, primary int, fault *asm.Label) {
	e := &u.e
	back := u.b.NewLabel()
	slow := u.cold1(coldCode{kind: coldStore, i: w, mode: primary, faultL: fault, back: back})
	e.op(asm.CMPQ, asm.R(tA), stMem(winLo(primary)))
	e.jump(asm.JCS, slow)
	e.op(asm.CMPQ, asm.R(tA), stMem(winHi8(primary)))
	e.jump(asm.JHI, slow)
	u.b.Bind(back)
}

// storeSlow emits storeCheck's slow path (the coldStore c): the other window, then
// the check routine.
func (u *unit) storeSlow(c *coldCode) {
	e := &u.e
	w, primary, back := c.i, c.mode, c.back
	other := 1 - primary
	full := u.b.NewLabel()
	if u.m.sides()[other].usable() {
		e.op(asm.CMPQ, asm.R(tA), stMem(winLo(other)))
		e.jump(asm.JCS, full)
		e.op(asm.CMPQ, asm.R(tA), stMem(winHi8(other)))
		e.jump(asm.JLS, back)
	}
	u.b.Bind(full)
	u.fullStoreCheck(w, c.faultL)
	e.jump(asm.JMP, back)
}

// fullStoreCheck calls the unit's check routine for w-byte stores (RAX = arena
// offset, preserved; RDX clobbered) and jumps to fault when it fails.
func (u *unit) fullStoreCheck(w int, fault *asm.Label) {
	if u.checkRoutine[w] == nil {
		l := u.coldLabel(func() { u.emitCheckRoutine(w) })
		u.checkRoutine[w] = l
	}
	u.b.CallAMD64(u.checkRoutine[w])
	u.e.jump(asm.JNE, fault)
}

// emitCheckRoutine emits the check routine for w-byte stores, called with RAX = the
// arena offset: it returns with ZF set when the store is allowed (after recording it
// and growing its window) and ZF clear when it must fault. It preserves RAX and every
// register but RDX (RCX is saved on the stack: the trampoline's frame leaves room
// for this one nested call).
func (u *unit) emitCheckRoutine(w int) {
	e := &u.e
	l := u.m.Cfg.Layout
	s := u.m.sides()
	bad, ok := u.b.NewLabel(), u.b.NewLabel()
	e.op(asm.PUSHQ, asm.R(tC), asm.None)
	// Inside the arena: off <= size - w (size is at least 8).
	e.op(asm.MOVQ, asm.Imm(int64(l.ArenaSize)-int64(w)), asm.R(tC))
	e.op(asm.CMPQ, asm.R(tA), asm.R(tC))
	e.jump(asm.JHI, bad)
	wsz := int64(w)
	if l.ROSize == 0 {
		u.growWindow(1, s[1], wsz)
	} else {
		// Below the write-protected range (off + w <= ro), or above it (off >= ro + n).
		above := u.b.NewLabel()
		e.op(asm.LEAQ, asm.Mem(tA, wsz), asm.R(tD))
		e.op(asm.MOVQ, asm.Imm(int64(l.ROStart)), asm.R(tC))
		e.op(asm.CMPQ, asm.R(tD), asm.R(tC))
		e.jump(asm.JHI, above)
		u.growWindow(0, s[0], wsz)
		e.jump(asm.JMP, ok)
		u.b.Bind(above)
		e.op(asm.MOVQ, asm.Imm(int64(l.ROStart+l.ROSize)), asm.R(tC))
		e.op(asm.CMPQ, asm.R(tA), asm.R(tC))
		e.jump(asm.JCS, bad)
		u.growWindow(1, s[1], wsz)
	}
	u.b.Bind(ok)
	e.op(asm.POPQ, asm.None, asm.R(tC))
	e.op(asm.CMPQ, asm.R(tA), asm.R(tA)) // ZF = 1: allowed
	e.op(asm.RET, asm.None, asm.None)
	u.b.Bind(bad)
	e.op(asm.POPQ, asm.None, asm.R(tC))
	e.op(asm.TESTQ, asm.R(asm.SP), asm.R(asm.SP)) // ZF = 0: fault (RSP is never 0)
	e.op(asm.RET, asm.None, asm.None)
}

// growWindow grows window i to include the pages around the w-byte store at RAX,
// clamped to its side's region, and charges its new pages. Uses RCX and RDX.
func (u *unit) growWindow(i int, s side, w int64) {
	e := &u.e
	if !s.usable() {
		return
	}
	defer u.chargePages(i)
	l1, l2, l3, l4 := u.b.NewLabel(), u.b.NewLabel(), u.b.NewLabel(), u.b.NewLabel()
	// lo = max(pageDown(off), s.lo); StoreWinLo = min(StoreWinLo, lo).
	e.op(asm.MOVQ, asm.R(tA), asm.R(tD))
	e.op(asm.ANDQ, asm.Imm(-4096), asm.R(tD))
	e.op(asm.MOVQ, asm.Imm(int64(s.lo)), asm.R(tC))
	e.op(asm.CMPQ, asm.R(tD), asm.R(tC))
	e.jump(asm.JCC, l1)
	e.op(asm.MOVQ, asm.R(tC), asm.R(tD))
	u.b.Bind(l1)
	e.op(asm.CMPQ, asm.R(tD), stMem(winLo(i)))
	e.jump(asm.JCC, l2)
	e.op(asm.MOVQ, asm.R(tD), stMem(winLo(i)))
	u.b.Bind(l2)
	// hi = min(pageUp(off + w), s.hi); StoreWinHi8 = max(StoreWinHi8, hi - 8).
	e.op(asm.LEAQ, asm.Mem(tA, w+4095), asm.R(tD))
	e.op(asm.ANDQ, asm.Imm(-4096), asm.R(tD))
	e.op(asm.MOVQ, asm.Imm(int64(s.hi)), asm.R(tC))
	e.op(asm.CMPQ, asm.R(tD), asm.R(tC))
	e.jump(asm.JLS, l3)
	e.op(asm.MOVQ, asm.R(tC), asm.R(tD))
	u.b.Bind(l3)
	e.op(asm.SUBQ, asm.Imm(8), asm.R(tD))
	e.op(asm.CMPQ, asm.R(tD), stMem(winHi8(i)))
	e.jump(asm.JLS, l4)
	e.op(asm.MOVQ, asm.R(tD), stMem(winHi8(i)))
	u.b.Bind(l4)
}

// chargePages charges window i's new pages: pages = (pageUp(hi8+8) - pageDown(lo)) /
// 4096 (the window is not empty: it was just grown); R13's gas field loses (pages -
// WinPages[i]) * PageGas, and WinPages[i] = pages. Uses RCX and RDX.
func (u *unit) chargePages(i int) {
	e := &u.e
	pg := u.m.Cfg.Layout.PageGas
	if pg == 0 {
		return
	}
	e.op(asm.MOVQ, stMem(winHi8(i)), asm.R(tD))
	e.op(asm.ADDQ, asm.Imm(8+4095), asm.R(tD))
	e.op(asm.ANDQ, asm.Imm(-4096), asm.R(tD))
	e.op(asm.MOVQ, stMem(winLo(i)), asm.R(tC))
	e.op(asm.ANDQ, asm.Imm(-4096), asm.R(tC))
	e.op(asm.SUBQ, asm.R(tC), asm.R(tD))
	e.op(asm.SHRQ, asm.Imm(12), asm.R(tD))
	e.op(asm.MOVQ, asm.R(tD), asm.R(tC))
	e.op(asm.SUBQ, stMem(winPages(i)), asm.R(tC))
	e.op(asm.MOVQ, asm.R(tD), stMem(winPages(i)))
	e.op(asm.SHLQ, asm.Imm(int64(gasShift+bits.TrailingZeros64(uint64(pg)))), asm.R(tC))
	e.op(asm.SUBQ, asm.R(tC), asm.R(rGas))
}

func winPages(i int) int64 { return guest.OffWinPages + 8*int64(i) }
