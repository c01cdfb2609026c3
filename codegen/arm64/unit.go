package arm64

import (
	"encoding/binary"
	"fmt"

	"github.com/hybridvm/hybridvm/codegen"
	"github.com/hybridvm/hybridvm/codegen/internal/asm"
	"github.com/hybridvm/hybridvm/guest"
)

// frameLR and frameLR2 are the trampoline's frame slots (offsets from RSP) where the
// entry stub keeps the trampoline's return address and the store check routine its
// own (see enter_arm64.s).
const (
	frameLR  = 8
	frameLR2 = 16
)

// unit builds one unit of code: a set of blocks compiled together (direct branches
// between them), the exit sequence and stubs they share, and their jump slots.
type unit struct {
	m      *module
	b      *asm.Builder
	e      emitter
	blocks []*codegen.Block
	index  map[uint64]int // block start → index in blocks
	ind    []*asm.Label   // per block: indirect entry (target check)
	direct []*asm.Label   // per block: direct entry

	exit    *asm.Label // store the mapped registers and rGas, return to the trampoline
	missInd *asm.Label // dispatch miss: tA = pc - lo

	cold []func() // out-of-line code, emitted after the blocks

	slots     []uint64       // slot → target pc
	slotOf    map[uint64]int // target pc → slot
	slotMiss  []*asm.Label   // slot → its missing-block stub
	slotLoads []slotLoad
	// tableSlot is the data word holding the dispatch table's address (-1: none yet).
	tableSlot int

	// checkRoutine holds the store check routine per width (storewin.go).
	checkRoutine [9]*asm.Label

	blk  *codegen.Block
	next *asm.Label
}

// slotLoad is an ADRP rd / LDR rd, [rd, #lo12] pair loading a data word, patched
// when the unit's address is known.
type slotLoad struct {
	adrp asm.Mark
	rd   asm.Reg
	slot int
}

func newUnit(m *module, blocks []*codegen.Block) *unit {
	u := &unit{m: m, b: asm.NewARM64(), blocks: blocks, index: map[uint64]int{}, slotOf: map[uint64]int{}, tableSlot: -1}
	u.e = emitter{b: u.b, rm: &m.rm}
	u.exit = u.b.NewLabel()
	u.missInd = u.b.NewLabel()
	for i, b := range blocks {
		u.index[b.Start] = i
		u.ind = append(u.ind, u.b.NewLabel())
		u.direct = append(u.direct, u.b.NewLabel())
	}
	return u
}

// coldLabel returns a label for out-of-line code emitted by f after the blocks, in
// the block context of the moment it was called.
func (u *unit) coldLabel(f func()) *asm.Label {
	l := u.b.NewLabel()
	blk := u.blk
	u.cold = append(u.cold, func() {
		saved, next := u.blk, u.next
		u.blk, u.next = blk, nil
		u.b.Bind(l)
		f()
		u.blk, u.next = saved, next
	})
	return l
}

// toExit branches to the unit's exit sequence.
func (u *unit) toExit() { u.e.jump(asm.AB, u.exit) }

// exitAt exits with code and State.PC = pc.
func (u *unit) exitAt(code guest.ExitCode, pc uint64) {
	e := &u.e
	e.movImm(int64(pc), tB)
	e.stSt(tB, guest.OffPC)
	e.setExit(code, tB)
	u.toExit()
}

// slot returns the jump slot for target, allocating it.
func (u *unit) slot(target uint64) int {
	if s, ok := u.slotOf[target]; ok {
		return s
	}
	s := len(u.slots)
	u.slots = append(u.slots, target)
	u.slotOf[target] = s
	u.slotMiss = append(u.slotMiss, u.coldLabel(func() { u.exitAt(guest.ExitMissingBlock, target) }))
	return s
}

// loadSlot loads data word s of the unit into rd (ADRP + LDR, patched in finish).
func (u *unit) loadSlot(s int, rd asm.Reg) {
	u.slotLoads = append(u.slotLoads, slotLoad{u.b.Raw32(0), rd, s})
	u.b.Raw32(0)
}

// jumpTo jumps to the block at target: directly within the unit, through a jump slot
// otherwise.
func (u *unit) jumpTo(target uint64) {
	if i, ok := u.index[target]; ok {
		if u.direct[i] != u.next {
			u.e.jump(asm.AB, u.direct[i])
		}
		return
	}
	u.loadSlot(u.slot(target), tC)
	u.e.op(asm.AB, asm.None, asm.Mem(tC, 0)) // BR tC
}

// branchTo jumps to the block at target when cond holds.
func (u *unit) branchTo(cond asm.Op, target uint64) {
	if i, ok := u.index[target]; ok {
		u.e.jump(cond, u.direct[i])
		return
	}
	u.e.jump(cond, u.coldLabel(func() { u.jumpTo(target) }))
}

// dispatch jumps through the dispatch table: tA = target pc - lo (even).
func (u *unit) dispatch() {
	e := &u.e
	if u.tableSlot < 0 {
		u.tableSlot = len(u.slots)
		u.slots = append(u.slots, 0)
		u.slotMiss = append(u.slotMiss, nil)
	}
	e.op3(asm.AAND, asm.Imm(int64(u.m.Mask<<1)), tA, tB)
	e.op3(asm.ALSL, asm.Imm(2), tB, tB)
	u.loadSlot(u.tableSlot, tC)
	e.op(asm.AMOVD, asm.MemIdx(tC, tB, 1, 0), asm.R(tC))
	e.op(asm.AB, asm.None, asm.Mem(tC, 0))
}

// emitShared emits the unit's dispatch miss stub and exit sequence.
func (u *unit) emitShared() {
	e := &u.e
	u.b.Bind(u.missInd)
	e.movImm(int64(u.m.Lo), tB)
	e.op3(asm.AADD, asm.R(tB), tA, tA)
	e.stSt(tA, guest.OffPC)
	e.setExit(guest.ExitMissingBlock, tB)

	u.b.Bind(u.exit)
	for _, p := range u.m.rm.mapped() {
		e.stSt(asm.Reg(p[1]), xoff(uint8(p[0])))
	}
	e.op3(asm.AASR, asm.Imm(gasShift), rGas, tA) // gas may be negative after a memory charge
	e.stSt(tA, guest.OffGas)
	e.op3(asm.AAND, asm.Imm(1<<gasShift-1), rGas, rGas)
	e.ldSt(guest.OffInstret, tA)
	e.op3(asm.AADD, asm.R(rGas), tA, tA)
	e.stSt(tA, guest.OffInstret)
	e.op(asm.AMOVD, asm.Mem(asm.XSP, frameLR), asm.R(asm.X30))
	e.op(asm.ARET, asm.None, asm.R(asm.X30))
}

// finish emits the shared and cold code, assembles, maps the unit and fills its
// jump slots.
func (u *unit) finish() (*codegen.ExecMem, error) {
	u.emitShared()
	for i := 0; i < len(u.cold); i++ { // cold code may queue more cold code
		u.cold[i]()
	}
	code, err := u.b.Assemble()
	if err != nil {
		return nil, fmt.Errorf("arm64: %w", err)
	}
	mem, err := u.m.Place(u.relocatable(code), patchRef)
	if err != nil {
		return nil, err
	}
	return mem, nil
}

// adrpLdr encodes ADRP rd, target; LDR rd, [rd, #target&4095] for the instruction
// pair at pc loading the 8-byte word at target (8-aligned, within ±4 GiB: a unit's
// data lies in the same region as its code).
func adrpLdr(pc, target uint64, rd uint32) (uint32, uint32) {
	pages := int64(target>>12) - int64(pc>>12)
	imm := uint32(pages) & (1<<21 - 1)
	adrp := 0x90000000 | (imm&3)<<29 | (imm>>2)<<5 | rd
	ldr := 0xF9400000 | uint32(target&4095/8)<<10 | rd<<5 | rd
	return adrp, ldr
}

// relocatable is the unit's code in relocatable form (codegen.Unit).
func (u *unit) relocatable(code []byte) *codegen.Unit {
	r := &codegen.Unit{Code: code}
	for i, b := range u.blocks {
		r.Blocks = append(r.Blocks, codegen.UnitBlock{Start: b.Start, Direct: uint32(u.direct[i].Offset()), Indirect: uint32(u.ind[i].Offset())})
	}
	for s, target := range u.slots {
		if s == u.tableSlot {
			r.Slots = append(r.Slots, codegen.Slot{Kind: codegen.SlotTable})
			continue
		}
		r.Slots = append(r.Slots, codegen.Slot{Kind: codegen.SlotBlock, Target: target, Miss: uint32(u.slotMiss[s].Offset())})
	}
	for _, l := range u.slotLoads {
		r.Refs = append(r.Refs, codegen.Ref{Off: uint32(l.adrp.Offset()), Slot: uint32(l.slot), Arg: uint8(hw(l.rd))})
	}
	return r
}

// patchRef fills a reference: the ADRP+LDR pair at r.Off loading the data word into
// register r.Arg.
func patchRef(code []byte, codeBase, target uintptr, r codegen.Ref) {
	adrp, ldr := adrpLdr(uint64(codeBase)+uint64(r.Off), uint64(target), uint32(r.Arg&31))
	binary.LittleEndian.PutUint32(code[r.Off:], adrp)
	binary.LittleEndian.PutUint32(code[r.Off+4:], ldr)
}
