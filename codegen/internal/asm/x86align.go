package asm

// Alignment of amd64 code (Builder.Align): padding with NOPs up to the next multiple
// of a boundary, for loop heads. Its size depends on where it lands, so the direct
// encoder sizes it along with the jumps (x86enc.finish); golang-asm has no alignment
// directive on amd64, so the check (CheckDirectEncoding) hands it the padding the
// direct encoder chose as raw bytes.

// maxAlign bounds an alignment's boundary.
const maxAlign = 64

// Align pads the code with NOPs up to the next multiple of boundary (a power of two,
// at most 64 bytes) when that takes at most maxPad bytes (less than boundary), and
// emits nothing otherwise. On amd64 only: elsewhere it emits nothing.
func (b *Builder) Align(boundary, maxPad int) {
	if b.x == nil {
		return
	}
	if boundary < 1 || boundary > maxAlign || boundary&(boundary-1) != 0 || maxPad < 0 || maxPad >= boundary {
		b.diag("asm: alignment to %d with at most %d bytes", boundary, maxPad)
		return
	}
	b.record(&inst{kind: instAlign, from: Imm(int64(boundary)), to: Imm(int64(maxPad))})
}

// alignPad is the padding an alignment to boundary with at most maxPad bytes needs
// at offset pos.
func alignPad(pos, boundary, maxPad int32) int32 {
	if pad := -pos & (boundary - 1); pad <= maxPad {
		return pad
	}
	return 0
}

// maxNop is the longest NOP fillNops writes.
const maxNop = 11

// nops are the recommended multi-byte NOPs (Intel's optimisation manual: 0F 1F /0
// with the operand-size prefix and the ModRM, SIB and displacement bytes a longer
// form needs; 10 and 11 bytes add 66 and CS prefixes, as GNU as does), by length.
var nops = [maxNop + 1][]byte{
	1:  {0x90},
	2:  {0x66, 0x90},
	3:  {0x0f, 0x1f, 0x00},
	4:  {0x0f, 0x1f, 0x40, 0x00},
	5:  {0x0f, 0x1f, 0x44, 0x00, 0x00},
	6:  {0x66, 0x0f, 0x1f, 0x44, 0x00, 0x00},
	7:  {0x0f, 0x1f, 0x80, 0x00, 0x00, 0x00, 0x00},
	8:  {0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00},
	9:  {0x66, 0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00},
	10: {0x66, 0x2e, 0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00},
	11: {0x66, 0x66, 0x2e, 0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00},
}

// fillNops fills p with as few NOPs as the forms above allow (the longest first).
func fillNops(p []byte) {
	for len(p) > 0 {
		n := min(len(p), maxNop)
		copy(p, nops[n])
		p = p[n:]
	}
}
