package interp

import "math/bits"

// The M extension's results for the cases Go would trap on or round differently
// (RISC-V unprivileged spec, "Division Operations": division by zero gives all ones
// (quotient) or the dividend (remainder); signed overflow gives the dividend and 0).

func div(a, b uint64) uint64 {
	if b == 0 {
		return ^uint64(0)
	}
	if int64(a) == -1<<63 && int64(b) == -1 {
		return a
	}
	return uint64(int64(a) / int64(b))
}

func divu(a, b uint64) uint64 {
	if b == 0 {
		return ^uint64(0)
	}
	return a / b
}

func rem(a, b uint64) uint64 {
	if b == 0 {
		return a
	}
	if int64(a) == -1<<63 && int64(b) == -1 {
		return 0
	}
	return uint64(int64(a) % int64(b))
}

func remu(a, b uint64) uint64 {
	if b == 0 {
		return a
	}
	return a % b
}

func sext32(v uint32) uint64 { return uint64(int64(int32(v))) }

func divw(a, b uint64) uint64 {
	x, y := int32(a), int32(b)
	if y == 0 {
		return ^uint64(0)
	}
	if x == -1<<31 && y == -1 {
		return sext32(uint32(x))
	}
	return uint64(int64(x / y))
}

func divuw(a, b uint64) uint64 {
	x, y := uint32(a), uint32(b)
	if y == 0 {
		return ^uint64(0)
	}
	return sext32(x / y)
}

func remw(a, b uint64) uint64 {
	x, y := int32(a), int32(b)
	if y == 0 {
		return sext32(uint32(x))
	}
	if x == -1<<31 && y == -1 {
		return 0
	}
	return uint64(int64(x % y))
}

func remuw(a, b uint64) uint64 {
	x, y := uint32(a), uint32(b)
	if y == 0 {
		return sext32(x)
	}
	return sext32(x % y)
}

// mulh is the high 64 bits of the signed 128-bit product.
func mulh(a, b uint64) uint64 {
	hi, _ := bits.Mul64(a, b)
	// Correct the unsigned product for negative operands (two's complement).
	if int64(a) < 0 {
		hi -= b
	}
	if int64(b) < 0 {
		hi -= a
	}
	return hi
}

// mulhsu is the high 64 bits of signed a times unsigned b.
func mulhsu(a, b uint64) uint64 {
	hi, _ := bits.Mul64(a, b)
	if int64(a) < 0 {
		hi -= b
	}
	return hi
}

func mulhu(a, b uint64) uint64 {
	hi, _ := bits.Mul64(a, b)
	return hi
}

// amo computes the value an AMO stores, given the old memory value and rs2 (both
// already sign-extended for word forms), for the operation's offset from AMOSWAP.
func amoResult(kind uint8, old, src uint64, word bool) uint64 {
	switch kind {
	case amoSwap:
		return src
	case amoAdd:
		return old + src
	case amoXor:
		return old ^ src
	case amoAnd:
		return old & src
	case amoOr:
		return old | src
	case amoMin:
		if word {
			if int32(old) < int32(src) {
				return old
			}
			return src
		}
		if int64(old) < int64(src) {
			return old
		}
		return src
	case amoMax:
		if word {
			if int32(old) > int32(src) {
				return old
			}
			return src
		}
		if int64(old) > int64(src) {
			return old
		}
		return src
	case amoMinu:
		if word {
			if uint32(old) < uint32(src) {
				return old
			}
			return src
		}
		if old < src {
			return old
		}
		return src
	case amoMaxu:
		if word {
			if uint32(old) > uint32(src) {
				return old
			}
			return src
		}
		if old > src {
			return old
		}
		return src
	}
	panic("BUG: interp: unknown AMO")
}

// AMO kinds in riscv.Op order after LR and SC.
const (
	amoSwap = iota
	amoAdd
	amoXor
	amoAnd
	amoOr
	amoMin
	amoMax
	amoMinu
	amoMaxu
)
