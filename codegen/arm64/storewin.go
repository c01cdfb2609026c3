package arm64

import (
	"math/bits"

	"github.com/hybridvm/hybridvm/codegen/internal/asm"
	"github.com/hybridvm/hybridvm/guest"
)

// Stores are checked against the store windows (guest.State.StoreWinLo/StoreWinHi8)
// exactly as in codegen/amd64 (see its storewin.go): a store inside the window its
// base register makes likely costs two loads, two compares and two branches; the
// slow path tries the other window and then calls the unit's check routine, which
// checks the store exactly and grows its window as guest.State.GrowWindow does,
// charging Layout.PageGas per new page to rGas at once. A failed check is the
// instruction's store fault.

// side is the region of arena offsets on one side of the write-protected range.
type side struct {
	lo, hi uint64
}

// usable reports whether a window can live in the region.
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
// stack's side for sp and s0, the data's otherwise.
func (m *module) primaryWindow(base uint8) int {
	s := m.sides()
	switch {
	case !s[0].usable():
		return 1
	case !s[1].usable():
		return 0
	case base == 2 || base == 8:
		return 0
	}
	return 1
}

func winLo(i int) int64    { return guest.OffWinLo + 8*int64(i) }
func winHi8(i int) int64   { return guest.OffWinHi8 + 8*int64(i) }
func winPages(i int) int64 { return guest.OffWinPages + 8*int64(i) }

// inWindow branches to out unless arena offset tA is inside window i (uses tB).
func (u *unit) inWindow(i int, out *asm.Label) {
	e := &u.e
	e.ldSt(winLo(i), tB)
	e.b.InstR(asm.ACMP, asm.R(tB), tA, asm.None)
	e.jump(asm.ABLO, out)
	e.ldSt(winHi8(i), tB)
	e.b.InstR(asm.ACMP, asm.R(tB), tA, asm.None)
	e.jump(asm.ABHI, out)
}

// storeCheck emits the window check of a w-byte store at arena offset tA, with the
// out-of-line slow path that ends at fault when the store is not allowed.
func (u *unit) storeCheck(w int, primary int, fault *asm.Label) {
	e := &u.e
	back := u.b.NewLabel()
	slow := u.coldLabel(func() {
		other := 1 - primary
		full := u.b.NewLabel()
		if u.m.sides()[other].usable() {
			u.inWindow(other, full)
			e.jump(asm.AB, back)
		}
		u.b.Bind(full)
		u.fullStoreCheck(w, fault)
		e.jump(asm.AB, back)
	})
	u.inWindow(primary, slow)
	u.b.Bind(back)
}

// fullStoreCheck calls the unit's check routine for w-byte stores (tA = arena
// offset, preserved; tB and tC clobbered) and branches to fault when it fails.
func (u *unit) fullStoreCheck(w int, fault *asm.Label) {
	if u.checkRoutine[w] == nil {
		u.checkRoutine[w] = u.coldLabel(func() { u.emitCheckRoutine(w) })
	}
	u.e.jump(asm.ABL, u.checkRoutine[w])
	u.e.cbz(asm.ACBNZ, tB, fault)
}

// emitCheckRoutine emits the check routine for w-byte stores, called with BL and tA
// = the arena offset: it returns tB = 0 when the store is allowed (after growing its
// window and charging its pages) and tB != 0 when it must fault. It preserves tA and
// every register but tB and tC; its return address waits in the trampoline's frame
// meanwhile (tC is the link register).
func (u *unit) emitCheckRoutine(w int) {
	e := &u.e
	l := u.m.Cfg.Layout
	s := u.m.sides()
	bad, ok := u.b.NewLabel(), u.b.NewLabel()
	e.op(asm.AMOVD, asm.R(tC), asm.Mem(asm.XSP, frameLR2))
	// Inside the arena: off <= size - w.
	e.movImm(int64(l.ArenaSize)-int64(w), tB)
	e.b.InstR(asm.ACMP, asm.R(tB), tA, asm.None)
	e.jump(asm.ABHI, bad)
	wsz := int64(w)
	if l.ROSize == 0 {
		u.growWindow(1, s[1], wsz)
	} else {
		// Below the write-protected range (off + w <= ro), or above it (off >= ro + n).
		above := u.b.NewLabel()
		e.op3(asm.AADD, asm.Imm(wsz), tA, tB)
		e.movImm(int64(l.ROStart), tC)
		e.b.InstR(asm.ACMP, asm.R(tC), tB, asm.None)
		e.jump(asm.ABHI, above)
		u.growWindow(0, s[0], wsz)
		e.jump(asm.AB, ok)
		u.b.Bind(above)
		e.movImm(int64(l.ROStart+l.ROSize), tC)
		e.b.InstR(asm.ACMP, asm.R(tC), tA, asm.None)
		e.jump(asm.ABLO, bad)
		u.growWindow(1, s[1], wsz)
	}
	u.b.Bind(ok)
	e.movImm(0, tB)
	e.op(asm.AMOVD, asm.Mem(asm.XSP, frameLR2), asm.R(tC))
	e.op(asm.ARET, asm.None, asm.R(tC))
	u.b.Bind(bad)
	e.movImm(1, tB)
	e.op(asm.AMOVD, asm.Mem(asm.XSP, frameLR2), asm.R(tC))
	e.op(asm.ARET, asm.None, asm.R(tC))
}

// growWindow grows window i to include the pages around the w-byte store at tA,
// clamped to its side's region, and charges its new pages (as the amd64 backend
// does, which is guest.State.GrowWindow). Uses tB and tC.
func (u *unit) growWindow(i int, s side, w int64) {
	e := &u.e
	if !s.usable() {
		return
	}
	// lo = max(pageDown(off), s.lo); StoreWinLo = min(StoreWinLo, lo).
	e.op3(asm.AAND, asm.Imm(-4096), tA, tB)
	e.movImm(int64(s.lo), tC)
	e.b.InstR(asm.ACMP, asm.R(tC), tB, asm.None)
	e.b.InstR4(asm.ACSEL, asm.Cond(asm.CondHS), tB, asm.R(tC), asm.R(tB))
	e.ldSt(winLo(i), tC)
	e.b.InstR(asm.ACMP, asm.R(tC), tB, asm.None)
	e.b.InstR4(asm.ACSEL, asm.Cond(asm.CondLO), tB, asm.R(tC), asm.R(tB))
	e.stSt(tB, winLo(i))
	// hi = min(pageUp(off + w), s.hi); StoreWinHi8 = max(StoreWinHi8, hi - 8).
	e.op3(asm.AADD, asm.Imm(w+4095), tA, tB)
	e.op3(asm.AAND, asm.Imm(-4096), tB, tB)
	e.movImm(int64(s.hi), tC)
	e.b.InstR(asm.ACMP, asm.R(tC), tB, asm.None)
	e.b.InstR4(asm.ACSEL, asm.Cond(asm.CondLS), tB, asm.R(tC), asm.R(tB))
	e.op3(asm.ASUB, asm.Imm(8), tB, tB)
	e.ldSt(winHi8(i), tC)
	e.b.InstR(asm.ACMP, asm.R(tC), tB, asm.None)
	e.b.InstR4(asm.ACSEL, asm.Cond(asm.CondHI), tB, asm.R(tC), asm.R(tB))
	e.stSt(tB, winHi8(i))
	u.chargePages(i)
}

// chargePages charges window i's new pages: pages = (pageUp(hi8+8) - pageDown(lo)) /
// 4096; rGas's gas field loses (pages - WinPages[i]) * PageGas, and WinPages[i] =
// pages. Uses tB and tC.
func (u *unit) chargePages(i int) {
	e := &u.e
	pg := u.m.Cfg.Layout.PageGas
	if pg == 0 {
		return
	}
	e.ldSt(winHi8(i), tB)
	e.op3(asm.AADD, asm.Imm(8+4095), tB, tB)
	e.op3(asm.AAND, asm.Imm(-4096), tB, tB)
	e.ldSt(winLo(i), tC)
	e.op3(asm.AAND, asm.Imm(-4096), tC, tC)
	e.op3(asm.ASUB, asm.R(tC), tB, tB)
	e.op3(asm.ALSR, asm.Imm(12), tB, tB)
	e.ldSt(winPages(i), tC)
	e.op3(asm.ASUB, asm.R(tC), tB, tC)
	e.stSt(tB, winPages(i))
	e.op3(asm.ALSL, asm.Imm(int64(gasShift+bits.TrailingZeros64(uint64(pg)))), tC, tC)
	e.op3(asm.ASUB, asm.R(tC), rGas, rGas)
}
