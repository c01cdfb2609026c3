/*
 * rv64a.S — self-checking test of the A extension on RV64 (exec mode, qemu-compatible).
 *
 * LR.W/D and SC.W/D: an SC with no reservation fails (rd = 1, memory untouched);
 * LR then SC succeeds (rd = 0); a second SC after it fails, because every SC
 * invalidates the reservation whether or not it succeeded (unprivileged spec
 * 20191213, 8.2). LR.W sign-extends; SC.W writes only 32 bits.
 *
 * Every AMO in .W and .D (SWAP ADD XOR AND OR MIN MAX MINU MAXU): rd gets the old
 * memory value (sign-extended from 32 bits for .W), memory gets op(old, rs2); .W
 * reads and writes only the low word (the high word of the doubleword stays
 * 0xaaaaaaaa) and ignores rs2's high bits; MIN/MAX compare signed, MINU/MAXU
 * unsigned, at the operation's width. The aq/rl bits cycle through none, .aq, .rl,
 * .aqrl (ordering only; no effect on one hart). Also: rd = x0, rd == rs2.
 * Atomics need naturally aligned addresses; misaligned ones fault (see hostile/).
 */
#include "test_macros.h"

	.option norvc

/* TEST_AMO op, mem (64-bit initial doubleword), src, rd expected, mem expected, name */
.macro TEST_AMO op, mem, src, rd, memexp, name
	la	a3, adat
	li	a4, \mem
	sd	a4, 0(a3)
	li	a4, \src
	\op	a5, a4, (a3)
	CHECK	a5, \rd, "\name: rd"
	ld	a5, 0(a3)
	CHECK	a5, \memexp, "\name: memory"
.endm

	TEST_BEGIN "rv64a"

	/* ---- SC without a reservation fails and does not write ---- */
	la	a3, adat
	li	a4, 0x1111
	sd	a4, 0(a3)
	li	a4, 0x2222
	sc.d	a2, a4, (a3)
	CHECK	a2, 1, "sc.d without lr fails"
	ld	a5, 0(a3)
	CHECK	a5, 0x1111, "failed sc.d does not write"

	/* ---- LR.D / SC.D ---- */
	li	a4, 0x123456789abcdef0
	sd	a4, 0(a3)
	lr.d	a5, (a3)
	CHECK	a5, 0x123456789abcdef0, "lr.d loads"
	li	a4, 0x0fedcba987654321
	sc.d	a2, a4, (a3)
	CHECK	a2, 0, "sc.d after lr.d succeeds"
	ld	a5, 0(a3)
	CHECK	a5, 0x0fedcba987654321, "sc.d stores"
	li	a4, 0x5555
	sc.d	a2, a4, (a3)
	CHECK	a2, 1, "second sc.d fails (reservation consumed)"
	ld	a5, 0(a3)
	CHECK	a5, 0x0fedcba987654321, "second sc.d does not write"

	/* ---- LR.W / SC.W ---- */
	li	a4, 0xaaaaaaaa80000000
	sd	a4, 0(a3)
	lr.w	a5, (a3)
	CHECK	a5, 0xffffffff80000000, "lr.w sign-extends"
	li	a4, 0x7777777712345678
	sc.w	a2, a4, (a3)
	CHECK	a2, 0, "sc.w after lr.w succeeds"
	ld	a5, 0(a3)
	CHECK	a5, 0xaaaaaaaa12345678, "sc.w writes the low word only"
	sc.w	a2, a4, (a3)
	CHECK	a2, 1, "second sc.w fails"

	/* ---- ordering bits on LR/SC ---- */
	li	a4, 42
	sd	a4, 8(a3)
	addi	a1, a3, 8
	lr.d.aq	a5, (a1)
	CHECK	a5, 42, "lr.d.aq loads"
	li	a4, 43
	sc.d.rl	a2, a4, (a1)
	CHECK	a2, 0, "sc.d.rl succeeds"
	lr.w.aqrl a5, (a1)
	CHECK	a5, 43, "lr.w.aqrl loads"
	li	a4, 44
	sc.w.aqrl a2, a4, (a1)
	CHECK	a2, 0, "sc.w.aqrl succeeds"
	ld	a5, 0(a1)
	CHECK	a5, 44, "sc.w.aqrl stores"

	/* ---- every AMO ---- */
	TEST_AMO amoswap.w, 0xaaaaaaaa80000001, 0x1111111100000002, 0xffffffff80000001, 0xaaaaaaaa00000002, "amoswap.w mem=0xaaaaaaaa80000001 src=0x1111111100000002"
	TEST_AMO amoswap.w.aq, 0xaaaaaaaa7fffffff, 0x55555555ffffffff, 0x000000007fffffff, 0xaaaaaaaaffffffff, "amoswap.w.aq mem=0xaaaaaaaa7fffffff src=0x55555555ffffffff"
	TEST_AMO amoswap.w.rl, 0xaaaaaaaa00000005, 0xdeadbeef80000000, 0x0000000000000005, 0xaaaaaaaa80000000, "amoswap.w.rl mem=0xaaaaaaaa00000005 src=0xdeadbeef80000000"
	TEST_AMO amoswap.d.aqrl, 0x8000000000000001, 0x0000000000000002, 0x8000000000000001, 0x0000000000000002, "amoswap.d.aqrl mem=0x8000000000000001 src=2"
	TEST_AMO amoswap.d, 0x7fffffffffffffff, 0xffffffffffffffff, 0x7fffffffffffffff, 0xffffffffffffffff, "amoswap.d mem=0x7fffffffffffffff src=-1"
	TEST_AMO amoswap.d.aq, 0x0000000000000005, 0x8000000000000000, 0x0000000000000005, 0x8000000000000000, "amoswap.d.aq mem=5 src=0x8000000000000000"
	TEST_AMO amoadd.w.rl, 0xaaaaaaaa80000001, 0x1111111100000002, 0xffffffff80000001, 0xaaaaaaaa80000003, "amoadd.w.rl mem=0xaaaaaaaa80000001 src=0x1111111100000002"
	TEST_AMO amoadd.w.aqrl, 0xaaaaaaaa7fffffff, 0x55555555ffffffff, 0x000000007fffffff, 0xaaaaaaaa7ffffffe, "amoadd.w.aqrl mem=0xaaaaaaaa7fffffff src=0x55555555ffffffff"
	TEST_AMO amoadd.w, 0xaaaaaaaa00000005, 0xdeadbeef80000000, 0x0000000000000005, 0xaaaaaaaa80000005, "amoadd.w mem=0xaaaaaaaa00000005 src=0xdeadbeef80000000"
	TEST_AMO amoadd.d.aq, 0x8000000000000001, 0x0000000000000002, 0x8000000000000001, 0x8000000000000003, "amoadd.d.aq mem=0x8000000000000001 src=2"
	TEST_AMO amoadd.d.rl, 0x7fffffffffffffff, 0xffffffffffffffff, 0x7fffffffffffffff, 0x7ffffffffffffffe, "amoadd.d.rl mem=0x7fffffffffffffff src=-1"
	TEST_AMO amoadd.d.aqrl, 0x0000000000000005, 0x8000000000000000, 0x0000000000000005, 0x8000000000000005, "amoadd.d.aqrl mem=5 src=0x8000000000000000"
	TEST_AMO amoxor.w, 0xaaaaaaaa80000001, 0x1111111100000002, 0xffffffff80000001, 0xaaaaaaaa80000003, "amoxor.w mem=0xaaaaaaaa80000001 src=0x1111111100000002"
	TEST_AMO amoxor.w.aq, 0xaaaaaaaa7fffffff, 0x55555555ffffffff, 0x000000007fffffff, 0xaaaaaaaa80000000, "amoxor.w.aq mem=0xaaaaaaaa7fffffff src=0x55555555ffffffff"
	TEST_AMO amoxor.w.rl, 0xaaaaaaaa00000005, 0xdeadbeef80000000, 0x0000000000000005, 0xaaaaaaaa80000005, "amoxor.w.rl mem=0xaaaaaaaa00000005 src=0xdeadbeef80000000"
	TEST_AMO amoxor.d.aqrl, 0x8000000000000001, 0x0000000000000002, 0x8000000000000001, 0x8000000000000003, "amoxor.d.aqrl mem=0x8000000000000001 src=2"
	TEST_AMO amoxor.d, 0x7fffffffffffffff, 0xffffffffffffffff, 0x7fffffffffffffff, 0x8000000000000000, "amoxor.d mem=0x7fffffffffffffff src=-1"
	TEST_AMO amoxor.d.aq, 0x0000000000000005, 0x8000000000000000, 0x0000000000000005, 0x8000000000000005, "amoxor.d.aq mem=5 src=0x8000000000000000"
	TEST_AMO amoand.w.rl, 0xaaaaaaaa80000001, 0x1111111100000002, 0xffffffff80000001, 0xaaaaaaaa00000000, "amoand.w.rl mem=0xaaaaaaaa80000001 src=0x1111111100000002"
	TEST_AMO amoand.w.aqrl, 0xaaaaaaaa7fffffff, 0x55555555ffffffff, 0x000000007fffffff, 0xaaaaaaaa7fffffff, "amoand.w.aqrl mem=0xaaaaaaaa7fffffff src=0x55555555ffffffff"
	TEST_AMO amoand.w, 0xaaaaaaaa00000005, 0xdeadbeef80000000, 0x0000000000000005, 0xaaaaaaaa00000000, "amoand.w mem=0xaaaaaaaa00000005 src=0xdeadbeef80000000"
	TEST_AMO amoand.d.aq, 0x8000000000000001, 0x0000000000000002, 0x8000000000000001, 0x0000000000000000, "amoand.d.aq mem=0x8000000000000001 src=2"
	TEST_AMO amoand.d.rl, 0x7fffffffffffffff, 0xffffffffffffffff, 0x7fffffffffffffff, 0x7fffffffffffffff, "amoand.d.rl mem=0x7fffffffffffffff src=-1"
	TEST_AMO amoand.d.aqrl, 0x0000000000000005, 0x8000000000000000, 0x0000000000000005, 0x0000000000000000, "amoand.d.aqrl mem=5 src=0x8000000000000000"
	TEST_AMO amoor.w, 0xaaaaaaaa80000001, 0x1111111100000002, 0xffffffff80000001, 0xaaaaaaaa80000003, "amoor.w mem=0xaaaaaaaa80000001 src=0x1111111100000002"
	TEST_AMO amoor.w.aq, 0xaaaaaaaa7fffffff, 0x55555555ffffffff, 0x000000007fffffff, 0xaaaaaaaaffffffff, "amoor.w.aq mem=0xaaaaaaaa7fffffff src=0x55555555ffffffff"
	TEST_AMO amoor.w.rl, 0xaaaaaaaa00000005, 0xdeadbeef80000000, 0x0000000000000005, 0xaaaaaaaa80000005, "amoor.w.rl mem=0xaaaaaaaa00000005 src=0xdeadbeef80000000"
	TEST_AMO amoor.d.aqrl, 0x8000000000000001, 0x0000000000000002, 0x8000000000000001, 0x8000000000000003, "amoor.d.aqrl mem=0x8000000000000001 src=2"
	TEST_AMO amoor.d, 0x7fffffffffffffff, 0xffffffffffffffff, 0x7fffffffffffffff, 0xffffffffffffffff, "amoor.d mem=0x7fffffffffffffff src=-1"
	TEST_AMO amoor.d.aq, 0x0000000000000005, 0x8000000000000000, 0x0000000000000005, 0x8000000000000005, "amoor.d.aq mem=5 src=0x8000000000000000"
	TEST_AMO amomin.w.rl, 0xaaaaaaaa80000001, 0x1111111100000002, 0xffffffff80000001, 0xaaaaaaaa80000001, "amomin.w.rl mem=0xaaaaaaaa80000001 src=0x1111111100000002"
	TEST_AMO amomin.w.aqrl, 0xaaaaaaaa7fffffff, 0x55555555ffffffff, 0x000000007fffffff, 0xaaaaaaaaffffffff, "amomin.w.aqrl mem=0xaaaaaaaa7fffffff src=0x55555555ffffffff"
	TEST_AMO amomin.w, 0xaaaaaaaa00000005, 0xdeadbeef80000000, 0x0000000000000005, 0xaaaaaaaa80000000, "amomin.w mem=0xaaaaaaaa00000005 src=0xdeadbeef80000000"
	TEST_AMO amomin.d.aq, 0x8000000000000001, 0x0000000000000002, 0x8000000000000001, 0x8000000000000001, "amomin.d.aq mem=0x8000000000000001 src=2"
	TEST_AMO amomin.d.rl, 0x7fffffffffffffff, 0xffffffffffffffff, 0x7fffffffffffffff, 0xffffffffffffffff, "amomin.d.rl mem=0x7fffffffffffffff src=-1"
	TEST_AMO amomin.d.aqrl, 0x0000000000000005, 0x8000000000000000, 0x0000000000000005, 0x8000000000000000, "amomin.d.aqrl mem=5 src=0x8000000000000000"
	TEST_AMO amomax.w, 0xaaaaaaaa80000001, 0x1111111100000002, 0xffffffff80000001, 0xaaaaaaaa00000002, "amomax.w mem=0xaaaaaaaa80000001 src=0x1111111100000002"
	TEST_AMO amomax.w.aq, 0xaaaaaaaa7fffffff, 0x55555555ffffffff, 0x000000007fffffff, 0xaaaaaaaa7fffffff, "amomax.w.aq mem=0xaaaaaaaa7fffffff src=0x55555555ffffffff"
	TEST_AMO amomax.w.rl, 0xaaaaaaaa00000005, 0xdeadbeef80000000, 0x0000000000000005, 0xaaaaaaaa00000005, "amomax.w.rl mem=0xaaaaaaaa00000005 src=0xdeadbeef80000000"
	TEST_AMO amomax.d.aqrl, 0x8000000000000001, 0x0000000000000002, 0x8000000000000001, 0x0000000000000002, "amomax.d.aqrl mem=0x8000000000000001 src=2"
	TEST_AMO amomax.d, 0x7fffffffffffffff, 0xffffffffffffffff, 0x7fffffffffffffff, 0x7fffffffffffffff, "amomax.d mem=0x7fffffffffffffff src=-1"
	TEST_AMO amomax.d.aq, 0x0000000000000005, 0x8000000000000000, 0x0000000000000005, 0x0000000000000005, "amomax.d.aq mem=5 src=0x8000000000000000"
	TEST_AMO amominu.w.rl, 0xaaaaaaaa80000001, 0x1111111100000002, 0xffffffff80000001, 0xaaaaaaaa00000002, "amominu.w.rl mem=0xaaaaaaaa80000001 src=0x1111111100000002"
	TEST_AMO amominu.w.aqrl, 0xaaaaaaaa7fffffff, 0x55555555ffffffff, 0x000000007fffffff, 0xaaaaaaaa7fffffff, "amominu.w.aqrl mem=0xaaaaaaaa7fffffff src=0x55555555ffffffff"
	TEST_AMO amominu.w, 0xaaaaaaaa00000005, 0xdeadbeef80000000, 0x0000000000000005, 0xaaaaaaaa00000005, "amominu.w mem=0xaaaaaaaa00000005 src=0xdeadbeef80000000"
	TEST_AMO amominu.d.aq, 0x8000000000000001, 0x0000000000000002, 0x8000000000000001, 0x0000000000000002, "amominu.d.aq mem=0x8000000000000001 src=2"
	TEST_AMO amominu.d.rl, 0x7fffffffffffffff, 0xffffffffffffffff, 0x7fffffffffffffff, 0x7fffffffffffffff, "amominu.d.rl mem=0x7fffffffffffffff src=-1"
	TEST_AMO amominu.d.aqrl, 0x0000000000000005, 0x8000000000000000, 0x0000000000000005, 0x0000000000000005, "amominu.d.aqrl mem=5 src=0x8000000000000000"
	TEST_AMO amomaxu.w, 0xaaaaaaaa80000001, 0x1111111100000002, 0xffffffff80000001, 0xaaaaaaaa80000001, "amomaxu.w mem=0xaaaaaaaa80000001 src=0x1111111100000002"
	TEST_AMO amomaxu.w.aq, 0xaaaaaaaa7fffffff, 0x55555555ffffffff, 0x000000007fffffff, 0xaaaaaaaaffffffff, "amomaxu.w.aq mem=0xaaaaaaaa7fffffff src=0x55555555ffffffff"
	TEST_AMO amomaxu.w.rl, 0xaaaaaaaa00000005, 0xdeadbeef80000000, 0x0000000000000005, 0xaaaaaaaa80000000, "amomaxu.w.rl mem=0xaaaaaaaa00000005 src=0xdeadbeef80000000"
	TEST_AMO amomaxu.d.aqrl, 0x8000000000000001, 0x0000000000000002, 0x8000000000000001, 0x8000000000000001, "amomaxu.d.aqrl mem=0x8000000000000001 src=2"
	TEST_AMO amomaxu.d, 0x7fffffffffffffff, 0xffffffffffffffff, 0x7fffffffffffffff, 0xffffffffffffffff, "amomaxu.d mem=0x7fffffffffffffff src=-1"
	TEST_AMO amomaxu.d.aq, 0x0000000000000005, 0x8000000000000000, 0x0000000000000005, 0x8000000000000000, "amomaxu.d.aq mem=5 src=0x8000000000000000"

	/* ---- rd = x0: memory still updated ---- */
	la	a3, adat
	li	a4, 10
	sd	a4, 0(a3)
	li	a4, 5
	amoadd.d x0, a4, (a3)
	CHECK	x0, 0, "amoadd.d to x0: x0 stays 0"
	ld	a5, 0(a3)
	CHECK	a5, 15, "amoadd.d to x0 updates memory"

	/* ---- rd == rs2: the old memory value lands in rd, memory gets old rs2 ---- */
	li	a4, 0x99
	amoswap.d a4, a4, (a3)
	CHECK	a4, 15, "amoswap.d rd==rs2 returns old memory"
	ld	a5, 0(a3)
	CHECK	a5, 0x99, "amoswap.d rd==rs2 stores old rs2"

	/* ---- .W at the upper word of a doubleword (4-byte aligned) ---- */
	li	a4, 0x00000001fffffffe
	sd	a4, 0(a3)
	addi	a1, a3, 4
	li	a4, 3
	amoadd.w a5, a4, (a1)
	CHECK	a5, 1, "amoadd.w at +4 returns the high word"
	ld	a5, 0(a3)
	CHECK	a5, 0x00000004fffffffe, "amoadd.w at +4 leaves the low word"

	TEST_END

	.data
	.balign 16
adat:
	.space 32
