package asm

import (
	"bytes"
	"math/rand"
	"testing"
)

// TestAlignPadding: at every offset modulo the boundary (16 and 32), an alignment
// pads with NOPs up to the boundary when that takes at most maxPad bytes and adds
// nothing otherwise; the label after it lands there, the padding is the fewest
// recommended NOPs, and golang-asm given the padding as raw bytes agrees.
func TestAlignPadding(t *testing.T) {
	for _, boundary := range []int{16, 32} {
		for _, maxPad := range []int{0, 10, 15, boundary - 1} {
			for off := 0; off < 2*boundary; off++ {
				var l *Label
				direct, ref, derr, rerr := assembleBoth(func(b *Builder) {
					b.Raw(bytes.Repeat([]byte{0xcc}, off)...)
					b.Align(boundary, maxPad)
					l = b.NewLabel()
					b.Bind(l)
					b.Inst(ADDQ, R(BX), R(CX))
					b.Jump(JNE, l)
				})
				if derr != nil || rerr != nil {
					t.Fatalf("boundary %d, max %d, offset %d: direct %v, golang-asm %v", boundary, maxPad, off, derr, rerr)
				}
				want := off
				if pad := -off & (boundary - 1); pad <= maxPad {
					want += pad
				}
				if !bytes.Equal(direct, ref) || l.Offset() != want {
					t.Fatalf("boundary %d, max %d, offset %d: label at %d, want %d;\ndirect     %x\ngolang-asm %x", boundary, maxPad, off, l.Offset(), want, direct, ref)
				}
				pad := make([]byte, want-off)
				fillNops(pad)
				if !bytes.Equal(direct[off:want], pad) {
					t.Fatalf("boundary %d, offset %d: padding %x, want %x", boundary, off, direct[off:want], pad)
				}
			}
		}
	}
}

// TestNops: each NOP form is as long as its index, and padding takes the fewest
// NOPs (one up to maxNop bytes).
func TestNops(t *testing.T) {
	for n := 1; n <= maxNop; n++ {
		if len(nops[n]) != n {
			t.Errorf("the %d-byte NOP has %d bytes", n, len(nops[n]))
		}
	}
	p := make([]byte, maxNop+3)
	fillNops(p)
	if !bytes.Equal(p[:maxNop], nops[maxNop]) || !bytes.Equal(p[maxNop:], nops[3]) {
		t.Errorf("%d bytes of padding: %x", len(p), p)
	}
}

// TestAlignAcrossGrowingJump: a forward jump before the padding that grows (its
// target out of reach) moves the padded label, which the padding follows; a short
// backward jump to the label, a long one from far away and a jump over the padding
// all agree with golang-asm.
func TestAlignAcrossGrowingJump(t *testing.T) {
	for lead := 0; lead < 40; lead++ {
		for _, far := range []int{100, 130, 300} {
			var head *Label
			direct, ref, derr, rerr := assembleBoth(func(b *Builder) {
				out := b.NewLabel()
				b.Jump(JEQ, out) // grows when far is out of reach
				b.Raw(bytes.Repeat([]byte{0x90}, lead)...)
				b.Jump(JMP, out) // jumps over the padding
				b.Align(16, 15)
				head = b.NewLabel()
				b.Bind(head)
				b.Inst(ADDQ, R(BX), R(CX))
				b.Jump(JNE, head) // short, backward
				b.Raw(bytes.Repeat([]byte{0x90}, far)...)
				b.Jump(JLT, head) // long when far is
				b.Bind(out)
				b.Inst(ADDQ, R(BX), R(CX))
			})
			if derr != nil || rerr != nil {
				t.Fatalf("lead %d, far %d: direct %v, golang-asm %v", lead, far, derr, rerr)
			}
			if !bytes.Equal(direct, ref) {
				t.Fatalf("lead %d, far %d:\ndirect     %x\ngolang-asm %x", lead, far, direct, ref)
			}
			if head.Offset()%16 != 0 {
				t.Errorf("lead %d, far %d: the head at %#x", lead, far, head.Offset())
			}
		}
	}
}

// TestAlignedJumpsMatchGolangAsm: random code of jumps, labels, instructions and
// alignments (16 and 32 bytes, various maximum padding): golang-asm given the
// padding the direct encoder chose agrees byte for byte and label for label, also
// without records, and nearly every alignment reaches its boundary. (Not every one
// can: a short forward jump across padding that must grow when the padding is
// longer, and whose growth would make the padding shorter, leaves no padding that
// golang-asm's rule would size the jumps around as the direct encoder did. The dense
// random code here meets that about once in 60 alignments.)
func TestAlignedJumpsMatchGolangAsm(t *testing.T) {
	rng := rand.New(rand.NewSource(2))
	aligns, missed := 0, 0
	for round := 0; round < 300; round++ {
		build := randomAligned(rng)
		var b0 *Builder
		direct, ref, derr, rerr := assembleBoth(func(b *Builder) {
			b0 = b
			b.Align(16, 7) // at offset 0: nothing
			build(b)
		})
		if derr != nil || rerr != nil {
			t.Fatalf("round %d: direct %v, golang-asm %v", round, derr, rerr)
		}
		if !bytes.Equal(direct, ref) {
			t.Fatalf("round %d:\ndirect     %x\ngolang-asm %x", round, direct, ref)
		}
		for _, j := range b0.x.items {
			if j.label == nil {
				aligns++
				at := b0.start[j.rec]
				if alignPad(at, j.boundary, j.maxPad) != j.pad {
					missed++
				}
			}
		}
	}
	if aligns < 1000 || missed*25 > aligns {
		t.Errorf("%d alignments, %d missed their padding", aligns, missed)
		return
	}
	t.Logf("%d alignments, %d missed their padding", aligns, missed)
}

// TestAlignRefused: a boundary that is not a power of two, or padding as long as the
// boundary, is an error.
func TestAlignRefused(t *testing.T) {
	for _, c := range [][2]int{{0, 0}, {12, 4}, {16, 16}, {16, -1}, {128, 8}} {
		b := NewAMD64()
		b.Align(c[0], c[1])
		if _, err := b.Assemble(); err == nil {
			t.Errorf("Align(%d, %d) assembled", c[0], c[1])
		}
	}
}

// TestAlignAfterConflict: a short jump across padding, whose target is just within
// reach with the padding as it is, grows when the padding grows and shrinks it
// again: that alignment may miss its boundary, but keeps its padding after a
// correction, so the next one still reaches its own.
func TestAlignAfterConflict(t *testing.T) {
	for lead := 0; lead < 16; lead++ {
		for fill := 100; fill < 130; fill++ {
			var h1, h2 *Label
			direct, ref, derr, rerr := assembleBoth(func(b *Builder) {
				out := b.NewLabel()
				b.Raw(bytes.Repeat([]byte{0x90}, lead)...)
				b.Jump(JEQ, out)
				b.Align(16, 15)
				h1 = b.NewLabel()
				b.Bind(h1)
				b.Raw(bytes.Repeat([]byte{0x90}, fill)...)
				b.Jump(JNE, h1)
				b.Bind(out)
				b.Raw(bytes.Repeat([]byte{0x90}, lead+3)...)
				b.Align(16, 15)
				h2 = b.NewLabel()
				b.Bind(h2)
				b.Inst(ADDQ, R(BX), R(CX))
				b.Jump(JNE, h2)
			})
			if derr != nil || rerr != nil {
				t.Fatalf("lead %d, fill %d: direct %v, golang-asm %v", lead, fill, derr, rerr)
			}
			if !bytes.Equal(direct, ref) {
				t.Fatalf("lead %d, fill %d:\ndirect     %x\ngolang-asm %x", lead, fill, direct, ref)
			}
			if h2.Offset()%16 != 0 {
				t.Errorf("lead %d, fill %d: the second head at %#x (the first at %#x)", lead, fill, h2.Offset(), h1.Offset())
			}
		}
	}
}
