package amd64

import "github.com/hybridvm/hybridvm/codegen/internal/asm"

// flMove is one move of a parallel move: src (or the constant v) to dst.
type flMove struct {
	src, dst flLoc
	imm      bool
	v        int64
}

// parallel emits moves as if all read their sources before any writes: a move
// whose destination no other pending move reads goes first; when none is left
// (the rest are cycles) one destination is saved to the spare slot and its
// readers read it from there. Memory to memory goes through RAX. Each location's
// pending readers are counted (moveKey), so finding the next move is a scan.
func (a *flAlloc) parallel(moves []flMove) {
	pending := moves[:0]
	var readers [moveKeys]int32
	for _, m := range moves {
		if m.imm || m.src != m.dst {
			pending = append(pending, m)
			if !m.imm {
				readers[moveKey(m.src)]++
			}
		}
	}
	spare := flLoc{asm.NoReg, flSpareOff}
	for len(pending) > 0 {
		i := 0
		for ; i < len(pending); i++ {
			if readers[moveKey(pending[i].dst)] == 0 {
				break
			}
		}
		if i == len(pending) {
			// Only cycles left: save the first destination in the spare slot.
			d := pending[0].dst
			a.move(flMove{src: d, dst: spare})
			for j := range pending {
				if !pending[j].imm && pending[j].src == d {
					pending[j].src = spare
					readers[moveKey(d)]--
					readers[moveKey(spare)]++
				}
			}
			continue
		}
		if m := pending[i]; !m.imm {
			readers[moveKey(m.src)]--
		}
		a.move(pending[i])
		pending = append(pending[:i], pending[i+1:]...)
	}
}

// moveKeys is the number of locations a parallel move's moves name (moveKey).
const moveKeys = 16 + 32 + 1

// moveKey numbers a move's location: a host register by ownIdx, a guest register's
// State.X slot after them, the spare slot last. Those are the only ones the fast
// loop's heads, spill slots and parallel moves use.
func moveKey(l flLoc) int {
	switch {
	case l.reg != asm.NoReg:
		return ownIdx(l.reg)
	case l.off == flSpareOff:
		return moveKeys - 1
	}
	return 16 + int((l.off-xoff(0))/8)
}

// move emits one move.
func (a *flAlloc) move(m flMove) {
	dst := m.dst.operand()
	switch {
	case m.imm && m.dst.reg != asm.NoReg:
		if m.v == 0 {
			a.op(asm.XORL, dst, dst)
		} else {
			a.op(asm.MOVQ, asm.Imm(m.v), dst)
		}
	case m.imm && fits32(m.v):
		a.op(asm.MOVQ, asm.Imm(m.v), dst)
	case m.imm:
		a.op(asm.MOVQ, asm.Imm(m.v), asm.R(tA))
		a.op(asm.MOVQ, asm.R(tA), dst)
	case m.src.reg == asm.NoReg && m.dst.reg == asm.NoReg:
		a.op(asm.MOVQ, m.src.operand(), asm.R(tA))
		a.op(asm.MOVQ, asm.R(tA), dst)
	default:
		a.op(asm.MOVQ, m.src.operand(), dst)
	}
}
