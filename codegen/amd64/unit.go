package amd64

import (
	"encoding/binary"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/hybridvm/hybridvm/codegen"
	"github.com/hybridvm/hybridvm/codegen/internal/asm"
	"github.com/hybridvm/hybridvm/guest"
)

// unit builds one unit of code: a set of blocks compiled together (direct jumps
// between them), the exit sequence and stubs they share, and their jump slots.
type unit struct {
	m      *module
	b      *asm.Builder
	e      emitter
	blocks []*codegen.Block
	index  map[uint64]int // block start → index in blocks
	ind    []*asm.Label   // per block: indirect entry (target check)
	direct []*asm.Label   // per block: direct entry

	exit    *asm.Label // store the mapped registers and R13, return to the trampoline
	missInd *asm.Label // dispatch miss: RAX = pc - lo

	cold []coldCode // out-of-line code, emitted after the blocks

	// boolSlab and pcSlab hold the per-block analyses (they live until the cold code
	// of the block is emitted): what is left of boolBuf and pcBuf.
	boolSlab, boolBuf []bool
	pcSlab, pcBuf     []uint64

	slots     []uint64       // slot → target pc
	slotOf    map[uint64]int // target pc → slot
	slotMiss  []*asm.Label   // slot → its missing-block stub
	slotJumps []slotJump
	// tableSlot is the data word holding the dispatch table's address (-1: none yet).
	tableSlot int
	// placed, when set, runs once the unit is mapped, before its blocks are linked in.
	placed func(*codegen.ExecMem)

	// checkRoutine holds the store check routine per width (storewin.go), emitted once
	// per unit on first use; shared the shared exit routines (exits.go).
	checkRoutine [9]*asm.Label
	shared       [numShared]*asm.Label

	// The block being lowered, and the direct entry of the block emitted after it
	// (nil for the last): a jump there is a fall-through.
	blk  *codegen.Block
	next *asm.Label
	// needUpper is upperNeeded of the block's body, idx the body index being lowered.
	needUpper []bool
	// sextMove marks the body's sext.w whose source is already sign-extended
	// (sext.go): lowered as moves (nil under a restored context, see setContext).
	sextMove []bool
	idx      int
	// fuse is fuseRotates of the block's body (never nil: noFusion for none).
	fuse *fusion
	// spans are forwardSpans of the block's body (forward.go); while one is being
	// lowered, fwdReg is its register, the emitter's mapping is fwdRM (fwdSaved
	// the mapping before it).
	spans  []fwdSpan
	fwdReg uint8
	// fwdNoStore: the span's writes are not stored to the register's slot (sink.go).
	fwdNoStore bool
	fwdRM      regMap
	fwdSaved   *regMap
	// local is the current block's own register mapping (blockregs.go; nil when it
	// uses the module's), written the guest registers the block writes, and loopTop
	// the head of a self-loop that keeps local across its back edge (nil otherwise).
	local   *localMapping
	written [32]bool
	loopTop *asm.Label
	// backTo is the back edge's own gas charge of a self-loop whose exit edge
	// computes skipped results (fuse.go) or sign extensions (sextexit.go), nil
	// otherwise.
	backTo *asm.Label
	// sextAtExit holds the registers whose sign extension the self-loop copy being
	// lowered leaves to its exits (sextexit.go; 0: none), exitWork the body
	// indices its exits compute, in order (fuse.go's atExit and sink.go's).
	sextAtExit uint32
	exitWork   []int
	// unchecked marks the body's loads and stores whose checks the loop's entry made
	// (hoist.go; nil: none).
	unchecked []bool
	// divBy marks the body's DIVW/REMW whose divisor the loop's entry compared with a
	// constant, the constant (divguard.go; nil: none).
	divBy []int64
	// divNonNeg marks those whose dividend the entry proved non-negative
	// (hoistbound.go).
	divNonNeg []bool
	// nonNegWords marks the addiw whose result the entry proved to lie in [0, 2^31)
	// (hoistbound.go).
	nonNegWords []bool
	// divPair marks the body's division pairs (divpair.go; nil: none).
	divPair []bool
	// sextEntry holds the registers sign-extended at the start of every iteration
	// of the self-loop copy being lowered (sextloop.go; 0: none known).
	sextEntry uint32
	// flFree holds fast loop allocations done with, whose storage the next reuse
	// (takeFl), kept with the unit.
	flFree []*flAlloc
	// live is backEdgeLive of block liveOf (the unit's backEdgeLive).
	liveOf *codegen.Block
	live   regSet
	// lis lists the unit's loads of constants once guessLi asked (lisDone).
	lis     []liLoad
	lisDone bool
	// callEnds maps each call target of the unit's blocks to the return addresses
	// of those calls (retsite.go; built on first use).
	callEnds    map[uint64][]uint64
	callTargets []uint64 // callEnds' keys, sorted
	// locals holds the blocks' own mappings (newLocal).
	locals []localMapping
	// noIf: the branch being lowered is the ordinary one, not if-converted (the
	// out-of-line path of an if-converted branch, ifconv.go).
	noIf bool
}

type slotJump struct {
	disp asm.Mark // the disp32 of a JMP [RIP+disp32]
	slot int
}

// Released units (release), whose maps and slices newUnit reuses: spareUnit keeps one
// through garbage collections (which empty a sync.Pool), units the others.
var (
	spareUnit atomic.Pointer[unit]
	units     sync.Pool
)

func newUnit(m *module, blocks []*codegen.Block) *unit {
	old := spareUnit.Swap(nil)
	if old == nil {
		old, _ = units.Get().(*unit)
	}
	if old == nil {
		old = &unit{index: map[uint64]int{}, slotOf: map[uint64]int{}}
	}
	clear(old.index)
	clear(old.slotOf)
	u := old
	*u = unit{
		m: m, b: asm.NewAMD64(), blocks: blocks, index: old.index, slotOf: old.slotOf, tableSlot: -1, fuse: &noFusion,
		ind: old.ind[:0], locals: old.locals[:0], direct: old.direct[:0], cold: old.cold[:0], boolBuf: old.boolBuf, pcBuf: old.pcBuf,
		slots: old.slots[:0], slotMiss: old.slotMiss[:0], slotJumps: old.slotJumps[:0], flFree: old.flFree, lis: old.lis,
	}
	u.e = emitter{b: u.b, rm: &m.rm}
	u.exit = u.b.NewLabel()
	u.missInd = u.b.NewLabel()
	insts := 0
	for i, b := range blocks {
		u.index[b.Start] = i
		u.ind = append(u.ind, u.b.NewLabel())
		u.direct = append(u.direct, u.b.NewLabel())
		insts += len(b.Insts)
	}
	// Two analyses of a block's body take bools (needUpper and sextMove) and its
	// addresses take words, once per copy: a loop's block is lowered twice (hoist.go),
	// and its plans take a few more.
	nb, np := 4*insts, 2*(insts+len(blocks))
	if cap(u.boolBuf) < nb {
		u.boolBuf = make([]bool, nb)
	}
	if cap(u.pcBuf) < np {
		u.pcBuf = make([]uint64, np)
	}
	u.boolSlab, u.pcSlab = u.boolBuf[:nb], u.pcBuf[:np]
	clear(u.boolSlab)
	if n := 2*len(blocks) + insts/4; cap(u.cold) < n {
		u.cold = make([]coldCode, 0, n)
	}
	return u
}

// release gives the unit and its builder back for reuse once the unit is placed
// and every offset read: neither, nor their labels, may be used any more.
func (u *unit) release() {
	u.b.Release()
	clear(u.cold[:cap(u.cold)]) // drop the references to blocks and closures
	clear(u.ind)
	clear(u.direct)
	clear(u.slotMiss)
	clear(u.slotJumps)
	*u = unit{index: u.index, slotOf: u.slotOf, ind: u.ind, direct: u.direct, cold: u.cold, boolBuf: u.boolBuf, pcBuf: u.pcBuf, slots: u.slots, slotMiss: u.slotMiss, slotJumps: u.slotJumps, locals: u.locals, flFree: u.flFree, lis: u.lis}
	if len(u.boolBuf) > 1<<17 || !spareUnit.CompareAndSwap(nil, u) {
		units.Put(u)
	}
}

// coldLabel returns a label for out-of-line code emitted by f after the blocks. f
// runs with the block context of the moment coldLabel was called (the block, its
// upper-half and rotate analyses), as the code it emits belongs to that block.
func (u *unit) coldLabel(f func()) *asm.Label { return u.cold1(coldCode{kind: coldFunc, f: f}) }

// cold1 queues out-of-line code c (coldLabel; the frequent kinds need no closure)
// and returns its label.
func (u *unit) cold1(c coldCode) *asm.Label {
	c.l = u.b.NewLabel()
	// Out of gas under a block's own register mapping (a self-loop's check)
	// must switch back first: it needs the block's context too.
	if c.needsContext() || c.kind == coldOOG && (u.e.rm != &u.m.rm || len(c.replay) > 0 || c.sext != 0) {
		c.ctx, c.hasCtx = u.context(), true
	}
	u.cold = append(u.cold, c)
	return c.l
}

// needsContext reports whether c's code depends on its block's context (arbitrary
// code, and faults, which may compute skipped instructions); the other kinds emit the
// same code anywhere.
func (c *coldCode) needsContext() bool {
	return c.kind == coldFunc || c.kind == coldFault || c.kind == coldGroup
}

// coldCode is out-of-line code: at label l, in block context ctx, f or one of the
// frequent kinds below with its operands.
type coldCode struct {
	kind   coldKind
	l      *asm.Label
	ctx    blockContext
	hasCtx bool // ctx is set: the code is emitted in it
	f      func()
	i      int    // coldEntry: the block's index; coldStore: the store's width; coldGroup: its start
	pc     uint64 // coldOOG: the block; coldFault: the instruction; coldMiss, coldJump: the target
	arg    int64  // coldOOG: the charge; coldFault: the instructions not retired
	// coldFault: the fault, the address source and the skipped instructions to compute
	// (coldOOG: the skipped instructions to compute).
	// (coldStore: mode is the primary window; coldGroup: the group's end.)
	fault  guest.FaultKind
	mode   int
	replay []int
	// coldStore: where a store that may not happen goes, and where one that may
	// continues (coldGroup: back is where the group continues).
	faultL, back *asm.Label
	// coldOOG: the registers to sign-extend after replay (sextexit.go).
	sext uint32
	// coldFault: a guest register to set to RAX + restoreDisp first (0: none).
	restore     uint8
	restoreDisp int64
}

type coldKind uint8

const (
	coldFunc  coldKind = iota // f
	coldEntry                 // block i's indirect entry: its target check (l is ind[i])
	coldOOG                   // out of gas at entry of the block at pc
	coldFault                 // a fault (faultStub)
	coldMiss                  // the missing-block stub of the jump slot for pc
	coldJump                  // a jump to the block at pc (branchTo)
	coldStore                 // a store's slow window check (storeCheck)
	coldGroup                 // a memory group's slow path (lowerGroup)
)

// emitCold emits c.
func (u *unit) emitCold(c *coldCode) {
	e := &u.e
	if c.kind == coldEntry {
		// Not block code: no context, and bound at its own label.
		u.b.Bind(c.l)
		e.op(asm.CMPQ, asm.R(tA), asm.Imm(int64(u.blocks[c.i].Start-u.m.Lo)))
		e.jump(asm.JNE, u.missInd)
		e.jump(asm.JMP, u.direct[c.i])
		return
	}
	// Code without a context of its own runs under the module's mapping.
	saved := u.context()
	if c.hasCtx {
		u.setContext(c.ctx)
	} else {
		u.e.rm, u.local = &u.m.rm, nil
	}
	next := u.next
	u.next = nil // out-of-line code is never followed by a block: no fall-through
	u.b.Bind(c.l)
	switch c.kind {
	case coldFunc:
		c.f()
	case coldOOG:
		u.replay(c.replay) // a self-loop's back edge: what its exit edge computes
		u.signExtendRegs(c.sext)
		u.leave()
		if packable(c.pc) {
			u.jumpShared(sharedOOG, c.pc|uint64(c.arg)<<32)
			break
		}
		e.op(asm.ADDQ, asm.Imm(c.arg), asm.R(rGas))
		u.exitAt(guest.ExitOutOfGas, c.pc)
	case coldFault:
		if c.restore != 0 { // under the block's mapping: leave moves it where it belongs
			d := e.dest(c.restore, tD)
			e.op(asm.LEAQ, asm.Mem(tA, c.restoreDisp), asm.R(d))
			e.commit(c.restore, d)
		}
		u.leave()
		if len(c.replay) == 0 && packable(c.pc) {
			u.jumpShared(sharedFault, c.pc|uint64(c.fault)<<32|uint64(c.mode)<<40|uint64(c.arg)<<48)
			break
		}
		u.faultReplay(c.fault, c.pc, c.arg, c.mode, c.replay)
	case coldMiss:
		if packable(c.pc) {
			u.jumpShared(sharedMissing, c.pc)
			break
		}
		u.exitAt(guest.ExitMissingBlock, c.pc)
	case coldJump:
		u.jumpTo(c.pc)
	case coldStore:
		u.storeSlow(c)
	case coldGroup:
		u.groupSlow(c)
	}
	u.setContext(saved)
	u.next = next
}

// newLocal returns block mapping m, with its differences from the module's, from
// the unit's slab. Out-of-line code may keep a pointer to it (its context) until
// the unit is assembled; growing the slab leaves earlier entries where they are.
func (u *unit) newLocal(m regMap) *localMapping {
	if len(u.locals) == cap(u.locals) {
		u.locals = make([]localMapping, 0, max(16, 2*cap(u.locals)))
	}
	u.locals = append(u.locals, localMapping{rm: m})
	l := &u.locals[len(u.locals)-1]
	l.n = len(l.swaps.of(&u.m.rm, &l.rm))
	return l
}

// bools returns n false bools from the unit's slab.
func (u *unit) bools(n int) []bool {
	if n > len(u.boolSlab) {
		u.boolSlab = make([]bool, max(n, 4096))
	}
	s := u.boolSlab[:n:n]
	u.boolSlab = u.boolSlab[n:]
	return s
}

// uint64s returns n words from the unit's slab (not zeroed: the caller sets them).
func (u *unit) uint64s(n int) []uint64 {
	if n > len(u.pcSlab) {
		u.pcSlab = make([]uint64, max(n, 1024))
	}
	s := u.pcSlab[:n:n]
	u.pcSlab = u.pcSlab[n:]
	return s
}

// blockContext is the per-block state lowering reads.
type blockContext struct {
	blk       *codegen.Block
	needUpper []bool
	fuse      *fusion
	idx       int
	rm        *regMap
	local     *localMapping
	written   [32]bool
	divPair   []bool
}

func (u *unit) context() blockContext {
	return blockContext{u.blk, u.needUpper, u.fuse, u.idx, u.e.rm, u.local, u.written, u.divPair}
}

func (u *unit) setContext(c blockContext) {
	u.blk, u.needUpper, u.fuse, u.idx, u.divPair = c.blk, c.needUpper, c.fuse, c.idx, c.divPair
	// Not part of the context (it would grow every piece of cold code): a sext.w
	// lowered under a restored context sign-extends, which is always right.
	u.sextMove = nil
	u.e.rm, u.local, u.written = c.rm, c.local, c.written
}

// toExit jumps to the unit's exit sequence.
func (u *unit) toExit() { u.e.jump(asm.JMP, u.exit) }

// exitAt exits with code and State.PC = pc.
func (u *unit) exitAt(code guest.ExitCode, pc uint64) {
	u.leave()
	u.e.store64Imm(pc, guest.OffPC)
	u.e.setExit(code)
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
	u.slotMiss = append(u.slotMiss, u.cold1(coldCode{kind: coldMiss, pc: target}))
	return s
}

// jumpTo jumps to the block at target: directly within the unit, through a jump slot
// otherwise.
func (u *unit) jumpTo(target uint64) {
	if i, ok := u.index[target]; ok {
		if u.direct[i] != u.next {
			u.e.jump(asm.JMP, u.direct[i])
		}
		return
	}
	s := u.slot(target)
	u.b.Raw(0xFF, 0x25) // JMP [RIP+disp32]
	u.slotJumps = append(u.slotJumps, slotJump{u.b.Raw32(0), s})
}

// branchTo jumps to the block at target when cond holds.
func (u *unit) branchTo(cond asm.Op, target uint64) {
	if i, ok := u.index[target]; ok {
		u.e.jump(cond, u.direct[i])
		return
	}
	u.e.jump(cond, u.cold1(coldCode{kind: coldJump, pc: target}))
}

// dispatch jumps through the dispatch table: RAX = target pc - lo (even). The table's
// address is a data word of the unit (read PC-relatively), so only RDX is needed.
func (u *unit) dispatch() {
	e := &u.e
	if u.tableSlot < 0 {
		u.tableSlot = len(u.slots)
		u.slots = append(u.slots, 0)
		u.slotMiss = append(u.slotMiss, nil)
	}
	e.op(asm.MOVL, asm.R(tA), asm.R(tD))
	e.op(asm.ANDL, asm.Imm(int64(u.m.Mask<<1)), asm.R(tD))
	e.op(asm.SHLQ, asm.Imm(2), asm.R(tD))
	u.b.Raw(0x48, 0x03, 0x15) // ADD RDX, [RIP+disp32]
	u.slotJumps = append(u.slotJumps, slotJump{u.b.Raw32(0), u.tableSlot})
	e.op(asm.JMP, asm.None, asm.Mem(tD, 0))
}

// emitShared emits the unit's exit sequence and dispatch miss stub.
func (u *unit) emitShared() {
	e := &u.e
	u.b.Bind(u.missInd)
	e.addImm(int64(u.m.Lo), tA, tD)
	e.op(asm.MOVQ, asm.R(tA), stMem(guest.OffPC))
	e.setExit(guest.ExitMissingBlock)

	u.b.Bind(u.exit)
	for _, p := range u.m.rm.mapped() {
		e.op(asm.MOVQ, asm.R(asm.Reg(p[1])), stMem(xoff(uint8(p[0]))))
	}
	e.op(asm.MOVQ, asm.R(rGas), asm.R(tA))
	e.op(asm.SARQ, asm.Imm(gasShift), asm.R(tA)) // gas may be negative after a memory charge
	e.op(asm.MOVQ, asm.R(tA), stMem(guest.OffGas))
	e.op(asm.ANDL, asm.Imm(1<<gasShift-1), asm.R(rGas))
	e.op(asm.ADDQ, asm.R(rGas), stMem(guest.OffInstret))
	e.op(asm.RET, asm.None, asm.None)
}

// finish emits the shared and cold code, assembles, maps the unit and fills its
// jump slots.
func (u *unit) finish() (*codegen.ExecMem, error) {
	u.emitShared()
	for i := 0; i < len(u.cold); i++ { // cold code may queue more cold code
		c := u.cold[i] // a copy: emitting it may grow u.cold
		u.emitCold(&c)
	}
	code, err := u.b.Assemble()
	if err != nil {
		return nil, fmt.Errorf("amd64: %w", err)
	}
	mem, err := u.m.PlaceThen(u.relocatable(code), patchRef, u.placed)
	if err != nil {
		return nil, err
	}
	recordUnit(u, mem, code)
	return mem, nil
}

// relocatable is the unit's code in relocatable form (codegen.Unit).
func (u *unit) relocatable(code []byte) *codegen.Unit {
	r := &codegen.Unit{Code: code, Blocks: make([]codegen.UnitBlock, 0, len(u.blocks)),
		Slots: make([]codegen.Slot, 0, len(u.slots)), Refs: make([]codegen.Ref, 0, len(u.slotJumps))}
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
	for _, j := range u.slotJumps {
		r.Refs = append(r.Refs, codegen.Ref{Off: uint32(j.disp.Offset()), Slot: uint32(j.slot)})
	}
	return r
}

// patchRef fills a reference: the disp32 at r.Off of a RIP-relative instruction that
// ends with it.
func patchRef(code []byte, codeBase, target uintptr, r codegen.Ref) {
	disp := int64(target) - (int64(codeBase) + int64(r.Off) + 4)
	binary.LittleEndian.PutUint32(code[r.Off:], uint32(int32(disp)))
}
