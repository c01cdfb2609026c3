package asm

import (
	"github.com/twitchyliquid64/golang-asm/obj"
	"github.com/twitchyliquid64/golang-asm/obj/arm64"
)

// NewARM64 returns a builder for arm64 code. golang-asm's arm64 encoder takes the
// first instruction of a function as its TEXT header, so the builder starts with one
// (it encodes to nothing).
func NewARM64() *Builder {
	b := newBuilder(&arm64.Linkarm64)
	b.word = AWORD
	b.zero = XZR
	b.record(&inst{kind: instText})
	return b
}

// InstR emits a three-operand arm64 instruction in Go assembler order: op from, mid,
// to (for example SUB from, mid, to: to = mid - from; CMP from, mid compares mid with
// from). mid is always a register.
func (b *Builder) InstR(op Op, from Operand, mid Reg, to Operand) {
	b.record(&inst{kind: instReg, op: op, from: b.fixZero(from), mid: R(mid), to: to})
}

// InstR4 emits a four-operand arm64 instruction: op from, mid, rest, to (CSEL cond,
// a, b, to: to = cond ? a : b).
func (b *Builder) InstR4(op Op, from Operand, mid Reg, rest, to Operand) {
	b.record(&inst{kind: instReg4, op: op, from: b.fixZero(from), mid: R(mid), rest: rest, to: to})
}

// Cond is an arm64 condition operand (CSET EQ, R0).
func Cond(c Reg) Operand { return Operand{typ: obj.TYPE_REG, reg: c} }

// arm64 registers. R27 is golang-asm's temporary (it builds large constants there),
// R28 is Go's g, R18 the platform register: backends leave them alone.
const (
	X0  = Reg(arm64.REG_R0)
	X1  = Reg(arm64.REG_R1)
	X2  = Reg(arm64.REG_R2)
	X3  = Reg(arm64.REG_R3)
	X4  = Reg(arm64.REG_R4)
	X5  = Reg(arm64.REG_R5)
	X6  = Reg(arm64.REG_R6)
	X7  = Reg(arm64.REG_R7)
	X8  = Reg(arm64.REG_R8)
	X9  = Reg(arm64.REG_R9)
	X10 = Reg(arm64.REG_R10)
	X11 = Reg(arm64.REG_R11)
	X12 = Reg(arm64.REG_R12)
	X13 = Reg(arm64.REG_R13)
	X14 = Reg(arm64.REG_R14)
	X15 = Reg(arm64.REG_R15)
	X16 = Reg(arm64.REG_R16)
	X17 = Reg(arm64.REG_R17)
	X19 = Reg(arm64.REG_R19)
	X20 = Reg(arm64.REG_R20)
	X21 = Reg(arm64.REG_R21)
	X22 = Reg(arm64.REG_R22)
	X23 = Reg(arm64.REG_R23)
	X24 = Reg(arm64.REG_R24)
	X25 = Reg(arm64.REG_R25)
	X26 = Reg(arm64.REG_R26)
	X29 = Reg(arm64.REG_R29)
	X30 = Reg(arm64.REG_R30)
	XZR = Reg(arm64.REGZERO)
	XSP = Reg(arm64.REGSP)
)

// arm64 conditions (for CSET, CSEL, CSINV).
const (
	CondEQ = Reg(arm64.COND_EQ)
	CondNE = Reg(arm64.COND_NE)
	CondHS = Reg(arm64.COND_HS)
	CondLO = Reg(arm64.COND_LO)
	CondHI = Reg(arm64.COND_HI)
	CondLS = Reg(arm64.COND_LS)
	CondGE = Reg(arm64.COND_GE)
	CondLT = Reg(arm64.COND_LT)
	CondGT = Reg(arm64.COND_GT)
	CondLE = Reg(arm64.COND_LE)
)

// arm64 instructions, named as in the Go assembler (source operands first; W forms
// are 32-bit).
const (
	AWORD = Op(arm64.AWORD)

	AB   = Op(arm64.AB)   // B label; B (Rn) is BR Rn
	ABL  = Op(arm64.ABL)  // BL label; BL (Rn) is BLR Rn
	ARET = Op(obj.ARET)   // RET: emit with to = R(X30)
	ANOP = Op(obj.ANOP)   // encodes to nothing
	AADR = Op(arm64.AADR) // ADR label, Rd

	ABEQ  = Op(arm64.ABEQ)
	ABNE  = Op(arm64.ABNE)
	ABHS  = Op(arm64.ABHS) // unsigned >=
	ABLO  = Op(arm64.ABLO) // unsigned <
	ABHI  = Op(arm64.ABHI) // unsigned >
	ABLS  = Op(arm64.ABLS) // unsigned <=
	ABGE  = Op(arm64.ABGE)
	ABLT  = Op(arm64.ABLT)
	ABGT  = Op(arm64.ABGT)
	ABLE  = Op(arm64.ABLE)
	ABMI  = Op(arm64.ABMI)
	ABPL  = Op(arm64.ABPL)
	ACBZ  = Op(arm64.ACBZ)
	ACBNZ = Op(arm64.ACBNZ)

	AMOVD  = Op(arm64.AMOVD)  // 64-bit move, load, store
	AMOVW  = Op(arm64.AMOVW)  // register: sign-extend the low word; load: LDRSW; store: STR Wt
	AMOVWU = Op(arm64.AMOVWU) // register: zero-extend the low word; load: LDR Wt
	AMOVH  = Op(arm64.AMOVH)  // load: LDRSH; store: STRH
	AMOVHU = Op(arm64.AMOVHU) // load: LDRH
	AMOVB  = Op(arm64.AMOVB)  // load: LDRSB; store: STRB
	AMOVBU = Op(arm64.AMOVBU) // load: LDRB

	AADD   = Op(arm64.AADD)
	AADDW  = Op(arm64.AADDW)
	ASUB   = Op(arm64.ASUB)
	ASUBW  = Op(arm64.ASUBW)
	ASUBS  = Op(arm64.ASUBS)
	AAND   = Op(arm64.AAND)
	AORR   = Op(arm64.AORR)
	AEOR   = Op(arm64.AEOR)
	ABIC   = Op(arm64.ABIC)
	AMVN   = Op(arm64.AMVN)
	ANEG   = Op(arm64.ANEG)
	ANEGW  = Op(arm64.ANEGW)
	ALSL   = Op(arm64.ALSL)
	ALSR   = Op(arm64.ALSR)
	AASR   = Op(arm64.AASR)
	ALSLW  = Op(arm64.ALSLW)
	ALSRW  = Op(arm64.ALSRW)
	AASRW  = Op(arm64.AASRW)
	ACMP   = Op(arm64.ACMP)  // CMP b, a: flags of a - b
	ACMPW  = Op(arm64.ACMPW) // 32-bit compare
	ATST   = Op(arm64.ATST)
	ACSET  = Op(arm64.ACSET)
	ACSEL  = Op(arm64.ACSEL)
	ACSELW = Op(arm64.ACSELW)
	ACSINV = Op(arm64.ACSINV)
	ASXTW  = Op(arm64.ASXTW)

	AMUL   = Op(arm64.AMUL)
	AMULW  = Op(arm64.AMULW)
	ASMULH = Op(arm64.ASMULH)
	AUMULH = Op(arm64.AUMULH)
	ASDIV  = Op(arm64.ASDIV)
	AUDIV  = Op(arm64.AUDIV)
	ASDIVW = Op(arm64.ASDIVW)
	AUDIVW = Op(arm64.AUDIVW)
	AMSUB  = Op(arm64.AMSUB)
	AMSUBW = Op(arm64.AMSUBW)
)

// JumpReg emits a compare-and-branch (CBZ r, l; CBNZ r, l).
func (b *Builder) JumpReg(op Op, r Reg, l *Label) {
	b.Jump(op, l)
	b.insts[len(b.insts)-1].from = R(r)
}
