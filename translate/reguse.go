package translate

import (
	"math"
	"sort"

	"github.com/hybridvm/hybridvm/codegen"
	"github.com/hybridvm/hybridvm/guest"
	"github.com/hybridvm/hybridvm/riscv"
)

// maxUseBlocks bounds the static analysis of RegisterUse.
const maxUseBlocks = 1 << 15

// RegisterUse estimates how often each guest register is used when the program runs,
// for the backend's choice of which guest registers live in host registers. It finds
// the blocks statically reachable from entry, the functions (targets of calls), the
// loops (backward branches: every block between the target and the branch is one loop
// level deeper) and the call graph, and weighs each block's register operands by
// 10^(its loop depth) times its function's weight: 1 for the entry function, the sum
// of the weights of the call sites for the others (ten times more for a function that
// calls itself). So the registers of inner loops and of functions called from them
// win, whatever the cold code around them uses.
func RegisterUse(code *guest.Code, entry uint64) [32]int { return analyze(code, entry).use }

// analysis is what translate learns about a program statically.
type analysis struct {
	use    [32]int
	starts []uint64 // function entries, sorted
	entry  uint64
}

// funcOf returns the function containing pc (the nearest entry at or below it).
func (a *analysis) funcOf(pc uint64) uint64 {
	i := sort.Search(len(a.starts), func(i int) bool { return a.starts[i] > pc })
	if i == 0 {
		return a.entry
	}
	return a.starts[i-1]
}

func analyze(code *guest.Code, entry uint64) *analysis {
	blocks := reachable(code, entry)
	sort.Slice(blocks, func(i, j int) bool { return blocks[i].Start < blocks[j].Start })
	// Functions: the entry and every call target.
	funcs := map[uint64]bool{entry: true}
	for _, b := range blocks {
		if t, ok := callTarget(b); ok {
			funcs[t] = true
		}
	}
	a := &analysis{entry: entry}
	for f := range funcs {
		a.starts = append(a.starts, f)
	}
	sort.Slice(a.starts, func(i, j int) bool { return a.starts[i] < a.starts[j] })
	funcOf := a.funcOf
	// Loop depth: a backward branch or jump (to an address at or before the block,
	// inside the same function) makes the blocks in between one level deeper
	// (a difference array over the blocks in address order).
	diff := make([]int, len(blocks)+1)
	for _, b := range blocks {
		if (b.Term == codegen.TermBranch || b.Term == codegen.TermJAL) && b.Target <= b.Start && funcOf(b.Target) == funcOf(b.Start) {
			lo := sort.Search(len(blocks), func(i int) bool { return blocks[i].Start >= b.Target })
			hi := sort.Search(len(blocks), func(i int) bool { return blocks[i].Start > b.Start })
			diff[lo]++
			diff[hi]--
		}
	}
	depth := make(map[uint64]int, len(blocks))
	for i, d := 0, 0; i < len(blocks); i++ {
		d += diff[i]
		depth[blocks[i].Start] = d
	}
	// Function weights over the call graph.
	fw := map[uint64]float64{entry: 1}
	for iter := 0; iter < 4; iter++ {
		next := map[uint64]float64{entry: 1}
		for _, b := range blocks {
			t, ok := callTarget(b)
			if !ok {
				continue
			}
			w := fw[funcOf(b.Start)] * math.Pow(10, float64(min(depth[b.Start], 6)))
			if funcOf(b.Start) == t {
				w *= 10 // recursion
			}
			next[t] = math.Min(next[t]+w, 1e12)
		}
		fw = next
	}
	var use [32]float64
	for _, b := range blocks {
		f := fw[funcOf(b.Start)]
		if f == 0 {
			f = 1 // reached only through function pointers
		}
		w := f * math.Pow(10, float64(min(depth[b.Start], 6)))
		for _, in := range b.Insts {
			regs, n := operands(in)
			for _, r := range regs[:n] {
				use[r] += w
			}
		}
	}
	top := 0.0
	for _, u := range use[1:] {
		top = math.Max(top, u)
	}
	for r := 1; r < 32; r++ {
		if use[r] > 0 {
			// Scaled to fit an int, keeping the order (and at least 1 for any use).
			a.use[r] = max(1, int(use[r]/top*1e9))
		}
	}
	return a
}

// reachable returns the blocks statically reachable from entry (at most maxUseBlocks).
func reachable(code *guest.Code, entry uint64) []*codegen.Block {
	seen := map[uint64]bool{entry: true}
	queue := []uint64{entry}
	var out []*codegen.Block
	for len(queue) > 0 && len(out) < maxUseBlocks {
		pc := queue[0]
		queue = queue[1:]
		b := DecodeBlock(code, pc)
		if b == nil {
			continue
		}
		out = append(out, b)
		for _, s := range append(b.Successors(), indirectTargets(b)...) {
			if !seen[s] {
				seen[s] = true
				queue = append(queue, s)
			}
		}
	}
	return out
}

// callTarget returns the function a block calls: the target of a JAL or of an
// AUIPC/JALR pair that links.
func callTarget(b *codegen.Block) (uint64, bool) {
	last := b.Insts[len(b.Insts)-1]
	switch {
	case b.Term == codegen.TermJAL && last.Rd != 0:
		return b.Target, true
	case b.Term == codegen.TermJALR && last.Rd != 0:
		if t := indirectTargets(b); len(t) == 1 {
			return t[0], true
		}
	}
	return 0, false
}

// operands lists the registers an instruction reads or writes: the first n of regs.
func operands(in riscv.Inst) (regs [3]uint8, n int) {
	regs[0] = in.Rd
	switch in.Op {
	case riscv.OpLUI, riscv.OpAUIPC, riscv.OpJAL, riscv.OpCSRRWI, riscv.OpCSRRSI, riscv.OpCSRRCI:
		return regs, 1
	}
	regs[1] = in.Rs1
	switch {
	case in.Op.IsBranch(), in.Op.IsStore(), in.Op.IsAtomic(),
		in.Op.Class() == riscv.ClassMul, in.Op.Class() == riscv.ClassDiv,
		in.Op >= riscv.OpADD && in.Op <= riscv.OpAND,
		in.Op >= riscv.OpADDW && in.Op <= riscv.OpSRAW:
		regs[2] = in.Rs2
		return regs, 3
	}
	return regs, 2
}
