package translate

import (
	"cmp"
	"math"
	"slices"
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
	use [32]int
	// blocks are the blocks statically reachable from the entry, sorted by address:
	// New keeps them for the program's first compilation (blockCache).
	blocks []*codegen.Block
}

// pow10 is 10^d for the loop depths the analysis weighs (at most 6).
var pow10 = func() (p [7]float64) {
	for d := range p {
		p[d] = math.Pow(10, float64(d))
	}
	return p
}()

func analyze(code *guest.Code, entry uint64) *analysis {
	blocks := reachable(code, entry)
	slices.SortFunc(blocks, func(a, b *codegen.Block) int { return cmp.Compare(a.Start, b.Start) })
	// Functions: the entry and every call target, sorted; each block's function is the
	// nearest entry at or below it (the entry for a block below them all).
	starts := []uint64{entry}
	callee := make([]int, len(blocks)) // the called function's index, -1: none
	for i, b := range blocks {
		callee[i] = -1
		if t, ok := callTarget(b); ok {
			starts = append(starts, t)
		}
	}
	slices.Sort(starts)
	n := 0
	for i, s := range starts {
		if i == 0 || s != starts[n-1] {
			starts[n] = s
			n++
		}
	}
	starts = starts[:n]
	index := func(f uint64) int { return sort.Search(len(starts), func(i int) bool { return starts[i] >= f }) }
	entryFunc := index(entry)
	funcOf := func(pc uint64) int {
		i := sort.Search(len(starts), func(i int) bool { return starts[i] > pc })
		if i == 0 {
			return entryFunc
		}
		return i - 1
	}
	fn := make([]int, len(blocks))
	for i, b := range blocks {
		fn[i] = funcOf(b.Start)
		if t, ok := callTarget(b); ok {
			callee[i] = index(t)
		}
	}
	// Loop depth: a backward branch or jump (to an address at or before the block,
	// inside the same function) makes the blocks in between one level deeper
	// (a difference array over the blocks in address order).
	diff := make([]int, len(blocks)+1)
	for i, b := range blocks {
		if (b.Term == codegen.TermBranch || b.Term == codegen.TermJAL) && b.Target <= b.Start && funcOf(b.Target) == fn[i] {
			lo := sort.Search(len(blocks), func(i int) bool { return blocks[i].Start >= b.Target })
			diff[lo]++
			diff[i+1]--
		}
	}
	depth := make([]float64, len(blocks)) // 10^(loop depth, at most 6)
	for i, d := 0, 0; i < len(blocks); i++ {
		d += diff[i]
		depth[i] = pow10[min(d, 6)]
	}
	// Function weights over the call graph.
	fw, next := make([]float64, len(starts)), make([]float64, len(starts))
	fw[entryFunc] = 1
	for iter := 0; iter < 4; iter++ {
		clear(next)
		next[entryFunc] = 1
		for i := range blocks {
			t := callee[i]
			if t < 0 {
				continue
			}
			w := fw[fn[i]] * depth[i]
			if fn[i] == t {
				w *= 10 // recursion
			}
			next[t] = math.Min(next[t]+w, 1e12)
		}
		fw, next = next, fw
	}
	var use [32]float64
	for i, b := range blocks {
		f := fw[fn[i]]
		if f == 0 {
			f = 1 // reached only through function pointers
		}
		w := f * depth[i]
		for _, in := range b.Insts {
			regs, n := operands(in)
			for _, r := range regs[:n] {
				use[r] += w
			}
		}
	}
	a := &analysis{blocks: blocks}
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

// reachable returns the blocks statically reachable from entry (at most
// maxUseBlocks), breadth first. It decodes each block once, into storage shared by
// all of them (blockArena), so a large program costs few allocations.
func reachable(code *guest.Code, entry uint64) []*codegen.Block {
	seen := newPCSet(code, true)
	seen.add(entry)
	queue := []uint64{entry}
	var (
		out   []*codegen.Block
		arena blockArena
	)
	defer arena.release()
	for len(queue) > 0 && len(out) < maxUseBlocks {
		pc := queue[0]
		queue = queue[1:]
		b := arena.decode(code, pc)
		if b == nil {
			continue
		}
		out = append(out, b)
		succ, n := successors(b)
		for _, s := range succ[:n] {
			if seen.add(s) {
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
		return indirectTarget(b)
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
