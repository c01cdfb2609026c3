/*
 * rv64m.S — self-checking test of the M extension on RV64 (exec mode, qemu-compatible).
 *
 * MUL MULH MULHSU MULHU DIV DIVU REM REMU and MULW DIVW DIVUW REMW REMUW, including
 * the spec's table of special cases (unprivileged spec 20191213, 7.2):
 *
 *   condition           dividend  divisor  DIVU[W]   REMU[W]  DIV[W]    REM[W]
 *   division by zero    x         0        2^L - 1   x        -1        x
 *   overflow (signed)   -2^(L-1)  -1       -         -        -2^(L-1)  0
 *
 * and the W forms' rules: operands are the low 32 bits, the 32-bit result is
 * sign-extended to 64 bits (so DIVUW by zero gives all ones, REMUW by zero gives the
 * dividend's low word sign-extended). "by zero, low 32 bits" rows have a divisor whose
 * low word is zero but the register is not. Operands in a3/a4, result in a5.
 */
#include "test_macros.h"

	.option norvc

.macro TEST_RR op, a, b, res, name
	li	a3, \a
	li	a4, \b
	\op	a5, a3, a4
	CHECK	a5, \res, "\name"
.endm

	TEST_BEGIN "rv64m"

	/* mul */
	TEST_RR mul, 0x0000000000000003, 0x0000000000000007, 0x0000000000000015, "mul 3,7"
	TEST_RR mul, 0xfffffffffffffffd, 0x0000000000000007, 0xffffffffffffffeb, "mul -3,7"
	TEST_RR mul, 0xffffffffffffffff, 0xffffffffffffffff, 0x0000000000000001, "mul -1,-1"
	TEST_RR mul, 0x7fffffffffffffff, 0x0000000000000002, 0xfffffffffffffffe, "mul 0x7fffffffffffffff,2"
	TEST_RR mul, 0x8000000000000000, 0xffffffffffffffff, 0x8000000000000000, "mul 0x8000000000000000,-1"
	TEST_RR mul, 0x123456789abcdef0, 0x0fedcba987654321, 0x2236d88fe5618cf0, "mul 0x123456789abcdef0,0xfedcba987654321"
	TEST_RR mul, 0x0000000000000000, 0xffffffffffffffff, 0x0000000000000000, "mul 0,-1"
	/* mulh */
	TEST_RR mulh, 0x0000000000000003, 0x0000000000000007, 0x0000000000000000, "mulh 3,7"
	TEST_RR mulh, 0xfffffffffffffffd, 0x0000000000000007, 0xffffffffffffffff, "mulh -3,7"
	TEST_RR mulh, 0xffffffffffffffff, 0xffffffffffffffff, 0x0000000000000000, "mulh -1,-1"
	TEST_RR mulh, 0x8000000000000000, 0x8000000000000000, 0x4000000000000000, "mulh 0x8000000000000000,0x8000000000000000"
	TEST_RR mulh, 0x8000000000000000, 0xffffffffffffffff, 0x0000000000000000, "mulh 0x8000000000000000,-1"
	TEST_RR mulh, 0x7fffffffffffffff, 0x7fffffffffffffff, 0x3fffffffffffffff, "mulh 0x7fffffffffffffff,0x7fffffffffffffff"
	TEST_RR mulh, 0x123456789abcdef0, 0xf0123456789abcdf, 0xfede05ff528828bd, "mulh 0x123456789abcdef0,0xf0123456789abcdf"
	TEST_RR mulh, 0x8000000000000000, 0x0000000000000001, 0xffffffffffffffff, "mulh 0x8000000000000000,1"
	/* mulhsu */
	TEST_RR mulhsu, 0x0000000000000003, 0x0000000000000007, 0x0000000000000000, "mulhsu 3,7"
	TEST_RR mulhsu, 0xfffffffffffffffd, 0x0000000000000007, 0xffffffffffffffff, "mulhsu -3,7"
	TEST_RR mulhsu, 0xffffffffffffffff, 0xffffffffffffffff, 0xffffffffffffffff, "mulhsu -1,-1"
	TEST_RR mulhsu, 0x8000000000000000, 0xffffffffffffffff, 0x8000000000000000, "mulhsu 0x8000000000000000,-1"
	TEST_RR mulhsu, 0x7fffffffffffffff, 0xffffffffffffffff, 0x7ffffffffffffffe, "mulhsu 0x7fffffffffffffff,-1"
	TEST_RR mulhsu, 0xffffffffffffffff, 0x0000000000000001, 0xffffffffffffffff, "mulhsu -1,1"
	TEST_RR mulhsu, 0x123456789abcdef0, 0xfedcba9876543210, 0x121fa00ad77d7422, "mulhsu 0x123456789abcdef0,0xfedcba9876543210"
	/* mulhu */
	TEST_RR mulhu, 0x0000000000000003, 0x0000000000000007, 0x0000000000000000, "mulhu 3,7"
	TEST_RR mulhu, 0xffffffffffffffff, 0xffffffffffffffff, 0xfffffffffffffffe, "mulhu -1,-1"
	TEST_RR mulhu, 0x8000000000000000, 0x0000000000000002, 0x0000000000000001, "mulhu 0x8000000000000000,2"
	TEST_RR mulhu, 0x123456789abcdef0, 0xfedcba9876543210, 0x121fa00ad77d7422, "mulhu 0x123456789abcdef0,0xfedcba9876543210"
	TEST_RR mulhu, 0xffffffffffffffff, 0x0000000000000001, 0x0000000000000000, "mulhu -1,1"
	/* mulw */
	TEST_RR mulw, 0x0000000000000003, 0x0000000000000007, 0x0000000000000015, "mulw 3,7"
	TEST_RR mulw, 0x000000007fffffff, 0x0000000000000002, 0xfffffffffffffffe, "mulw 0x7fffffff,2"
	TEST_RR mulw, 0x0000000080000000, 0xffffffffffffffff, 0xffffffff80000000, "mulw 0x80000000,-1"
	TEST_RR mulw, 0x123456789abcdef0, 0x0fedcba987654321, 0xffffffffe5618cf0, "mulw 0x123456789abcdef0,0xfedcba987654321"
	TEST_RR mulw, 0x0000000000010000, 0x0000000000010000, 0x0000000000000000, "mulw 0x10000,0x10000"
	TEST_RR mulw, 0xffffffffffffffff, 0xffffffffffffffff, 0x0000000000000001, "mulw -1,-1"
	/* div */
	TEST_RR div, 0x0000000000000014, 0x0000000000000006, 0x0000000000000003, "div 20,6"
	TEST_RR div, 0xffffffffffffffec, 0x0000000000000006, 0xfffffffffffffffd, "div -20,6"
	TEST_RR div, 0x0000000000000014, 0xfffffffffffffffa, 0xfffffffffffffffd, "div 20,-6"
	TEST_RR div, 0xffffffffffffffec, 0xfffffffffffffffa, 0x0000000000000003, "div -20,-6"
	TEST_RR div, 0x0000000000000007, 0x0000000000000000, 0xffffffffffffffff, "div 7,0 (by zero)"
	TEST_RR div, 0xfffffffffffffff9, 0x0000000000000000, 0xffffffffffffffff, "div -7,0 (by zero)"
	TEST_RR div, 0x0000000000000000, 0x0000000000000000, 0xffffffffffffffff, "div 0,0 (by zero)"
	TEST_RR div, 0x8000000000000000, 0xffffffffffffffff, 0x8000000000000000, "div 0x8000000000000000,-1 (overflow)"
	TEST_RR div, 0x8000000000000000, 0x0000000000000001, 0x8000000000000000, "div 0x8000000000000000,1"
	TEST_RR div, 0x8000000000000000, 0x0000000000000002, 0xc000000000000000, "div 0x8000000000000000,2"
	TEST_RR div, 0x0000000000000001, 0x8000000000000000, 0x0000000000000000, "div 1,0x8000000000000000"
	TEST_RR div, 0xffffffffffffffff, 0x0000000000000002, 0x0000000000000000, "div -1,2"
	/* divu */
	TEST_RR divu, 0x0000000000000014, 0x0000000000000006, 0x0000000000000003, "divu 20,6"
	TEST_RR divu, 0xffffffffffffffec, 0x0000000000000006, 0x2aaaaaaaaaaaaaa7, "divu -20,6"
	TEST_RR divu, 0x0000000000000007, 0x0000000000000000, 0xffffffffffffffff, "divu 7,0 (by zero)"
	TEST_RR divu, 0x0000000000000000, 0x0000000000000000, 0xffffffffffffffff, "divu 0,0 (by zero)"
	TEST_RR divu, 0x8000000000000000, 0xffffffffffffffff, 0x0000000000000000, "divu 0x8000000000000000,-1"
	TEST_RR divu, 0xffffffffffffffff, 0x0000000000000001, 0xffffffffffffffff, "divu -1,1"
	TEST_RR divu, 0xffffffffffffffff, 0xffffffffffffffff, 0x0000000000000001, "divu -1,-1"
	TEST_RR divu, 0x0000000000000001, 0xffffffffffffffff, 0x0000000000000000, "divu 1,-1"
	/* rem */
	TEST_RR rem, 0x0000000000000014, 0x0000000000000006, 0x0000000000000002, "rem 20,6"
	TEST_RR rem, 0xffffffffffffffec, 0x0000000000000006, 0xfffffffffffffffe, "rem -20,6"
	TEST_RR rem, 0x0000000000000014, 0xfffffffffffffffa, 0x0000000000000002, "rem 20,-6"
	TEST_RR rem, 0xffffffffffffffec, 0xfffffffffffffffa, 0xfffffffffffffffe, "rem -20,-6"
	TEST_RR rem, 0x0000000000000007, 0x0000000000000000, 0x0000000000000007, "rem 7,0 (by zero)"
	TEST_RR rem, 0xfffffffffffffff9, 0x0000000000000000, 0xfffffffffffffff9, "rem -7,0 (by zero)"
	TEST_RR rem, 0x0000000000000000, 0x0000000000000000, 0x0000000000000000, "rem 0,0 (by zero)"
	TEST_RR rem, 0x8000000000000000, 0xffffffffffffffff, 0x0000000000000000, "rem 0x8000000000000000,-1 (overflow)"
	TEST_RR rem, 0x8000000000000000, 0x0000000000000002, 0x0000000000000000, "rem 0x8000000000000000,2"
	TEST_RR rem, 0x8000000000000000, 0x0000000000000003, 0xfffffffffffffffe, "rem 0x8000000000000000,3"
	TEST_RR rem, 0xffffffffffffffff, 0x0000000000000002, 0xffffffffffffffff, "rem -1,2"
	/* remu */
	TEST_RR remu, 0x0000000000000014, 0x0000000000000006, 0x0000000000000002, "remu 20,6"
	TEST_RR remu, 0xffffffffffffffec, 0x0000000000000006, 0x0000000000000002, "remu -20,6"
	TEST_RR remu, 0x0000000000000007, 0x0000000000000000, 0x0000000000000007, "remu 7,0 (by zero)"
	TEST_RR remu, 0x0000000000000000, 0x0000000000000000, 0x0000000000000000, "remu 0,0 (by zero)"
	TEST_RR remu, 0x8000000000000000, 0xffffffffffffffff, 0x8000000000000000, "remu 0x8000000000000000,-1"
	TEST_RR remu, 0xffffffffffffffff, 0xffffffffffffffff, 0x0000000000000000, "remu -1,-1"
	TEST_RR remu, 0xfffffffffffffffe, 0xffffffffffffffff, 0xfffffffffffffffe, "remu -2,-1"
	TEST_RR remu, 0x00000000ffffffff, 0x0000000000010000, 0x000000000000ffff, "remu 0xffffffff,0x10000"
	/* divw */
	TEST_RR divw, 0x0000000000000014, 0x0000000000000006, 0x0000000000000003, "divw 20,6"
	TEST_RR divw, 0xffffffffffffffec, 0x0000000000000006, 0xfffffffffffffffd, "divw -20,6"
	TEST_RR divw, 0x0000000000000014, 0xfffffffffffffffa, 0xfffffffffffffffd, "divw 20,-6"
	TEST_RR divw, 0x0000000000000007, 0x0000000000000000, 0xffffffffffffffff, "divw 7,0 (by zero)"
	TEST_RR divw, 0xfffffffffffffff9, 0x0000000000000000, 0xffffffffffffffff, "divw -7,0 (by zero)"
	TEST_RR divw, 0xffffffff80000000, 0xffffffffffffffff, 0xffffffff80000000, "divw 0xffffffff80000000,-1 (overflow)"
	TEST_RR divw, 0x0000000080000000, 0xffffffffffffffff, 0xffffffff80000000, "divw 0x80000000,-1 (overflow)"
	TEST_RR divw, 0x0000123400000014, 0x0000000000000006, 0x0000000000000003, "divw 0x123400000014,6"
	TEST_RR divw, 0xffffffff80000000, 0x0000000000000002, 0xffffffffc0000000, "divw 0xffffffff80000000,2"
	TEST_RR divw, 0x0000000100000007, 0x0000000100000000, 0xffffffffffffffff, "divw 0x100000007,0x100000000 (by zero, low 32 bits)"
	/* divuw */
	TEST_RR divuw, 0x0000000000000014, 0x0000000000000006, 0x0000000000000003, "divuw 20,6"
	TEST_RR divuw, 0xffffffffffffffec, 0x0000000000000006, 0x000000002aaaaaa7, "divuw -20,6"
	TEST_RR divuw, 0x0000000000000007, 0x0000000000000000, 0xffffffffffffffff, "divuw 7,0 (by zero)"
	TEST_RR divuw, 0x0000000080000000, 0x0000000000000001, 0xffffffff80000000, "divuw 0x80000000,1"
	TEST_RR divuw, 0x00000000ffffffff, 0x0000000000000001, 0xffffffffffffffff, "divuw 0xffffffff,1"
	TEST_RR divuw, 0x00000001ffffffff, 0x0000000100000001, 0xffffffffffffffff, "divuw 0x1ffffffff,0x100000001"
	TEST_RR divuw, 0xffffffffffffffff, 0x0000000000000000, 0xffffffffffffffff, "divuw -1,0 (by zero)"
	TEST_RR divuw, 0x0000000080000000, 0x0000000100000000, 0xffffffffffffffff, "divuw 0x80000000,0x100000000 (by zero, low 32 bits)"
	/* remw */
	TEST_RR remw, 0x0000000000000014, 0x0000000000000006, 0x0000000000000002, "remw 20,6"
	TEST_RR remw, 0xffffffffffffffec, 0x0000000000000006, 0xfffffffffffffffe, "remw -20,6"
	TEST_RR remw, 0x0000000000000014, 0xfffffffffffffffa, 0x0000000000000002, "remw 20,-6"
	TEST_RR remw, 0x0000000000000007, 0x0000000000000000, 0x0000000000000007, "remw 7,0 (by zero)"
	TEST_RR remw, 0xfffffffffffffff9, 0x0000000000000000, 0xfffffffffffffff9, "remw -7,0 (by zero)"
	TEST_RR remw, 0x0000000080000000, 0x0000000000000000, 0xffffffff80000000, "remw 0x80000000,0 (by zero)"
	TEST_RR remw, 0xffffffff80000000, 0xffffffffffffffff, 0x0000000000000000, "remw 0xffffffff80000000,-1 (overflow)"
	TEST_RR remw, 0x0000123400000014, 0x0000000000000006, 0x0000000000000002, "remw 0x123400000014,6"
	TEST_RR remw, 0x000000007fffffff, 0xffffffff80000000, 0x000000007fffffff, "remw 0x7fffffff,0xffffffff80000000"
	/* remuw */
	TEST_RR remuw, 0x0000000000000014, 0x0000000000000006, 0x0000000000000002, "remuw 20,6"
	TEST_RR remuw, 0xffffffffffffffec, 0x0000000000000006, 0x0000000000000002, "remuw -20,6"
	TEST_RR remuw, 0x0000000000000007, 0x0000000000000000, 0x0000000000000007, "remuw 7,0 (by zero)"
	TEST_RR remuw, 0x0000000080000007, 0x0000000000000000, 0xffffffff80000007, "remuw 0x80000007,0 (by zero)"
	TEST_RR remuw, 0x00000000ffffffff, 0x0000000000010000, 0x000000000000ffff, "remuw 0xffffffff,0x10000"
	TEST_RR remuw, 0xffffffffffffffff, 0x0000000100000000, 0xffffffffffffffff, "remuw -1,0x100000000 (by zero, low 32 bits)"
	TEST_RR remuw, 0x00000001ffffffff, 0x0000000000000005, 0x0000000000000000, "remuw 0x1ffffffff,5"

	/* rd == rs1 == rs2 and rd == rs2 */
	li	a3, -3
	mul	a3, a3, a3
	CHECK	a3, 9, "mul rd==rs1==rs2"
	li	a3, 7
	div	a3, a3, a3
	CHECK	a3, 1, "div rd==rs1==rs2"
	li	a3, 100
	li	a4, 7
	rem	a4, a3, a4
	CHECK	a4, 2, "rem rd==rs2"
	li	a3, 0
	divu	a3, a3, a3
	CHECK	a3, -1, "divu 0/0 rd==rs1==rs2"

	/* results written to x0 are dropped */
	li	a3, 6
	li	a4, 7
	mul	x0, a3, a4
	div	x0, a3, x0
	remw	x0, a3, a4
	CHECK	x0, 0, "M results to x0 ignored"

	TEST_END
