package amd64

import (
	"github.com/hybridvm/hybridvm/codegen/internal/asm"
	"github.com/hybridvm/hybridvm/riscv"
)

// The fast loop's code (fastloop.go): each node's instruction on the registers
// fastalloc.go gives it, and the back edge's moves.

// node emits node i and frees the operands it read last.
func (a *flAlloc) node(i int32) {
	n := &a.f.nodes[i]
	pos := n.pos
	x, y := n.a, n.b
	switch n.kind {
	case flALU:
		if n.comm && y >= 0 && y != x && a.reg[y] != asm.NoReg && a.dies(y, pos) && !(a.reg[x] != asm.NoReg && a.dies(x, pos)) {
			x, y = y, x
		}
		if (n.op == asm.ADDQ || n.op == asm.ADDL) && y < 0 && a.reg[x] != asm.NoReg && !a.dies(x, pos) {
			s := a.inReg(x, n.wide, pos)
			h := a.alloc(pos, s)
			lea := asm.LEAQ
			if n.op == asm.ADDL {
				lea = asm.LEAL
			}
			a.op(lea, asm.Mem(s, n.imm), asm.R(h))
			a.give(i, h)
			break
		}
		var b asm.Operand
		switch {
		case y < 0:
			b = asm.Imm(n.imm)
		case y == x:
		case (n.op == asm.IMULQ || n.op == asm.IMULL) && a.f.nodes[y].kind == flConst:
			a.op(asm.MOVQ, asm.Imm(a.f.nodes[y].imm), asm.R(tA))
			b = asm.R(tA)
		default:
			b = a.src(y, n.wide)
		}
		h := a.dest(i, x, n.wide, pos, a.regOf(x), a.regOf(y))
		if y == x {
			b = asm.R(h)
		}
		a.op(n.op, b, asm.R(h))
	case flShift, flNot:
		h := a.dest(i, x, n.wide, pos, a.regOf(x))
		if n.kind == flNot {
			a.op(asm.NOTQ, asm.None, asm.R(h))
		} else {
			a.op(n.op, asm.Imm(n.imm), asm.R(h))
		}
	case flShiftX:
		c := a.inReg(y, false, pos, a.regOf(x))
		s := a.inReg(x, n.wide, pos, c)
		h := a.alloc3(i, x, pos, c, s)
		a.op3(n.op, asm.R(c), asm.R(s), asm.R(h))
	case flRot:
		word := !n.wide
		rorx, ror := asm.RORXQ, asm.RORQ
		if word {
			rorx, ror = asm.RORXL, asm.RORL
		}
		if !a.bmi2 || a.f.nodes[x].kind == flConst {
			h := a.dest(i, x, n.wide, pos, a.regOf(x))
			a.op(ror, asm.Imm(n.imm), asm.R(h))
			break
		}
		s := a.src(x, n.wide)
		h := a.alloc3(i, x, pos, a.regOf(x))
		a.op3(rorx, asm.Imm(n.imm), s, asm.R(h))
	case flSext:
		s := a.src(x, false)
		h := a.alloc3(i, x, pos, a.regOf(x))
		a.op(asm.MOVLQSX, s, asm.R(h))
	case flLoad:
		base := a.base(x, pos)
		h := a.alloc3(i, x, pos, base)
		a.op(n.op, asm.MemIdx(rMem, base, 1, n.imm), asm.R(h))
	case flStore:
		base := a.base(x, pos)
		var v asm.Operand
		c := a.f.nodes[y]
		switch {
		case c.kind == flConst && fits32(c.imm) && (n.op == asm.MOVQ || n.op == asm.MOVL):
			v = asm.Imm(c.imm)
		case a.reg[y] != asm.NoReg || base == tA || c.kind == flConst:
			v = asm.R(a.inReg(y, n.wide, pos, base))
		default:
			v = asm.R(tA)
			a.load(y, n.wide, tA)
		}
		a.op(n.op, v, asm.MemIdx(rMem, base, 1, n.imm))
	case flDiv:
		a.div(i, pos)
	default:
		panic("BUG: amd64: fast loop: node kind")
	}
	if n.kind != flStore {
		a.low[i] = n.low
	}
	for _, z := range [2]int32{n.a, n.b} {
		if z >= 0 && z != i && a.dies(z, pos) {
			a.release(z)
		}
	}
}

// alloc3 returns the register a three-operand instruction computing node i from x
// writes: x's own when this is its last read, else a new one.
func (a *flAlloc) alloc3(i, x int32, pos int32, pins ...asm.Reg) asm.Reg {
	if h := a.reg[x]; h != asm.NoReg && a.dies(x, pos) {
		a.release(x)
		a.give(i, h)
		return h
	}
	h := a.alloc(pos, pins...)
	a.give(i, h)
	return h
}

// base returns a register holding address node x in full: its own, or RAX.
func (a *flAlloc) base(x int32, pos int32) asm.Reg {
	if h := a.reg[x]; h != asm.NoReg {
		a.widen(x)
		return h
	}
	a.load(x, true, tA)
	return tA
}

// body emits one iteration and the back edge's moves (a dry run: counts them).
func (a *flAlloc) body() {
	for i := range a.f.nodes {
		n := &a.f.nodes[i]
		if n.live && n.kind != flIn && n.kind != flConst {
			a.node(int32(i))
			if a.dry && a.limit > 0 && a.cost >= a.limit {
				a.fail = true
				return
			}
		}
	}
	// The back edge: each live register's value, in full, to where the head keeps it.
	moves := a.moveBuf[:0]
	// First the values some head needs in full: sign-extended in place, which
	// leaves them valid for the heads that take low halves too.
	for g := uint8(1); g < 32; g++ {
		if x := a.f.out[g]; x >= 0 && !a.lowHead[g] && a.low[x] {
			if a.reg[x] != asm.NoReg {
				a.widen(x)
			} else {
				a.op(asm.MOVLQSX, stMem(a.mem[x]), asm.R(tA))
				a.op(asm.MOVQ, asm.R(tA), stMem(a.mem[x]))
				a.low[x] = false
			}
		}
	}
	for g := uint8(1); g < 32; g++ {
		x := a.f.out[g]
		if x < 0 {
			continue
		}
		if c := a.f.nodes[x]; c.kind == flConst {
			moves = append(moves, flMove{dst: a.head[g], imm: true, v: c.imm})
			continue
		}
		moves = append(moves, flMove{src: at(a.reg[x], a.mem[x]), dst: a.head[g]})
	}
	a.parallel(moves)
}

// div emits flDiv node i: for a dividend x >= 0, (x * M) >> s (divguard.go); a
// negative one, unless the entry proved there is none, divides with IDIV out of
// line (RDX saved in State.Scratch around it, the divisor in the parallel moves'
// temporary, idle in the body).
func (a *flAlloc) div(i, pos int32) {
	n := &a.f.nodes[i]
	x := n.a
	m, sh, _ := magic32(n.imm)
	quot := riscv.Op(n.op) == riscv.OpDIVW
	// The dividend, zero-extended, in the result's register: x's own when this is
	// its last read, else a new one it is loaded into as 32 bits.
	var h asm.Reg
	zext := true
	if r := a.reg[x]; r == asm.NoReg && a.f.nodes[x].kind != flConst || r != asm.NoReg && !a.dies(x, pos) {
		h = a.alloc(pos, a.regOf(x))
		a.op(asm.MOVL, a.src(x, false), asm.R(h))
		a.give(i, h)
		zext = false
	} else {
		h = a.dest(i, x, false, pos, a.regOf(x))
	}
	q := asm.NoReg
	if !quot {
		q = a.alloc(pos, h)
	}
	var done *asm.Label
	if n.low { // the dividend's sign is not known (see planFastLoop)
		a.op(asm.TESTL, asm.R(h), asm.R(h))
		if !a.dry {
			done = a.u.b.NewLabel()
			e := a.e
			a.e.jump(asm.JMI, a.u.coldLabel(func() {
				if h != tD {
					e.op(asm.MOVQ, asm.R(tD), stMem(flTripOff))
				}
				e.op(asm.MOVL, asm.R(h), asm.R(tA))
				e.op(asm.CDQ, asm.None, asm.None)
				e.op(asm.MOVL, asm.Imm(n.imm), stMem(flSpareOff))
				e.op(asm.IDIVL, stMem(flSpareOff), asm.None)
				res := tA
				if !quot {
					res = tD
				}
				e.op(asm.MOVL, asm.R(res), asm.R(h))
				if h != tD {
					e.op(asm.MOVQ, stMem(flTripOff), asm.R(tD))
				}
				e.jump(asm.JMP, done)
			}))
		}
	}
	if zext {
		a.op(asm.MOVL, asm.R(h), asm.R(h))
	}
	if quot {
		a.op3(asm.IMUL3Q, asm.Imm(m), asm.R(h), asm.R(h))
		a.op(asm.SHRQ, asm.Imm(int64(sh)), asm.R(h))
	} else {
		a.op3(asm.IMUL3Q, asm.Imm(m), asm.R(h), asm.R(q))
		a.op(asm.SHRQ, asm.Imm(int64(sh)), asm.R(q))
		if c := n.imm - 1; c == 2 || c == 4 || c == 8 {
			a.op(asm.LEAQ, asm.MemIdx(q, q, int(c), 0), asm.R(q))
		} else {
			a.op3(asm.IMUL3Q, asm.Imm(n.imm), asm.R(q), asm.R(q))
		}
		a.op(asm.SUBL, asm.R(q), asm.R(h)) // below c: its upper half zero
	}
	if done != nil {
		a.u.b.Bind(done)
	}
}
