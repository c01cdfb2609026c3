package evm

import (
	"unsafe"

	"github.com/holiman/uint256"
)

// Arithmetic, comparison and bitwise instructions (Yellow Paper 0x00-0x1f). Each takes the
// stack pointer sp (next free slot), reads its operands below it and writes its result in
// place of the deepest operand; the caller moves sp by the instruction's stack delta. They are
// small so that the interpreter loop inlines them; the traced loop calls them through the
// fork table.

func opAdd(sp unsafe.Pointer) { a, b := arg(sp, 0), arg(sp, 1); b.Add(a, b) }
func opMul(sp unsafe.Pointer) { a, b := arg(sp, 0), arg(sp, 1); b.Mul(a, b) }
func opSub(sp unsafe.Pointer) { a, b := arg(sp, 0), arg(sp, 1); b.Sub(a, b) }
func opDiv(sp unsafe.Pointer) { a, b := arg(sp, 0), arg(sp, 1); b.Div(a, b) }

func opSdiv(sp unsafe.Pointer) { a, b := arg(sp, 0), arg(sp, 1); b.SDiv(a, b) }
func opMod(sp unsafe.Pointer)  { a, b := arg(sp, 0), arg(sp, 1); b.Mod(a, b) }
func opSmod(sp unsafe.Pointer) { a, b := arg(sp, 0), arg(sp, 1); b.SMod(a, b) }

func opAddmod(sp unsafe.Pointer) {
	a, b, m := arg(sp, 0), arg(sp, 1), arg(sp, 2)
	m.AddMod(a, b, m)
}

// execMulmod computes MULMOD. For a full-width modulus uint256 divides with the modulus's
// reciprocal, which costs about as much as the rest of the operation; programs doing field
// arithmetic use one modulus over and over, so the frame keeps the last modulus's reciprocal.
func execMulmod(f *frame, sp unsafe.Pointer) error {
	a, b, m := arg(sp, 0), arg(sp, 1), arg(sp, 2)
	if m[3] == 0 {
		m.MulMod(a, b, m)
		return nil
	}
	if *m != f.mulmodM {
		f.mulmodMu = uint256.Reciprocal(m)
		f.mulmodM = *m
	}
	m.MulModWithReciprocal(a, b, m, &f.mulmodMu)
	return nil
}

func opExp(sp unsafe.Pointer) { b, e := arg(sp, 0), arg(sp, 1); e.Exp(b, e) }

// gasExpFn is EXP's dynamic cost: 50 per byte of the exponent (EIP-160).
func gasExpFn(f *frame, sp unsafe.Pointer) (uint64, error) {
	return uint64(arg(sp, 1).ByteLen()) * gasExpByte, nil
}

func opSignExtend(sp unsafe.Pointer) { n, x := arg(sp, 0), arg(sp, 1); x.ExtendSign(x, n) }

func opLt(sp unsafe.Pointer) { a, b := arg(sp, 0), arg(sp, 1); setBool(b, a.Lt(b)) }
func opGt(sp unsafe.Pointer) { a, b := arg(sp, 0), arg(sp, 1); setBool(b, a.Gt(b)) }

func opSlt(sp unsafe.Pointer) { a, b := arg(sp, 0), arg(sp, 1); setBool(b, a.Slt(b)) }
func opSgt(sp unsafe.Pointer) { a, b := arg(sp, 0), arg(sp, 1); setBool(b, a.Sgt(b)) }
func opEq(sp unsafe.Pointer)  { a, b := arg(sp, 0), arg(sp, 1); setBool(b, a.Eq(b)) }

func opIszero(sp unsafe.Pointer) { a := arg(sp, 0); setBool(a, a.IsZero()) }

func opAnd(sp unsafe.Pointer) { a, b := arg(sp, 0), arg(sp, 1); b.And(a, b) }
func opOr(sp unsafe.Pointer)  { a, b := arg(sp, 0), arg(sp, 1); b.Or(a, b) }
func opXor(sp unsafe.Pointer) { a, b := arg(sp, 0), arg(sp, 1); b.Xor(a, b) }
func opNot(sp unsafe.Pointer) { a := arg(sp, 0); a.Not(a) }

func opByte(sp unsafe.Pointer) { n, x := arg(sp, 0), arg(sp, 1); x.Byte(n) }

// opShl, opShr and opSar are EIP-145's shifts: the shift amount is the top item.
func opShl(sp unsafe.Pointer) {
	n, x := arg(sp, 0), arg(sp, 1)
	if n.LtUint64(256) {
		x.Lsh(x, uint(n[0]))
	} else {
		x.Clear()
	}
}

func opShr(sp unsafe.Pointer) {
	n, x := arg(sp, 0), arg(sp, 1)
	if n.LtUint64(256) {
		x.Rsh(x, uint(n[0]))
	} else {
		x.Clear()
	}
}

func opSar(sp unsafe.Pointer) {
	n, x := arg(sp, 0), arg(sp, 1)
	if n.GtUint64(255) {
		if x.Sign() >= 0 {
			x.Clear()
		} else {
			x.SetAllOne()
		}
		return
	}
	x.SRsh(x, uint(n[0]))
}

// opClz is EIP-7939's count of leading zero bits (256 for zero).
func opClz(sp unsafe.Pointer) { x := arg(sp, 0); x.SetUint64(uint64(256 - x.BitLen())) }

func setBool(z *uint256.Int, b bool) {
	var v uint64
	if b {
		v = 1
	}
	z[0], z[1], z[2], z[3] = v, 0, 0, 0
}
