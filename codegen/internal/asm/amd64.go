package asm

import (
	"sync"
	"sync/atomic"

	"github.com/twitchyliquid64/golang-asm/obj"
	"github.com/twitchyliquid64/golang-asm/obj/x86"
)

// NewAMD64 returns a builder for amd64 code (a recycled one when there is one: see
// Release).
func NewAMD64() *Builder {
	keep := checkDirect.Load()
	if !keep {
		b := spareBuilder.Swap(nil)
		if b == nil {
			b, _ = amd64Builders.Get().(*Builder)
		}
		if b != nil {
			b.reset()
			return b
		}
	}
	b := newBuilder(&x86.Linkamd64)
	b.x = newX86enc()
	b.keep = keep
	b.direct = !b.keep
	return b
}

// Released builders (Release), whose buffers and label slabs a new builder reuses: a
// unit's builder otherwise allocated (and grew) them afresh, the bulk of what
// translating allocated. spareBuilder keeps one through garbage collections (which
// empty a sync.Pool) unless its code buffer is large; amd64Builders holds the others.
var (
	spareBuilder  atomic.Pointer[Builder]
	amd64Builders sync.Pool
)

// maxSpareCode bounds the code buffer of the builder kept in spareBuilder.
const maxSpareCode = 1 << 20

// Release gives the builder's storage back for reuse once its code is assembled and
// every offset read: the builder, its labels and marks, and the code Assemble returned
// must not be used any more. Builders that keep records (the check) are not reused.
func (b *Builder) Release() {
	if !b.direct {
		return
	}
	if cap(b.x.code) > maxSpareCode || !spareBuilder.CompareAndSwap(nil, b) {
		amd64Builders.Put(b)
	}
}

// reset empties a released direct amd64 builder.
func (b *Builder) reset() {
	b.errs, b.pending, b.rel32 = b.errs[:0], b.pending[:0], b.rel32[:0]
	b.assembled, b.n, b.start = false, 0, b.start[:0]
	b.labels, b.nextSlab = nil, 0
	x := b.x
	x.code, x.at, x.items, x.aligns = x.code[:0], x.at[:0], x.items[:0], x.aligns[:0]
	x.laid = false
}

// CallAMD64 emits a near CALL to l. golang-asm only calls symbols (and aborts the
// process on a CALL without one), so the wrapper emits E8 rel32 itself and patches
// the displacement after assembly.
func (b *Builder) CallAMD64(l *Label) {
	b.Raw(0xE8)
	b.rel32 = append(b.rel32, rel32Fix{b.Raw32(0), l})
	if !l.bound {
		b.pending = append(b.pending, l)
	}
}

// amd64 registers. Instructions take the 64-bit name whatever their width (Go
// assembler convention: MOVL AX writes EAX, MOVB AX stores AL).
const (
	AX  = Reg(x86.REG_AX)
	CX  = Reg(x86.REG_CX)
	DX  = Reg(x86.REG_DX)
	BX  = Reg(x86.REG_BX)
	SP  = Reg(x86.REG_SP)
	BP  = Reg(x86.REG_BP)
	SI  = Reg(x86.REG_SI)
	DI  = Reg(x86.REG_DI)
	R8  = Reg(x86.REG_R8)
	R9  = Reg(x86.REG_R9)
	R10 = Reg(x86.REG_R10)
	R11 = Reg(x86.REG_R11)
	R12 = Reg(x86.REG_R12)
	R13 = Reg(x86.REG_R13)
	R14 = Reg(x86.REG_R14)
	R15 = Reg(x86.REG_R15)
)

// amd64 instructions, named as in the Go assembler (source operand first).
const (
	rawByte = Op(x86.ABYTE)
	rawLong = Op(x86.ALONG)

	NOP = Op(obj.ANOP)
	JMP = Op(obj.AJMP)
	RET = Op(obj.ARET)

	PUSHQ = Op(x86.APUSHQ)
	POPQ  = Op(x86.APOPQ)

	MOVQ    = Op(x86.AMOVQ)
	MOVL    = Op(x86.AMOVL)
	MOVW    = Op(x86.AMOVW)
	MOVB    = Op(x86.AMOVB)
	MOVBQSX = Op(x86.AMOVBQSX)
	MOVBQZX = Op(x86.AMOVBQZX)
	MOVWQSX = Op(x86.AMOVWQSX)
	MOVWQZX = Op(x86.AMOVWQZX)
	MOVLQSX = Op(x86.AMOVLQSX)
	MOVLQZX = Op(x86.AMOVLQZX)
	MOVBLZX = Op(x86.AMOVBLZX)
	MOVWLZX = Op(x86.AMOVWLZX)
	LEAQ    = Op(x86.ALEAQ)
	LEAL    = Op(x86.ALEAL)

	ADDQ  = Op(x86.AADDQ)
	ADDL  = Op(x86.AADDL)
	SUBQ  = Op(x86.ASUBQ)
	SUBL  = Op(x86.ASUBL)
	ANDQ  = Op(x86.AANDQ)
	ANDL  = Op(x86.AANDL)
	ORQ   = Op(x86.AORQ)
	XORQ  = Op(x86.AXORQ)
	XORL  = Op(x86.AXORL)
	NEGQ  = Op(x86.ANEGQ)
	NEGL  = Op(x86.ANEGL)
	NOTQ  = Op(x86.ANOTQ)
	SHLQ  = Op(x86.ASHLQ)
	SHRQ  = Op(x86.ASHRQ)
	SARQ  = Op(x86.ASARQ)
	RORQ  = Op(x86.ARORQ)
	RORL  = Op(x86.ARORL)
	SHLL  = Op(x86.ASHLL)
	SHRL  = Op(x86.ASHRL)
	SARL  = Op(x86.ASARL)
	CMPQ  = Op(x86.ACMPQ)
	CMPL  = Op(x86.ACMPL)
	TESTQ = Op(x86.ATESTQ)
	TESTL = Op(x86.ATESTL)

	// BMI2 shifts: SHLXQ count, src, dst (any count register, flags untouched).
	SHLXQ = Op(x86.ASHLXQ)
	SHRXQ = Op(x86.ASHRXQ)
	SARXQ = Op(x86.ASARXQ)
	SHLXL = Op(x86.ASHLXL)
	SHRXL = Op(x86.ASHRXL)
	SARXL = Op(x86.ASARXL)
	// BMI2 rotate: RORXL $n, src, dst (dst = src rotated right by n, flags untouched).
	RORXL = Op(x86.ARORXL)
	RORXQ = Op(x86.ARORXQ)

	IMULQ  = Op(x86.AIMULQ)  // IMULQ src, dst: dst *= src; IMULQ src alone: RDX:RAX = RAX*src
	IMULL  = Op(x86.AIMULL)  // 32-bit forms of the same
	IMUL3Q = Op(x86.AIMUL3Q) // IMUL3Q $imm, src, dst
	MULQ   = Op(x86.AMULQ)   // RDX:RAX = RAX*src, unsigned
	IDIVQ  = Op(x86.AIDIVQ)
	DIVQ   = Op(x86.ADIVQ)
	IDIVL  = Op(x86.AIDIVL)
	DIVL   = Op(x86.ADIVL)
	CQO    = Op(x86.ACQO) // sign-extend RAX into RDX
	CDQ    = Op(x86.ACDQ) // sign-extend EAX into EDX

	SETEQ = Op(x86.ASETEQ)
	SETNE = Op(x86.ASETNE)
	SETLT = Op(x86.ASETLT)
	SETCS = Op(x86.ASETCS) // unsigned below

	CMOVQLT = Op(x86.ACMOVQLT)
	CMOVQGT = Op(x86.ACMOVQGT)
	CMOVQCS = Op(x86.ACMOVQCS) // unsigned below
	CMOVQHI = Op(x86.ACMOVQHI) // unsigned above
	CMOVQEQ = Op(x86.ACMOVQEQ)
	CMOVQNE = Op(x86.ACMOVQNE)
	CMOVQGE = Op(x86.ACMOVQGE)
	CMOVQLE = Op(x86.ACMOVQLE)
	CMOVQCC = Op(x86.ACMOVQCC) // unsigned above or equal
	CMOVQLS = Op(x86.ACMOVQLS) // unsigned below or equal
	CMOVLLT = Op(x86.ACMOVLLT)
	CMOVLGT = Op(x86.ACMOVLGT)
	CMOVLCS = Op(x86.ACMOVLCS)
	CMOVLHI = Op(x86.ACMOVLHI)

	// Conditional jumps (Go names: CS/CC are unsigned below/above-or-equal, HI/LS
	// unsigned above/below-or-equal, MI sign set).
	JEQ = Op(x86.AJEQ)
	JNE = Op(x86.AJNE)
	JLT = Op(x86.AJLT)
	JGE = Op(x86.AJGE)
	JGT = Op(x86.AJGT)
	JLE = Op(x86.AJLE)
	JCS = Op(x86.AJCS)
	JCC = Op(x86.AJCC)
	JHI = Op(x86.AJHI)
	JLS = Op(x86.AJLS)
	JMI = Op(x86.AJMI)
	JPL = Op(x86.AJPL)

	UD2 = Op(x86.AUD2)
)
