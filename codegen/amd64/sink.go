package amd64

import (
	"slices"

	"github.com/hybridvm/hybridvm/riscv"
)

// Work left to a self-loop's exits. In a loop that cannot fault (its loads' bounds
// checked at the entry, hoist.go), a result that the next iteration writes before
// reading it, and that its branch does not read, matters only when the loop is left:
// on its exit edge, or when the back edge's own gas charge runs out (the exits fuse.go
// already gives loops with shift results left to the exit edge). Two cases save
// instructions on every iteration:
//
//   - nothing later in the body reads it (sha256's round loop ends with `mv t1, a0`,
//     which the next iteration overwrites): the instruction is not emitted at all;
//   - it lives in State.X and the body reads it only within a span forwarded through
//     RDX (forward.go; sha256's ror13(a) and `and s7, a3, t4`): it is computed into
//     RDX as before, but not stored to its slot.
//
// Each exit computes it again, in body order with fuse.go's skipped shifts (sinks come
// before whatever reads their slots there), so the instruction's sources must hold the
// same values at the body's end: none is written after it but by a sext.w of itself
// that cannot change what the instruction reads (a move, or a source it reads only the
// low half of), and it does not read its own destination. It is the last write of its
// register in the body (but for shifts that fuse.go skips and nothing computes), an ALU
// instruction or a fused rotate (recomputed as the rotate). With no possible fault in
// the body, nothing else observes the register in between: the first iteration's entry
// charge exposes the values from before the loop, which are whole.

// noFaults reports whether no instruction of body can fault (unchecked: the loads
// whose bounds the loop's entry checked).
func noFaults(body []riscv.Inst, unchecked []bool) bool {
	for m, in := range body {
		if !faultFree(in) && !(m < len(unchecked) && unchecked[m]) {
			return false
		}
	}
	return true
}

// loweredReads reports whether the lowering of instruction m reads guest register r
// under fusion f (a skipped instruction reads nothing, a fused rotate only its source).
func loweredReads(body []riscv.Inst, f *fusion, m int, r uint8) bool {
	if f.skip != nil && f.skip[m] {
		return false
	}
	if rot, ok := f.rotAt(m); ok {
		return rot.src == r
	}
	return reads(body[m], r)
}

// readAfter reports whether some instruction after m reads r (as lowered under f).
func readAfter(body []riscv.Inst, f *fusion, m int, r uint8) bool {
	for k := m + 1; k < len(body); k++ {
		if loweredReads(body, f, k, r) {
			return true
		}
	}
	return false
}

// sinkable reports whether instruction i of a fault-free self-loop body can be left
// to the loop's exits as far as the back edge (live: backEdgeLive) and its sources are
// concerned; full marks the sext.w lowered as moves (sext.go).
func sinkable(body []riscv.Inst, i int, live regSet, f *fusion, full []bool) bool {
	in := body[i]
	r := in.Rd
	if !writesRd(in) || live[r] || (f.skip != nil && f.skip[i]) || loweredReads(body, f, i, r) {
		return false
	}
	// The last write of r: a later one may only be a skipped shift that nothing
	// computes (its rotate reads it, then r is overwritten, fuse.go's deadAfter).
	for m := i + 1; m < len(body); m++ {
		x := body[m]
		if writesRd(x) && x.Rd == r && !(f.skip != nil && f.skip[m] && !slices.Contains(f.atExit, m)) {
			return false
		}
	}
	var srcs [2]uint8
	var low [2]bool
	n := 0
	if rot, ok := f.rotAt(i); ok {
		srcs[0], low[0], n = rot.src, rot.word, 1
	} else {
		if !rdxFree(in) || in.Op == riscv.OpAUIPC { // an exit computes it without its pc
			return false
		}
		srcs, n = sources(in)
		low[0], low[1] = lowSources(in)
	}
	for k, s := range srcs[:n] {
		if s == 0 {
			continue
		}
		if s == r {
			return false
		}
		for m := i + 1; m < len(body); m++ {
			x := body[m]
			if !writesRd(x) || x.Rd != s {
				continue
			}
			if !isSextW(x) || x.Rs1 != s || !(low[k] || m < len(full) && full[m]) {
				return false
			}
		}
	}
	return true
}

// sinkFull returns the instructions of body that can be left to the loop's exits
// entirely (sinkable, and nothing after them reads their result), with f extended to
// skip them (a copy: f itself may be shared).
func sinkFull(body []riscv.Inst, live regSet, f *fusion, full []bool) ([]int, *fusion) {
	var list []int
	for i := range body {
		if sinkable(body, i, live, f, full) && !readAfter(body, f, i, body[i].Rd) {
			list = append(list, i)
		}
	}
	if len(list) == 0 {
		return nil, f
	}
	g := *f
	g.skip = make([]bool, len(body))
	copy(g.skip, f.skip)
	for _, i := range list {
		g.skip[i] = true
	}
	return list, &g
}

// sinkStores marks the spans whose register can live in RDX only (noStore: its last
// write in the body is in the span and sinkable, and nothing reads it after the span)
// and returns those last writes.
func sinkStores(spans []fwdSpan, body []riscv.Inst, live regSet, f *fusion, full []bool) []int {
	var list []int
	for k := range spans {
		s := &spans[k]
		w := lastDef(body, len(body), s.reg)
		for w > s.end && f.skip != nil && f.skip[w] && !slices.Contains(f.atExit, w) {
			w = lastDef(body, w, s.reg) // a shift nothing computes
		}
		if w >= s.start && w <= s.end && sinkable(body, w, live, f, full) && !readAfter(body, f, s.end, s.reg) {
			s.noStore = true
			list = append(list, w)
		}
	}
	return list
}

// exitWork merges the body indices to compute at a self-loop's exits.
func exitWork(lists ...[]int) []int {
	var all []int
	for _, l := range lists {
		all = append(all, l...)
	}
	slices.Sort(all)
	return all
}
