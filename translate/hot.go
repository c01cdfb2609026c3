package translate

import (
	"cmp"
	"slices"

	"github.com/hybridvm/hybridvm/codegen"
)

// CompileHot compiles, as one unit, the untranslated block at pc and the untranslated
// blocks among ran — blocks the caller knows ran, sorted by address (a tiered engine
// passes its interpreter's decoded blocks: interp.Program.DecodedBlocks) — at most
// maxInsts guest instructions in all (0: no limit; the block at pc always counts). It
// takes first the blocks of ran that control reaches from pc through blocks of ran
// (breadth first: where the caller's frame goes next), then the others in address
// order, and none of the static neighbours the JIT's units take (code that did not
// run). compiled is false, and nothing is translated, when the block at pc alone has
// more than maxInsts instructions; found is false when no instruction can be fetched
// at pc.
func (p *Program) CompileHot(pc uint64, ran []uint64, maxInsts int) (found, compiled bool, err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	first, found, compiled, err := p.startAt(pc, maxInsts)
	if first == nil {
		return found, compiled, err
	}
	inRan := func(a uint64) bool { _, ok := slices.BinarySearch(ran, a); return ok }
	seen := map[uint64]bool{pc: true}
	out := []*codegen.Block{first}
	insts := len(first.Insts)
	full := false
	take := func(b *codegen.Block) {
		if maxInsts > 0 && insts+len(b.Insts) > maxInsts {
			full = true
			return
		}
		insts += len(b.Insts)
		out = append(out, b)
	}
	// Breadth first from pc through blocks that ran.
	for i := 0; i < len(out) && !full; i++ {
		succ := out[i].Successors()
		if t, ok := indirectTarget(out[i]); ok {
			succ = append(succ, t)
		}
		for _, s := range succ {
			if seen[s] || !inRan(s) || p.mod.Has(s) {
				continue
			}
			seen[s] = true
			if b := DecodeBlock(p.code, s); b != nil {
				take(b)
			}
		}
	}
	// Then the rest of what ran.
	for _, a := range ran {
		if full {
			break
		}
		if seen[a] || p.mod.Has(a) {
			continue
		}
		seen[a] = true
		if b := DecodeBlock(p.code, a); b != nil {
			take(b)
		}
	}
	slices.SortFunc(out, func(a, b *codegen.Block) int { return cmp.Compare(a.Start, b.Start) })
	return true, true, p.compile(out)
}

// TryStats returns the translation counters as Stats does, without waiting: ok is
// false when another goroutine is translating into the program right now.
func (p *Program) TryStats() (s Stats, ok bool) {
	if !p.mu.TryLock() {
		return Stats{}, false
	}
	defer p.mu.Unlock()
	s = p.stats
	s.CodeBytes, s.MemBytes = p.mod.CodeSize(), p.mod.MemSize()
	return s, true
}
