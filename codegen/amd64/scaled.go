package amd64

import (
	"github.com/hybridvm/hybridvm/codegen/internal/asm"
	"github.com/hybridvm/hybridvm/riscv"
)

// Scaled-index address arithmetic: RV64IMAC has no scaled-index addressing, so an
// array access a[i] is compiled as
//
//	slli x, i, s
//	addi x, x, c      (optional)
//	add  x, x, b      (or add x, b, x)
//	ld   y, imm(x)
//
// three ALU instructions that x86 does in one LEA: x = b + i<<s + c. When the access
// right after them loads into x itself (x is dead once its address is used, as in
// keccak's d[(x+1)%5]), x's intermediate value need not be computed at all: the LEA
// computes the access's arena offset directly, and only the access's fault path, where
// x must hold its value, computes it (from the offset: x = offset + ArenaBase - imm).
// The three instructions cannot fault, so nothing else observes the difference.

// scaledAdd is a fused slli/addi/add at body[start:end): x = b + i<<shift + disp;
// load is set when body[end] is a load into x from x (folded in as well).
type scaledAdd struct {
	start, end int
	x, idx, b  uint8
	shift      uint8
	disp       int64
	load       bool
	loadIdx    int
	loadInst   riscv.Inst
}

// findScaledAdd returns the fusable slli/addi/add starting at body[start], or ok =
// false. f is the block's rotate fusion: instructions it skips or rewrites are left
// alone; arenaBase is the guest address of the arena's first byte.
func findScaledAdd(body []riscv.Inst, start int, f *fusion, arenaBase int64) (s scaledAdd, ok bool) {
	in := body[start]
	if in.Op != riscv.OpSLLI || in.Imm < 1 || in.Imm > 3 || in.Rd == 0 || in.Rs1 == 0 {
		return s, false
	}
	x := in.Rd
	s = scaledAdd{start: start, x: x, idx: in.Rs1, shift: uint8(in.Imm)}
	j := start + 1
	if j < len(body) && body[j].Op == riscv.OpADDI && body[j].Rd == x && body[j].Rs1 == x {
		s.disp = body[j].Imm
		j++
	}
	if j >= len(body) {
		return s, false
	}
	add := body[j]
	if add.Op != riscv.OpADD || add.Rd != x {
		return s, false
	}
	switch {
	case add.Rs1 == x && add.Rs2 != x:
		s.b = add.Rs2
	case add.Rs2 == x && add.Rs1 != x:
		s.b = add.Rs1
	default:
		return s, false
	}
	if s.b == 0 {
		return s, false
	}
	s.end = j + 1
	if f.skip != nil {
		for k := start; k < s.end; k++ {
			if _, rot := f.rotAt(k); f.skip[k] || rot {
				return s, false
			}
		}
	}
	if s.end < len(body) {
		ld := body[s.end]
		if ld.Op.IsLoad() && ld.Op != riscv.OpLRW && ld.Op != riscv.OpLRD && ld.Rs1 == x && ld.Rd == x &&
			fits32(s.disp+ld.Imm-arenaBase) && fits32(arenaBase-ld.Imm) {
			s.load, s.loadIdx, s.loadInst = true, s.end, ld
		}
	}
	return s, true
}

// lowerScaledAdd emits s (pcs: the body's addresses) and returns false when it cannot
// be emitted as one LEA under the current mapping (b and i both in memory): the caller
// then lowers the instructions one by one. It never uses RDX, which may hold a
// forwarded register (forward.go).
func (u *unit) lowerScaledAdd(s scaledAdd, pcs []uint64) bool {
	e := &u.e
	base := int64(u.m.Cfg.Layout.ArenaBase)
	if s.load {
		u.fwdEnd() // the load may use RDX
	}
	if !e.isMapped(s.b) && !e.isMapped(s.idx) {
		return false
	}
	b, i := e.src(s.b), e.src(s.idx)
	if !b.IsReg() {
		e.load(s.b, tA)
		b = asm.R(tA)
	}
	if !i.IsReg() {
		e.load(s.idx, tA)
		i = asm.R(tA)
	}
	if !s.load {
		d := e.dest(s.x, tA)
		e.op(asm.LEAQ, asm.MemIdx(b.Reg(), i.Reg(), 1<<s.shift, s.disp), asm.R(d))
		e.commit(s.x, d)
		return true
	}
	// The load's arena offset, its bounds check and the load itself (as load does).
	ld := s.loadInst
	e.op(asm.LEAQ, asm.MemIdx(b.Reg(), i.Reg(), 1<<s.shift, s.disp+ld.Imm-base), asm.R(tA))
	u.idx = s.loadIdx
	if !u.hoisted(s.loadIdx) { // else the loop's entry checked it (hoist.go)
		u.checkBounds(width(ld.Op), u.faultStubRestore(s.loadIdx, pcs[s.loadIdx], s.x, base-ld.Imm))
	}
	d := e.dest(ld.Rd, tD)
	e.op(loadOps[ld.Op], arenaMem, asm.R(d))
	e.commit(ld.Rd, d)
	return true
}

// Multiplications by 3, 5 and 9 in 32 bits: compilers write x * (2^k + 1) as
//
//	slliw t, x, k
//	addw  t, t, x      (or addw t, x, t)
//
// which x86 computes in one LEA: t = x + x*2^k, sign-extended as any W result (the 64-bit
// slli/add pair is a scaled add above). The shift's result is overwritten by the add
// right after it, and neither can fault, so nothing observes it.

// shiftAdd is a fused slliw/addw pair at body[start], start+1: x = r*(2^shift+1).
type shiftAdd struct {
	start int
	x, r  uint8
	shift uint8
	add   riscv.Inst
}

// findShiftAdd returns the fusable shift-add pair starting at body[start], or ok =
// false (f: the block's rotate fusion, whose instructions are left alone).
func findShiftAdd(body []riscv.Inst, start int, f *fusion) (s shiftAdd, ok bool) {
	if start+1 >= len(body) {
		return s, false
	}
	sh, add := body[start], body[start+1]
	if sh.Op != riscv.OpSLLIW || sh.Imm < 1 || sh.Imm > 3 || sh.Rd == 0 || sh.Rs1 == 0 || sh.Rd == sh.Rs1 {
		return s, false
	}
	x, r := sh.Rd, sh.Rs1
	if add.Op != riscv.OpADDW || add.Rd != x || !(add.Rs1 == x && add.Rs2 == r || add.Rs1 == r && add.Rs2 == x) {
		return s, false
	}
	if f.skip != nil {
		for k := start; k <= start+1; k++ {
			if _, rot := f.rotAt(k); f.skip[k] || rot {
				return s, false
			}
		}
	}
	return shiftAdd{start: start, x: x, r: r, shift: uint8(sh.Imm), add: add}, true
}

// lowerShiftAdd emits s as one LEA into x, sign-extended as wordOp does.
func (u *unit) lowerShiftAdd(s shiftAdd) {
	e := &u.e
	u.idx = s.start + 1 // the add's upper-half need (upperNeeded) is the pair's
	f := func(t asm.Reg) {
		src := e.src(s.r)
		if !src.IsReg() {
			e.op(asm.MOVL, src, asm.R(t))
			src = asm.R(t)
		}
		e.op(asm.LEAL, asm.MemIdx(src.Reg(), src.Reg(), 1<<s.shift, 0), asm.R(t))
	}
	if u.nonNegWord(u.idx) { // (hoistbound.go)
		u.wordNonNeg(s.add, f)
		return
	}
	u.wordOp(s.add, 0, f)
}
