package amd64

import "github.com/hybridvm/hybridvm/codegen/internal/asm"

// Loop heads. How fast a small hot loop runs depends on where it lands: the same
// bytes ran sieve's inner loop (0x3d bytes) 18% slower from offset 0x33e of its
// unit than from 0x350 (RATIONALE.md). Like compilers, the backend pads the code
// before the head a self-loop's back edge jumps to with NOPs up to a multiple of
// loopAlign bytes, when that takes at most loopMaxPad bytes (asm.Builder.Align; with
// loopMaxPad = loopAlign-1 always, short of a jump across the padding that the
// padding itself makes grow). The padding goes where it runs at most once per entry
// into the loop: after an unconditional jump where the code has one (the hoisted
// loop's two copies, the back edge's own gas charge), else just before the head
// (the block's entry, or its loop head after the swap to its own mapping), where the
// loop's entry runs through it once.
const (
	loopAlign  = 16
	loopMaxPad = 15
)

// bindLoopHead pads the code for a loop head and binds l there.
func (u *unit) bindLoopHead(l *asm.Label) {
	u.b.Align(loopAlign, loopMaxPad)
	u.b.Bind(l)
}
