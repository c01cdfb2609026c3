package amd64

import (
	"github.com/hybridvm/hybridvm/codegen"
	"github.com/hybridvm/hybridvm/codegen/internal/asm"
	"github.com/hybridvm/hybridvm/guest"
	"github.com/hybridvm/hybridvm/riscv"
)

// If-conversion. A conditional branch whose arms are a few ALU instructions that
// meet again at one block J (a triangle: one successor is J, the other runs its arm
// and reaches J; a diamond: both run an arm) is lowered without a branch on its
// condition: each arm runs on the guest registers after their old values are saved in
// guest.State.Scratch, the condition is compared (on the registers' old values) and
// CMOVs put back the old values when the arm should not have run, and take the arm's
// packed charge (gas<<gasShift - instructions) from R13 when it should; then the code
// jumps to J. An arm is either a block that ends in `j J` (its whole block, the jump
// included) or the part before J of a block that runs on into J's code and ends where
// J ends (compiled code's `bnez a5, J; xor a2,a2,a0; J: ...`): J's own charge then
// pays for the rest, as that block's charge would have.
//
// Exactness (docs/abi.md: every engine agrees on registers, gas, instruction counts
// and exits): an arm block runs out of gas at its entry when its whole charge does
// not fit. So before anything, R13 is compared with the largest entry charge of the
// arm blocks; when it is smaller the branch is taken the ordinary way (out of line),
// and each arm block charges itself and exits exactly as without the conversion.
// Otherwise no arm block could run out of gas, and J charges and checks its own part
// as always. Arms are pure ALU instructions (nothing can fault or exit), the branch
// is the terminator of a block that is not a self-loop (the code runs under the
// module's mapping with nothing left for exits, see lowerCopy), and J is no zeroing
// loop (entering it directly could hand the loop to Go one iteration early).

// Limits of an arm: its instructions (without its jump) and, for both arms
// together, the registers written (the scratch words that hold their old values).
const (
	maxArmInsts  = 4
	maxArmWrites = guest.ScratchWords
	// maxTriangleWrites: a triangle replaces one branch, which may well be predicted
	// (sieve's `if (!composite[i]) { count++; largest = i; }` is taken 92% of the
	// time), while each register its arm writes costs a save and a CMOV from memory
	// on every pass: only a one-register arm is converted (branchy's `a2 ^= a0`). A
	// diamond also saves the jump of one arm, and is converted up to maxArmWrites.
	maxTriangleWrites = 1
)

// ifArm is one arm of an if-converted branch.
type ifArm struct {
	run    bool         // false: no arm (the branch goes straight to the join)
	start  uint64       // the arm's block
	insts  []riscv.Inst // what the arm runs (not its jump)
	charge int64        // the packed charge of insts (and of its jump, if any)
	entry  int64        // the packed charge of the arm's block: what must fit
	writes []uint8      // the guest registers insts write (never x0), in order
}

// ifPlan is an if-converted branch: arms[0] runs when the branch is not taken,
// arms[1] when it is; both go on to join.
type ifPlan struct {
	arms [2]ifArm
	join uint64
}

// planIf returns the if-conversion of block a's terminator, ok false when it has
// none. lookup returns the unit's block at an address (nil: none in the unit).
func planIf(a *codegen.Block, lookup func(uint64) *codegen.Block) (p ifPlan, ok bool) {
	if a.Term != codegen.TermBranch || a.ZeroLoop != nil || a.Target == a.Start || a.Target == a.End || len(a.Insts) == 0 {
		return p, false
	}
	in := a.Insts[len(a.Insts)-1]
	if _, ok := branchCond[in.Op]; !ok || in.Rs1 == 0 && in.Rs2 == 0 {
		return p, false
	}
	succ := [2]uint64{a.End, a.Target}
	// Candidate joins: either successor (a triangle), or where an arm block jumps.
	cands := [4]uint64{a.Target, a.End}
	n := 2
	for _, s := range succ {
		if b := lookup(s); b != nil && b.Term == codegen.TermJAL && b.Insts[len(b.Insts)-1].Rd == 0 {
			cands[n] = b.Target
			n++
		}
	}
	for _, j := range cands[:n] {
		jb := lookup(j)
		if jb == nil || jb.ZeroLoop != nil || j == a.Start {
			continue
		}
		p = ifPlan{join: j}
		ok, writes, arms := true, 0, 0
		for k, s := range succ {
			if s == j {
				continue
			}
			p.arms[k], ok = armTo(lookup(s), jb)
			if !ok {
				break
			}
			writes += len(p.arms[k].writes)
			arms++
		}
		if ok && writes <= maxArmWrites && (arms == 2 || writes <= maxTriangleWrites) {
			return p, true
		}
	}
	return ifPlan{}, false
}

// armTo returns the arm of block b that reaches block j: b's body when b ends in
// `j j.Start`, or b's instructions before j.Start when b runs on into j's code.
func armTo(b, j *codegen.Block) (arm ifArm, ok bool) {
	if b == nil || b.ZeroLoop != nil || b == j {
		return arm, false
	}
	entry := b.Gas<<gasShift - int64(len(b.Insts))
	switch last := b.Insts[len(b.Insts)-1]; {
	case b.Term == codegen.TermJAL && last.Rd == 0 && b.Target == j.Start:
		arm = ifArm{run: true, start: b.Start, insts: b.Insts[:len(b.Insts)-1], charge: entry, entry: entry}
	case b.Term != codegen.TermFall && b.Term == j.Term && b.Start < j.Start && j.Start < b.End && b.End == j.End:
		pc, k := b.Start, 0
		for pc < j.Start {
			pc += uint64(b.Insts[k].Len)
			k++
		}
		if pc != j.Start {
			return arm, false // j starts inside one of b's instructions
		}
		gas := int64(0)
		for _, in := range b.Insts[:k] {
			gas += in.Weight()
		}
		arm = ifArm{run: true, start: b.Start, insts: b.Insts[:k], charge: gas<<gasShift - int64(k), entry: entry}
	default:
		return arm, false
	}
	if len(arm.insts) > maxArmInsts {
		return arm, false
	}
	for _, in := range arm.insts {
		if !pureALU(in.Op) {
			return arm, false
		}
		if in.Rd != 0 && !containsReg(arm.writes, in.Rd) {
			arm.writes = append(arm.writes, in.Rd)
		}
	}
	return arm, true
}

func containsReg(rs []uint8, r uint8) bool {
	for _, x := range rs {
		if x == r {
			return true
		}
	}
	return false
}

// pureALU reports whether op only computes a register from registers and
// immediates: it cannot fault, exit or touch memory, and reads no pc.
func pureALU(op riscv.Op) bool {
	switch op {
	case riscv.OpLUI, riscv.OpADDI, riscv.OpXORI, riscv.OpORI, riscv.OpANDI, riscv.OpSLLI, riscv.OpSRLI, riscv.OpSRAI,
		riscv.OpSLTI, riscv.OpSLTIU, riscv.OpADD, riscv.OpSUB, riscv.OpXOR, riscv.OpOR, riscv.OpAND,
		riscv.OpSLT, riscv.OpSLTU, riscv.OpSLL, riscv.OpSRL, riscv.OpSRA,
		riscv.OpADDIW, riscv.OpSLLIW, riscv.OpSRLIW, riscv.OpSRAIW, riscv.OpADDW, riscv.OpSUBW,
		riscv.OpSLLW, riscv.OpSRLW, riscv.OpSRAW, riscv.OpMUL, riscv.OpMULW:
		return true
	}
	return false
}

// cmovFor maps a branch condition (a Jcc) to the CMOV on the same condition.
var cmovFor = map[asm.Op]asm.Op{
	asm.JEQ: asm.CMOVQEQ, asm.JNE: asm.CMOVQNE, asm.JLT: asm.CMOVQLT, asm.JGE: asm.CMOVQGE,
	asm.JGT: asm.CMOVQGT, asm.JLE: asm.CMOVQLE, asm.JCS: asm.CMOVQCS, asm.JCC: asm.CMOVQCC,
	asm.JHI: asm.CMOVQHI, asm.JLS: asm.CMOVQLS,
}

// scratchMem is word k of guest.State.Scratch.
func scratchMem(k int) asm.Operand { return stMem(guest.OffScratch + 8*int64(k)) }

// planIfHere returns the if-conversion of the current block's terminator, ok false
// when it has none or the block's state forbids it (see the comment at the top).
func (u *unit) planIfHere() (ifPlan, bool) {
	if u.noIf || u.backEdge() != nil || u.e.rm != &u.m.rm || u.fwdReg != 0 || len(u.exitWork) > 0 || u.sextAtExit != 0 || u.e.spilledCX != 0 {
		return ifPlan{}, false
	}
	return planIf(u.blk, func(pc uint64) *codegen.Block {
		if i, ok := u.index[pc]; ok {
			return u.blocks[i]
		}
		return nil
	})
}

// lowerIf emits the branch in (taken to taken, else to fall) as if-converted by p.
func (u *unit) lowerIf(in riscv.Inst, p *ifPlan, taken, fall uint64) {
	e := &u.e
	need := int64(0)
	for _, a := range p.arms {
		if a.run {
			need = max(need, a.entry)
		}
	}
	// Too little gas for an arm block: branch the ordinary way, out of line.
	slow := u.coldLabel(func() {
		lt, bt := u.loopTop, u.backTo
		u.loopTop, u.backTo, u.noIf = nil, nil, true
		u.branch(in, taken, fall)
		u.loopTop, u.backTo, u.noIf = lt, bt, false
	})
	e.op(asm.CMPQ, asm.R(rGas), asm.Imm(need))
	e.jump(asm.JLT, slow)

	cond := branchCond[in.Op]
	// saved: the scratch word holding each guest register's value before the branch
	// (-1: the register itself still holds it).
	var saved [32]int
	for i := range saved {
		saved[i] = -1
	}
	slot := 0
	fuse, needUpper, sextMove, divPair, unchecked, divBy := u.fuse, u.needUpper, u.sextMove, u.divPair, u.unchecked, u.divBy
	u.fuse, u.needUpper, u.sextMove, u.divPair, u.unchecked, u.divBy = &noFusion, nil, nil, nil, nil, nil
	for k, arm := range p.arms {
		if !arm.run {
			continue
		}
		// The arm runs when the branch is taken (k = 1) or not (k = 0).
		runs := cond[0]
		if k == 0 {
			runs = invert[runs]
		}
		first := slot
		for _, w := range arm.writes {
			if e.isMapped(w) {
				e.op(asm.MOVQ, asm.R(e.rm.host[w]), scratchMem(slot))
			} else {
				e.op(asm.MOVQ, stMem(xoff(w)), asm.R(tA))
				e.op(asm.MOVQ, asm.R(tA), scratchMem(slot))
			}
			if saved[w] < 0 {
				saved[w] = slot
			}
			slot++
		}
		pc := arm.start
		for i, a := range arm.insts {
			u.lowerInst(i, pc, a)
			pc += uint64(a.Len)
		}
		runs = u.compareOld(in, &saved, runs, cond)
		keep := cmovFor[invert[runs]]
		for i, w := range arm.writes {
			if e.isMapped(w) {
				e.op(keep, scratchMem(first+i), asm.R(e.rm.host[w]))
				continue
			}
			e.op(asm.MOVQ, stMem(xoff(w)), asm.R(tA))
			e.op(keep, scratchMem(first+i), asm.R(tA))
			e.op(asm.MOVQ, asm.R(tA), stMem(xoff(w)))
		}
		e.op(asm.LEAQ, asm.Mem(rGas, -arm.charge), asm.R(tA))
		e.op(cmovFor[runs], asm.R(tA), asm.R(rGas))
	}
	u.fuse, u.needUpper, u.sextMove, u.divPair, u.unchecked, u.divBy = fuse, needUpper, sextMove, divPair, unchecked, divBy
	u.jumpTo(p.join)
}

// compareOld sets the flags as the branch in compares its operands' values from
// before the branch (saved: where a register's old value is), and returns runs (a
// condition on in's comparison) for the flags it set: swapped when the operands are.
func (u *unit) compareOld(in riscv.Inst, saved *[32]int, runs asm.Op, cond [2]asm.Op) asm.Op {
	e := &u.e
	old := func(r uint8) asm.Operand {
		if r != 0 && saved[r] >= 0 {
			return scratchMem(saved[r])
		}
		return e.src(r)
	}
	a, b := old(in.Rs1), old(in.Rs2)
	if in.Rs1 == 0 {
		a, b = b, a
		if runs == cond[0] {
			runs = cond[1]
		} else {
			runs = invert[cond[1]]
		}
	}
	if a.IsMem() && b.IsMem() {
		e.op(asm.MOVQ, a, asm.R(tA))
		a = asm.R(tA)
	}
	if b.IsImm() && b.Value() == 0 && a.IsReg() {
		e.op(asm.TESTQ, a, a)
	} else {
		e.op(asm.CMPQ, a, b)
	}
	return runs
}
