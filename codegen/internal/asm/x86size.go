package asm

import (
	"encoding/binary"
	"slices"
)

// Sizing the amd64 jumps and alignments (x86enc.finish), and laying out the code.
//
// Most jumps have one size in every layout: a jump to the unit's cold code is out of
// a byte's reach even with every jump between short and no padding, and a jump
// around a few instructions is within it even with every jump between long and every
// alignment at its most padding. classify fixes those once; the passes of
// golang-asm's rule (sizeItems) then visit only the others, with the fixed items'
// bytes summed once per round. The rule's passes only lengthen jumps from where they
// start, so they end at the least sizing the rule allows; starting with some jumps at
// the size they end with anyway ends at the same sizing.

// maxAlignRounds bounds finish's rounds of padding choices.
const maxAlignRounds = 4

// x86dyn is a jump whose size depends on the layout (classify).
type x86dyn struct {
	k      int32 // its item
	before int32 // how many such jumps precede its target
	// fk and fb are the bytes the fixed items (classify) before the jump and before
	// its target take, for the alignments' current padding.
	fk, fb int32
}

// setLong makes a jump long or short.
func (j *x86item) setLong(long bool) {
	j.long, j.n = long, 2
	switch {
	case !long:
	case j.cc == 0:
		j.n = 5
	default:
		j.n = 6
	}
}

// longSize is a jump's long size.
func (j *x86item) longSize() int32 {
	if j.cc == 0 {
		return 5
	}
	return 6
}

// finish sizes the jumps by golang-asm's rule (see the file comment of x86enc.go) and
// the alignments, lays out the code and sets the records' offsets.
//
// An alignment's padding depends on where it lands, and where it lands on the jumps
// before it. The jumps are sized first without padding; then the padding is chosen
// for that layout and the jumps sized again around it, fixed, as golang-asm sizes
// them around the same padding given as raw bytes (the check, CheckDirectEncoding).
// Padding only adds bytes between a jump and its target, so every jump long without
// it is long with it: golang-asm's rule, which starts from every jump short, ends
// where it does when started from the sizes without padding, which takes fewer
// passes (usually one). Where the new sizes move an alignment off its boundary, the
// padding is chosen again and the jumps sized again from the sizes without it, for
// at most maxAlignRounds rounds. Some layouts have no padding that agrees with
// golang-asm's rule (a short jump across padding that grows when the padding does,
// and whose growth shortens it): there the padding swings each round, so the first
// alignment to change a third time keeps its padding and misses its boundary (which
// only costs speed), and those after it are chosen for the layout that gives.
func (e *x86enc) finish(b *Builder) []byte {
	n := int32(len(e.at))
	e.at = append(e.at, int32(len(e.code)))
	// Each jump's target label, and how many items precede it (before[rec]: the items
	// among the records before rec; the items are in record order).
	e.before = slices.Grow(e.before[:0], int(n)+1)[:n+1]
	items, before, at := e.items, e.before, e.at
	rec := int32(0)
	for k := range items {
		for r := items[k].rec; rec <= r; rec++ {
			before[rec] = int32(k)
		}
	}
	for ; rec <= n; rec++ {
		before[rec] = int32(len(items))
	}
	for k := range items {
		if j := &items[k]; j.label != nil {
			j.target = j.label.at
			j.before = before[j.target]
			j.dist = at[j.target] - at[j.rec] - 2
			switch {
			case j.target < j.rec:
				j.dir = -1
			case j.target > j.rec:
				j.dir = 1
			}
		}
	}
	e.classify()
	e.sizeItems() // without padding
	for round := 1; round <= maxAlignRounds && len(e.aligns) > 0 && e.repad(); round++ {
		for _, d := range e.dyn {
			if j := &e.items[d.k]; round == 1 {
				j.long0 = j.long
			} else {
				j.setLong(j.long0) // the last round's sizes may be longer than this padding's
			}
		}
		e.sizeItems()
	}
	// extra[k] is the bytes the first k items take: a record's offset is its place in
	// e.code plus the items before it.
	e.extra = slices.Grow(e.extra[:0], len(items)+1)[:len(items)+1]
	extra := e.extra
	extra[0] = 0
	for k := range items {
		extra[k+1] = extra[k] + items[k].n
	}
	total := int32(len(e.code)) + extra[len(items)]
	e.out = slices.Grow(e.out[:0], int(total))[:total] // every byte is written below
	code := e.out
	e.laid = true
	if !b.direct { // the check's offsets (offset serves the others)
		b.start = slices.Grow(b.start[:0], int(n))[:n]
		for i := range b.start {
			b.start[i] = e.offset(int32(i))
		}
	}
	last := int32(0) // e.code copied up to this offset
	for k := range items {
		j := &items[k]
		a := at[j.rec]
		copy(code[last+extra[k]:], e.code[last:a])
		last = a
		p := a + extra[k]
		if j.label == nil {
			fillNops(code[p : p+j.pad])
			continue
		}
		disp := at[j.target] + extra[j.before] - (p + j.n)
		switch {
		case !j.long && j.cc == 0:
			code[p], code[p+1] = 0xeb, byte(disp)
		case !j.long:
			code[p], code[p+1] = j.cc, byte(disp)
		case j.cc == 0:
			code[p] = 0xe9
			binary.LittleEndian.PutUint32(code[p+1:], uint32(disp))
		default:
			code[p], code[p+1] = 0x0f, j.cc+0x10
			binary.LittleEndian.PutUint32(code[p+2:], uint32(disp))
		}
	}
	copy(code[last+extra[len(items)]:], e.code[last:])
	return code
}

// offset is record i's offset in the code once finish has laid it out (0 before,
// and for no record).
func (e *x86enc) offset(i int32) int32 {
	if !e.laid || i < 0 || int(i) >= len(e.before)-1 {
		return 0
	}
	return e.at[i] + e.extra[e.before[i]]
}

// classify fixes the size of every jump that has one size in every layout: golang-asm's
// rule makes a forward jump long once the distance it would jump short exceeds 127,
// and a backward jump long while that distance is below -128. Between a jump and its
// target each jump takes 2 to 5 or 6 bytes and each alignment 0 to its most padding;
// a jump whose distance is beyond its limit at the least of those, or within it at
// the most, is fixed (long or short), and the others are listed in e.dyn. It then
// counts, before each item, the fixed jumps' bytes, the alignments and the listed
// jumps (fixed, nAlign, nDyn): what sizeItems and extraAt read.
func (e *x86enc) classify() {
	items := e.items
	size := len(items) + 1
	// lo[k] and hi[k]: the least and most bytes the first k items can take.
	e.fixed = slices.Grow(e.fixed[:0], size)[:size]
	e.nAlign = slices.Grow(e.nAlign[:0], size)[:size]
	lo, hi := e.fixed, e.nAlign // storage taken over below
	lo[0], hi[0] = 0, 0
	for k := range items {
		j := &items[k]
		mn, mx := int32(2), j.maxPad
		if j.label != nil {
			mx = j.longSize()
		} else {
			mn = 0
		}
		lo[k+1], hi[k+1] = lo[k]+mn, hi[k]+mx
	}
	e.dyn = e.dyn[:0]
	for k := range items {
		j := &items[k]
		if j.label == nil {
			continue
		}
		var near, far int32 // the distance jumped short at the least and the most bytes between
		switch {
		case j.dir > 0: // the jump (short) and the items after it up to the target
			near = j.dist + 2 + lo[j.before] - lo[k+1]
			far = j.dist + 2 + hi[j.before] - hi[k+1]
			if near > 127 {
				j.setLong(true)
				continue
			}
			if far <= 127 {
				continue
			}
		case j.dir < 0: // the items from the target up to the jump
			near = j.dist - (lo[k] - lo[j.before])
			far = j.dist - (hi[k] - hi[j.before])
			if near < -128 {
				j.setLong(true)
				continue
			}
			if far >= -128 {
				continue
			}
		default:
			continue
		}
		j.dyn = true
		e.dyn = append(e.dyn, x86dyn{k: int32(k)})
	}
	e.nDyn = slices.Grow(e.nDyn[:0], size)[:size]
	fixed, nAlign, nDyn := e.fixed, e.nAlign, e.nDyn
	fixed[0], nAlign[0], nDyn[0] = 0, 0, 0
	for k := range items {
		j := &items[k]
		fixed[k+1], nAlign[k+1], nDyn[k+1] = fixed[k], nAlign[k], nDyn[k]
		switch {
		case j.label == nil:
			nAlign[k+1]++
		case j.dyn:
			nDyn[k+1]++
		default:
			fixed[k+1] += j.n
		}
	}
	for i := range e.dyn {
		d := &e.dyn[i]
		d.before = nDyn[items[d.k].before]
	}
}

// extraAt is the bytes the first k items take, once sizeItems has run.
func (e *x86enc) extraAt(k int32) int32 {
	return e.fixed[k] + e.pads[e.nAlign[k]] + e.pre[e.nDyn[k]]
}

// sizeItems sizes the jumps by golang-asm's rule (see the file comment of x86enc.go)
// from their current sizes, around the alignments' current padding. Only the jumps
// classify listed can change: each pass visits them alone, reading the bytes before
// an item as the fixed jumps' and the alignments' (summed once per call) plus the
// listed jumps' (summed in each pass, in pre).
func (e *x86enc) sizeItems() {
	items, dyn := e.items, e.dyn
	e.pads = slices.Grow(e.pads[:0], len(e.aligns)+1)[:len(e.aligns)+1]
	pads := e.pads // pads[a]: the bytes the first a alignments take
	pads[0] = 0
	for a, k := range e.aligns {
		pads[a+1] = pads[a] + items[k].n
	}
	for i := range dyn {
		d := &dyn[i]
		b := items[d.k].before
		d.fk = e.fixed[d.k] + pads[e.nAlign[d.k]]
		d.fb = e.fixed[b] + pads[e.nAlign[b]]
	}
	e.pre = slices.Grow(e.pre[:0], len(dyn)+1)[:len(dyn)+1]
	pre := e.pre // pre[i]: the bytes the first i listed jumps take
	pre[0] = 0
	for {
		for i := range dyn {
			d := &dyn[i]
			j := &items[d.k]
			if j.dir < 0 { // backward: short when the target is within reach
				if long := j.dist+d.fb+pre[d.before]-d.fk-pre[i] < -128; long != j.long {
					j.setLong(long)
				}
			}
			pre[i+1] = pre[i] + j.n
		}
		grew := false
		for i := range dyn {
			d := &dyn[i]
			j := &items[d.k]
			if j.dir > 0 && !j.long && j.dist+d.fb+pre[d.before]-d.fk-pre[i] > 127 {
				j.setLong(true)
				grew = true
			}
		}
		if !grew {
			return
		}
	}
}

// repad chooses every alignment's padding again for the layout sizeItems left
// (each for its place after the padding before it changed), reporting whether any
// changed. The first alignment whose padding would change a third time (the first
// choice, one correction) keeps its padding for good: the jumps' sizes swing with
// it (see finish), and the alignments after it can still reach their boundaries.
func (e *x86enc) repad() bool {
	changed, froze := false, false
	shift := int32(0) // how much the padding chosen so far moved the code
	for _, k := range e.aligns {
		j := &e.items[k]
		if j.frozen {
			continue
		}
		pad := alignPad(e.at[j.rec]+e.extraAt(k)+shift, j.boundary, j.maxPad)
		if pad == j.pad {
			continue
		}
		if j.changes >= 2 && !froze {
			j.frozen, froze = true, true
			continue
		}
		shift += pad - j.pad
		j.pad, j.n, changed = pad, pad, true
		j.changes++
	}
	return changed
}
