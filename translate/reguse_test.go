package translate_test

import (
	"math"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/hybridvm/hybridvm/codegen"
	"github.com/hybridvm/hybridvm/guest"
	"github.com/hybridvm/hybridvm/internal/corpus"
	"github.com/hybridvm/hybridvm/riscv"
	"github.com/hybridvm/hybridvm/translate"
)

// TestRegisterUseMatchesReference: the analysis (decoding each block once into shared
// storage, slices instead of maps) gives exactly the weights of the straightforward
// algorithm RegisterUse documents (referenceRegisterUse: a block decoded per visit,
// maps by address), for the examples, the kernels, the corpus's programs and
// generated ones.
func TestRegisterUseMatchesReference(t *testing.T) {
	root, err := corpus.Root()
	if err != nil {
		t.Fatal(err)
	}
	type prog struct {
		name string
		elf  []byte
		cons guest.Constraints
	}
	var progs []prog
	for _, path := range []string{"examples/erc20/erc20.runtime.elf", "examples/bigcode/bigcode.runtime.elf", "examples/counter/counter.runtime.elf"} {
		elf, err := os.ReadFile(filepath.Join(root, path))
		if err != nil {
			t.Fatal(err)
		}
		progs = append(progs, prog{path, elf, guest.ContractConstraints})
	}
	kernels, _ := filepath.Glob(filepath.Join(root, "bench/kernels/*.elf"))
	for _, k := range kernels {
		elf, err := os.ReadFile(k)
		if err != nil {
			t.Fatal(err)
		}
		progs = append(progs, prog{k, elf, guest.Constraints{}})
	}
	exec, err := corpus.TestdataPrograms(root)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range append(exec, corpus.GeneratedPrograms(40)...) {
		progs = append(progs, prog{p.Name, p.ELF, guest.Constraints{}})
	}
	checked := 0
	for _, p := range progs {
		gp, err := guest.LoadELF(p.elf, p.cons)
		if err != nil {
			continue // the corpus has programs the loader refuses on purpose
		}
		code := gp.Code()
		for _, entry := range []uint64{gp.Entry, gp.Entry + 2, code.Lo} {
			got, want := translate.RegisterUse(code, entry), referenceRegisterUse(code, entry)
			if got != want {
				t.Errorf("%s from %#x: register use\n%v, want\n%v", p.name, entry, got, want)
			}
			checked++
		}
	}
	if checked < 30 {
		t.Fatalf("only %d analyses checked", checked)
	}
}

// referenceRegisterUse is RegisterUse as its comment describes it, written plainly.
func referenceRegisterUse(code *guest.Code, entry uint64) [32]int {
	// The blocks reachable from entry, breadth first (at most 1<<15).
	seen := map[uint64]bool{entry: true}
	queue := []uint64{entry}
	var blocks []*codegen.Block
	for len(queue) > 0 && len(blocks) < 1<<15 {
		pc := queue[0]
		queue = queue[1:]
		b := translate.DecodeBlock(code, pc)
		if b == nil {
			continue
		}
		blocks = append(blocks, b)
		succ := b.Successors()
		if t, ok := translate.IndirectTarget(b); ok {
			succ = append(succ, t)
		}
		for _, s := range succ {
			if !seen[s] {
				seen[s] = true
				queue = append(queue, s)
			}
		}
	}
	sort.Slice(blocks, func(i, j int) bool { return blocks[i].Start < blocks[j].Start })
	call := func(b *codegen.Block) (uint64, bool) {
		last := b.Insts[len(b.Insts)-1]
		switch {
		case b.Term == codegen.TermJAL && last.Rd != 0:
			return b.Target, true
		case b.Term == codegen.TermJALR && last.Rd != 0:
			return translate.IndirectTarget(b)
		}
		return 0, false
	}
	funcs := map[uint64]bool{entry: true}
	for _, b := range blocks {
		if t, ok := call(b); ok {
			funcs[t] = true
		}
	}
	var starts []uint64
	for f := range funcs {
		starts = append(starts, f)
	}
	sort.Slice(starts, func(i, j int) bool { return starts[i] < starts[j] })
	funcOf := func(pc uint64) uint64 {
		i := sort.Search(len(starts), func(i int) bool { return starts[i] > pc })
		if i == 0 {
			return entry
		}
		return starts[i-1]
	}
	depth := map[uint64]int{}
	for _, b := range blocks {
		if (b.Term == codegen.TermBranch || b.Term == codegen.TermJAL) && b.Target <= b.Start && funcOf(b.Target) == funcOf(b.Start) {
			for _, c := range blocks {
				if c.Start >= b.Target && c.Start <= b.Start {
					depth[c.Start]++
				}
			}
		}
	}
	weight := func(b *codegen.Block) float64 { return math.Pow(10, float64(min(depth[b.Start], 6))) }
	fw := map[uint64]float64{entry: 1}
	for iter := 0; iter < 4; iter++ {
		next := map[uint64]float64{entry: 1}
		for _, b := range blocks {
			t, ok := call(b)
			if !ok {
				continue
			}
			w := fw[funcOf(b.Start)] * weight(b)
			if funcOf(b.Start) == t {
				w *= 10
			}
			next[t] = math.Min(next[t]+w, 1e12)
		}
		fw = next
	}
	var use [32]float64
	for _, b := range blocks {
		f := fw[funcOf(b.Start)]
		if f == 0 {
			f = 1
		}
		for _, in := range b.Insts {
			regs := []uint8{in.Rd}
			switch {
			case in.Op == riscv.OpLUI || in.Op == riscv.OpAUIPC || in.Op == riscv.OpJAL || in.Op == riscv.OpCSRRWI || in.Op == riscv.OpCSRRSI || in.Op == riscv.OpCSRRCI:
			case in.Op.IsBranch(), in.Op.IsStore(), in.Op.IsAtomic(), in.Op.Class() == riscv.ClassMul, in.Op.Class() == riscv.ClassDiv,
				in.Op >= riscv.OpADD && in.Op <= riscv.OpAND, in.Op >= riscv.OpADDW && in.Op <= riscv.OpSRAW:
				regs = append(regs, in.Rs1, in.Rs2)
			default:
				regs = append(regs, in.Rs1)
			}
			for _, r := range regs {
				use[r] += f * weight(b)
			}
		}
	}
	var out [32]int
	top := 0.0
	for _, u := range use[1:] {
		top = math.Max(top, u)
	}
	for r := 1; r < 32; r++ {
		if use[r] > 0 {
			out[r] = max(1, int(use[r]/top*1e9))
		}
	}
	return out
}
