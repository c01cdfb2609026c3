package guest

import (
	"fmt"

	"github.com/hybridvm/hybridvm/riscv"
)

// ZeroLoop describes a block that is the riscv-rt .bss clearing loop (docs/abi.md, "Memory
// map"):
//
//	loop: sd   zero, 0(p)
//	      addi p, p, 8
//	      bltu p, limit, loop
//
// Contracts built with riscv-rt run it over a 10 MiB heap on every call: millions of
// instructions that only write zeros to memory that is already zero. Every engine
// recognises the block and runs it with Run, in one step, with exactly the gas,
// instruction count, memory and faults that running it block by block would give.
type ZeroLoop struct {
	Start, End uint64 // the block: its first instruction and the one after the branch
	Ptr, Limit uint8  // the registers p and limit
	Gas        int64  // the block's gas: charged per iteration
}

// ZeroLoopMinBytes is how much must be left to zero (limit - p) before an engine hands
// the loop to Run; shorter loops just run.
const ZeroLoopMinBytes = 4096

// matchZeroLoop reports whether the block of insts at start (target: its branch target,
// end: the address after it, gas: its weight) is the zeroing loop. p must not be x0 and
// limit must not be p; compressed forms count (the decoder expands them).
func matchZeroLoop(insts []riscv.Inst, start, target, end uint64, gas int64) *ZeroLoop {
	if len(insts) != 3 || target != start {
		return nil
	}
	sd, addi, br := insts[0], insts[1], insts[2]
	p := sd.Rs1
	if sd.Op != riscv.OpSD || sd.Rs2 != 0 || sd.Imm != 0 || p == 0 ||
		addi.Op != riscv.OpADDI || addi.Rd != p || addi.Rs1 != p || addi.Imm != 8 ||
		br.Op != riscv.OpBLTU || br.Rs1 != p || br.Rs2 == p {
		return nil
	}
	return &ZeroLoop{Start: start, End: end, Ptr: p, Limit: br.Rs2, Gas: gas}
}

// Worth reports whether the loop, about to be entered with registers x, has enough left
// to zero to be worth handing to Run.
func (z *ZeroLoop) Worth(p, limit uint64) bool {
	return p < limit && limit-p >= ZeroLoopMinBytes
}

// Run runs the loop (st.PC is z.Start) to its end in one step, exactly as executing it
// block by block would: each iteration charges the block's gas and retires its three
// instructions, or stops out of gas before running (PC = z.Start); a doubleword store
// outside the arena or into the read-only range faults (FaultStore at z.Start, that
// iteration's gas charged and nothing of it retired). It returns ExitNone when the
// loop ran to its end (PC = z.End), else the exit.
func (z *ZeroLoop) Run(st *State, a *Arena) ExitCode {
	if st.PC != z.Start || st.Gas < 0 || z.Gas <= 0 {
		panic(fmt.Sprintf("BUG: guest: zero loop at %#x run at pc %#x", z.Start, st.PC))
	}
	gas := uint64(z.Gas)
	p0, limit := st.X[z.Ptr], st.X[z.Limit]
	// iters: iterations until the branch falls through (the first always runs).
	iters := uint64(1)
	if p0 < limit {
		iters = (limit-p0-1)/8 + 1
	}
	fit := uint64(st.Gas) / gas
	e := min(iters, fit, validStores(st, p0, iters))
	if e > 0 {
		if err := a.Zero(p0, 8*e); err != nil {
			panic("BUG: guest: zero loop range outside the arena: " + err.Error())
		}
	}
	st.X[z.Ptr] = p0 + 8*e
	st.Gas -= int64(e * gas)
	st.Instret += e * 3
	switch {
	case e == iters:
		st.PC = z.End
		return ExitNone
	case e == fit:
		st.PC, st.Exit = z.Start, ExitOutOfGas
		return ExitOutOfGas
	default:
		st.Gas -= int64(gas)
		st.SetFault(FaultStore, z.Start, p0+8*e)
		return ExitFault
	}
}

// validStores counts the leading iterations (at most iters) whose doubleword store at
// p0 + 8j is inside the arena and outside the read-only range (the engines' checks:
// off <= size-8, and [off, off+8) not meeting [ro, ro+rn)).
func validStores(st *State, p0, iters uint64) uint64 {
	off := p0 - st.ArenaBase
	if st.ArenaSize < 8 || off > st.ArenaSize-8 {
		return 0
	}
	j := (st.ArenaSize-8-off)/8 + 1
	if ro, rn := st.ROStart, st.ROSize; rn > 0 && off < ro+rn {
		if off+8 > ro {
			return 0
		}
		j = min(j, (ro-8-off)/8+1)
	}
	return min(j, iters)
}
