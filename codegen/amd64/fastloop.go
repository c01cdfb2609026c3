package amd64

import (
	"slices"

	"github.com/hybridvm/hybridvm/codegen/internal/asm"
	"github.com/hybridvm/hybridvm/riscv"
)

// Register-allocated runs of a counted loop. Everywhere else a guest register has
// one home for the whole block — a host register or its State.X slot — so a loop
// whose body uses more guest registers than there are host registers (sha256's
// round loop uses 24, rotating eight values through them with moves) stores to and
// reloads from State.X on every iteration. A counted self-loop whose accesses the
// entry checked (hoist.go) cannot leave its body but at its head, and there only by
// running out of gas: when the entry also finds gas for F+1 of its n iterations, the
// first F can run as a separate loop whose values live wherever is best, and the
// rest run the block's usual hoisted copy, which leaves every register where the
// rest of the program expects it (F is n-1 rounded down to whole passes, below).
//
// That separate loop (the fast loop) is compiled from the body's values rather
// than its registers: each instruction's result is a node; a move or a sext.w of a
// value already sign-extended is no node at all; a shift-shift-or rotate is one
// node; a pointer's second step folds into the displacements of the accesses
// through it; a result nothing reads by the end of the pass (a register that the
// next iteration writes before reading it: the iterations after the fast loop
// compute it again) is not computed. A pass runs 1, 2 or 4 iterations: within one,
// values move from register to register for free. The nodes are given the ten
// mappable registers, RDX and R13 by a linear scan that evicts the value read
// furthest ahead (spilling it to the slot of a register whose value the loop does
// not need), and at the back edge a parallel move puts the next pass's inputs where
// the head keeps them. The head keeps the k most read inputs in registers; dry runs
// of the allocation find the cheapest k and pass length (fastlower.go).
//
// Nothing of this is visible to the guest: the fast loop charges the F iterations'
// gas and instructions at once (the entry checked that F+1 fit), no access in it can
// fault, and the next iteration's own charge and body are the usual ones, so every
// exit sees exactly the interpreter's state. It ends when the counter reaches its
// value after F iterations, which it does then and no earlier (hoist.go's trip
// count argument).

// flKind is a node's kind.
type flKind uint8

const (
	flIn     flKind = iota // a guest register's value at the head
	flConst                // the constant imm
	flALU                  // op b (or imm), a: two-operand x86 op
	flShift                // op $imm, a
	flShiftX               // BMI2 op b, a (3-operand shift by a register)
	flNot                  // NOT a
	flRot                  // a rotated right by imm (32-bit when low)
	flSext                 // a's low half sign-extended
	flLoad                 // op [a + imm]
	flStore                // op b, [a + imm] (no value)
	flDiv                  // a / imm (op DIVW) or a % imm (REMW) by a reciprocal
)

// flNode is a value of one iteration.
type flNode struct {
	kind flKind
	op   asm.Op // the x86 op (flDiv: the RISC-V op)
	a, b int32  // operand nodes, -1 for none (an ALU op with b < 0 takes imm)
	imm  int64
	g    uint8 // flIn: the guest register
	wide bool  // the op reads its operands' full 64 bits
	comm bool  // the operands may swap
	sx   bool  // the value is the sign extension of its low 32 bits
	low  bool  // the op computes only the low 32 bits (sx then gives the rest)
	pos  int32 // body index (-1: an input or a constant)
	last int32 // the last body index reading it (end: the back edge)
	live bool  // needed: a store, or read by a needed node or the back edge
}

// flPlan is a fast loop: the body's nodes, and the node each live guest register
// holds at the end of the body.
type flPlan struct {
	nodes []flNode
	in    [32]int32 // the input node of each guest register (-1: none yet)
	out   [32]int32 // each live register's node at the back edge
	live  regSet    // the registers live on the back edge (inputs of the next iteration)
	wrote regSet    // the registers the body writes
	end   int32     // the body's length: the back edge's position
	r, q  uint8     // the counter and its bound
	step  int64
	w32   bool
	// unroll is how many iterations one pass of the fast loop runs: values move
	// from register to register (sha256's rotations) without moves within a pass.
	unroll int
}

// maxFastBody bounds a pass's instructions (unroll times the body's): translation stays
// linear, and a pass of more iterations is not tried once it would exceed it. At 192
// sha256's 57-instruction round loop is no longer tried at four iterations (rejected
// there after the most expensive of its dry runs) while its 34-instruction schedule
// loop still runs four; no kernel's or the ERC20's code changes, and sha256 translates
// 7% faster (scripts/translate-count.sh).
const maxFastBody = 192

// planFastLoop builds into f (reusing its nodes' storage) the fast loop of counted
// self-loop body (terminator term) whose accesses p's entry checks cover, with d's
// guarded divisors, sx being the registers known sign-extended at its head
// (sextloop.go), live its registers live on the back edge (backEdgeLive), a pass
// running unroll iterations; or reports that it has none.
func planFastLoop(f *flPlan, body []riscv.Inst, term riscv.Inst, live regSet, p *hoistPlan, d *divPlan, sx uint32, unroll int, bmi2 bool, arenaBase int64) bool {
	if p == nil || !p.counted || p.cmp != nil || len(body) == 0 || unroll*len(body) > maxFastBody {
		return false
	}
	*f = flPlan{r: p.r, q: p.q, step: p.step, w32: p.w32, end: int32(unroll * len(body)), unroll: unroll,
		nodes: slices.Grow(f.nodes[:0], unroll*len(body)+40)}
	for i := range f.in {
		f.in[i], f.out[i] = -1, -1
	}
	f.live = live
	var cur [32]int32
	for g := range cur {
		cur[g] = -1
	}
	read := func(g uint8) int32 {
		if g == 0 {
			return f.konst(0)
		}
		if cur[g] < 0 {
			f.nodes = append(f.nodes, flNode{kind: flIn, g: g, a: -1, b: -1, pos: -1, sx: sx>>g&1 != 0})
			cur[g] = int32(len(f.nodes) - 1)
			f.in[g] = cur[g]
		}
		return cur[g]
	}
	for k := range unroll * len(body) {
		i, in := k%len(body), body[k%len(body)]
		pos := int32(k)
		if (in.Op.IsLoad() || in.Op.IsStore()) && !(i < len(p.unchecked) && p.unchecked[i]) {
			return false
		}
		if !fits32(in.Imm-arenaBase) && (in.Op.IsLoad() || in.Op.IsStore()) {
			return false
		}
		if in.Op.IsStore() {
			base, off := f.offset(read(in.Rs1), in.Imm-arenaBase)
			f.nodes = append(f.nodes, flNode{kind: flStore, op: storeOps[width(in.Op)], a: base, b: read(in.Rs2), imm: off, pos: pos, wide: width(in.Op) == 8})
			continue
		}
		var n int32
		if op := in.Op; op == riscv.OpDIVW || op == riscv.OpREMW {
			// Only divisions by the constant the entry checked (divguard.go). A
			// dividend it proved non-negative (hoistbound.go) gives a non-negative
			// result in full; another one's may be negative, in its low half.
			if i >= len(d.by) {
				return false
			}
			if _, _, ok := magic32(d.by[i]); !ok {
				return false
			}
			nonNeg := i < len(p.nonNeg) && p.nonNeg[i]
			n = f.add(flNode{kind: flDiv, op: asm.Op(op), a: read(in.Rs1), imm: d.by[i], sx: true, low: !nonNeg})
		} else {
			var ok bool
			if n, ok = f.node(in, read, bmi2, arenaBase); !ok {
				return false
			}
		}
		if in.Rd == 0 {
			continue
		}
		if n < 0 { // a copy
			n = -n - 2
		} else {
			f.nodes[n].pos = pos
		}
		cur[in.Rd] = n
		f.wrote[in.Rd] = true
	}
	for g := 1; g < 32; g++ {
		if f.live[g] {
			f.out[g] = read(uint8(g))
		}
	}
	f.liveness()
	return true
}

// konst adds a constant node.
func (f *flPlan) konst(v int64) int32 {
	f.nodes = append(f.nodes, flNode{kind: flConst, imm: v, a: -1, b: -1, pos: -1, sx: v == int64(int32(v))})
	return int32(len(f.nodes) - 1)
}

// add appends n and returns its index.
func (f *flPlan) add(n flNode) int32 {
	if n.kind != flALU && n.kind != flShiftX && n.kind != flStore {
		n.b = -1
	}
	f.nodes = append(f.nodes, n)
	return int32(len(f.nodes) - 1)
}

// copyOf marks a result that is node n itself (no code): planFastLoop decodes it.
func copyOf(n int32) int32 { return -n - 2 }

// Two-operand x86 ops of the R-type and I-type ALU instructions: 64-bit, 32-bit
// (tables indexed by op: zero for the others).
var flALUOps = [riscv.NumOps][2]asm.Op{
	riscv.OpADD: {asm.ADDQ, asm.ADDL}, riscv.OpADDW: {asm.ADDQ, asm.ADDL}, riscv.OpADDI: {asm.ADDQ, asm.ADDL}, riscv.OpADDIW: {asm.ADDQ, asm.ADDL},
	riscv.OpSUB: {asm.SUBQ, asm.SUBL}, riscv.OpSUBW: {asm.SUBQ, asm.SUBL},
	riscv.OpAND: {asm.ANDQ, asm.ANDL}, riscv.OpANDI: {asm.ANDQ, asm.ANDL},
	riscv.OpOR: {asm.ORQ, asm.ORQ}, riscv.OpORI: {asm.ORQ, asm.ORQ},
	riscv.OpXOR: {asm.XORQ, asm.XORL}, riscv.OpXORI: {asm.XORQ, asm.XORL},
	riscv.OpMUL: {asm.IMULQ, asm.IMULL}, riscv.OpMULW: {asm.IMULQ, asm.IMULL},
}

// Shifts by an immediate and by a register (BMI2): 64-bit, 32-bit.
var (
	flShiftOps = [riscv.NumOps]asm.Op{
		riscv.OpSLLI: asm.SHLQ, riscv.OpSRLI: asm.SHRQ, riscv.OpSRAI: asm.SARQ,
		riscv.OpSLLIW: asm.SHLL, riscv.OpSRLIW: asm.SHRL, riscv.OpSRAIW: asm.SARL,
	}
	flShiftXOps = [riscv.NumOps]asm.Op{
		riscv.OpSLL: asm.SHLXQ, riscv.OpSRL: asm.SHRXQ, riscv.OpSRA: asm.SARXQ,
		riscv.OpSLLW: asm.SHLXL, riscv.OpSRLW: asm.SHRXL, riscv.OpSRAW: asm.SARXL,
	}
)

// node adds the node of ALU or load instruction in (its sources through read) and
// returns it, or copyOf the node it equals, or ok = false for an instruction the
// fast loop does not compile.
func (f *flPlan) node(in riscv.Inst, read func(uint8) int32, bmi2 bool, arenaBase int64) (int32, bool) {
	op := in.Op
	switch {
	case op == riscv.OpLUI:
		return f.konst(in.Imm), true
	case op.IsLoad():
		lo := op == riscv.OpLB || op == riscv.OpLBU || op == riscv.OpLH || op == riscv.OpLHU || op == riscv.OpLW
		base, off := f.offset(read(in.Rs1), in.Imm-arenaBase)
		return f.add(flNode{kind: flLoad, op: loadOps[op], a: base, imm: off, sx: lo}), true
	case (op == riscv.OpADDI || op == riscv.OpORI || op == riscv.OpXORI) && in.Imm == 0:
		return copyOf(read(in.Rs1)), true
	case op == riscv.OpADDIW && in.Imm == 0:
		a := read(in.Rs1)
		switch c := f.nodes[a]; {
		case c.sx:
			return copyOf(a), true
		case c.kind == flConst:
			return f.konst(int64(int32(c.imm))), true
		}
		return f.add(flNode{kind: flSext, a: a, sx: true}), true
	case op == riscv.OpXORI && in.Imm == -1:
		a := read(in.Rs1)
		return f.add(flNode{kind: flNot, a: a, sx: f.nodes[a].sx, low: f.nodes[a].sx, wide: !f.nodes[a].sx}), true
	}
	if x := flShiftOps[op]; x != 0 {
		w := op == riscv.OpSLLIW || op == riscv.OpSRLIW || op == riscv.OpSRAIW
		if w && in.Imm == 0 {
			return f.node(riscv.Inst{Op: riscv.OpADDIW, Rd: in.Rd, Rs1: in.Rs1}, read, bmi2, arenaBase)
		}
		return f.add(flNode{kind: flShift, op: x, a: read(in.Rs1), imm: in.Imm, wide: !w, low: w, sx: w}), true
	}
	if x := flShiftXOps[op]; x != 0 {
		if !bmi2 {
			return 0, false
		}
		w := x == asm.SHLXL || x == asm.SHRXL || x == asm.SARXL
		return f.add(flNode{kind: flShiftX, op: x, a: read(in.Rs1), b: read(in.Rs2), wide: !w, low: w, sx: w}), true
	}
	ops := flALUOps[op]
	if ops[0] == 0 {
		return 0, false
	}
	a := read(in.Rs1)
	b := int32(-1)
	imm := in.Imm
	rtype := op == riscv.OpADD || op == riscv.OpADDW || op == riscv.OpSUB || op == riscv.OpSUBW || op == riscv.OpAND ||
		op == riscv.OpOR || op == riscv.OpXOR || op == riscv.OpMUL || op == riscv.OpMULW
	if rtype {
		// Moves: c.mv is add rd, x0, rs.
		switch op {
		case riscv.OpADD, riscv.OpOR, riscv.OpXOR:
			if in.Rs1 == 0 {
				return copyOf(read(in.Rs2)), true
			}
			fallthrough
		case riscv.OpSUB:
			if in.Rs2 == 0 {
				return copyOf(a), true
			}
		case riscv.OpADDW:
			if in.Rs1 == 0 {
				return f.node(riscv.Inst{Op: riscv.OpADDIW, Rd: in.Rd, Rs1: in.Rs2}, read, bmi2, arenaBase)
			}
			fallthrough
		case riscv.OpSUBW:
			if in.Rs2 == 0 {
				return f.node(riscv.Inst{Op: riscv.OpADDIW, Rd: in.Rd, Rs1: in.Rs1}, read, bmi2, arenaBase)
			}
		}
		b = read(in.Rs2)
		if c := f.nodes[b]; c.kind == flConst && fits32(c.imm) && op != riscv.OpMUL && op != riscv.OpMULW {
			b, imm = -1, c.imm
		}
	}
	if r, ok := f.rotate(op, a, b); ok {
		return r, true
	}
	n := flNode{kind: flALU, a: a, b: b, imm: imm}
	n.comm = op != riscv.OpSUB && op != riscv.OpSUBW
	bsx := b < 0 && imm == int64(int32(imm)) || b >= 0 && f.nodes[b].sx
	switch op {
	case riscv.OpADDW, riscv.OpSUBW, riscv.OpMULW, riscv.OpADDIW:
		n.op, n.low, n.sx = ops[1], true, true
	case riscv.OpAND, riscv.OpANDI, riscv.OpOR, riscv.OpORI, riscv.OpXOR, riscv.OpXORI:
		// Of two sign-extended values, the low halves decide the result.
		if f.nodes[a].sx && bsx {
			n.op, n.low, n.sx = ops[1], true, true
		} else {
			n.op, n.wide = ops[0], true
		}
	default:
		n.op, n.wide = ops[0], true
	}
	if op == riscv.OpADDI {
		// A pointer stepped twice in a pass: one add from the first value.
		if base, off := f.offset(a, imm); base != a {
			n.a, n.imm = base, off
		}
	}
	if f.nodes[a].kind == flConst && b < 0 { // both constant: fold
		if v, ok := foldConst(op, f.nodes[a].imm, imm); ok {
			return f.konst(v), true
		}
	}
	return f.add(n), true
}

// offset returns node x plus off as a node and an offset: x's own operand and the
// sum when x adds a constant to it and the sum fits an imm32 (an access or an add
// through x then reads x's operand, and x itself may be dead).
func (f *flPlan) offset(x int32, off int64) (int32, int64) {
	if n := f.nodes[x]; n.kind == flALU && n.op == asm.ADDQ && n.b < 0 && fits32(n.imm+off) {
		return n.a, n.imm + off
	}
	return x, off
}

// foldConst computes op on two constants, for the few ops compilers leave so.
func foldConst(op riscv.Op, a, b int64) (int64, bool) {
	switch op {
	case riscv.OpADDI, riscv.OpADD:
		return a + b, true
	case riscv.OpADDIW, riscv.OpADDW:
		return int64(int32(a + b)), true
	}
	return 0, false
}

// rotate returns the rotate node of an OR, XOR or ADD (or ADDW) of a right and a
// left shift of one value by n and width-n: the two shifted halves do not overlap,
// so all three combine them alike (fuse.go's argument).
func (f *flPlan) rotate(op riscv.Op, a, b int32) (int32, bool) {
	if b < 0 || !(op == riscv.OpOR || op == riscv.OpXOR || op == riscv.OpADD || op == riscv.OpADDW) {
		return 0, false
	}
	x, y := f.nodes[a], f.nodes[b]
	if x.kind != flShift || y.kind != flShift || x.a != y.a {
		return 0, false
	}
	if x.op == asm.SHLQ || x.op == asm.SHLL {
		x, y = y, x
	}
	switch {
	case x.op == asm.SHRL && y.op == asm.SHLL && x.imm > 0 && x.imm+y.imm == 32:
		return f.add(flNode{kind: flRot, a: x.a, imm: x.imm, low: true, sx: true}), true
	case x.op == asm.SHRQ && y.op == asm.SHLQ && x.imm > 0 && x.imm+y.imm == 64 && op != riscv.OpADDW:
		return f.add(flNode{kind: flRot, a: x.a, imm: x.imm, wide: true}), true
	}
	return 0, false
}

// liveness marks the nodes the iteration needs (stores, what they and the back
// edge read, transitively) and each one's last reader.
func (f *flPlan) liveness() {
	for i := range f.nodes {
		f.nodes[i].last = -1
	}
	use := func(n, at int32) {
		if n < 0 {
			return
		}
		f.nodes[n].live = true
		if at > f.nodes[n].last {
			f.nodes[n].last = at
		}
	}
	for g := range f.out {
		use(f.out[g], f.end)
	}
	for i := len(f.nodes) - 1; i >= 0; i-- {
		n := &f.nodes[i]
		if n.kind == flStore {
			n.live = true
		}
		if !n.live {
			continue
		}
		at := n.pos
		if n.kind == flIn || n.kind == flConst {
			continue
		}
		use(n.a, at)
		if n.kind == flALU || n.kind == flShiftX || n.kind == flStore {
			use(n.b, at)
		}
	}
}
