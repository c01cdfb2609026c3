/*
 * misaligned.S — misaligned loads and stores of every width must work
 * (docs/abi.md, "Memory map": they execute normally; only LR/SC/AMOs fault).
 * Exec mode, qemu-compatible.
 *
 * The buffer holds bytes 0x00, 0x01, 0x02, ... so a little-endian load at offset k
 * of width w is the bytes k+w-1 .. k. Covered: LH LHU LW LWU LD at every misaligned
 * offset inside a doubleword and across a doubleword boundary; SH SW SD likewise
 * (checked byte-exactly by reading back around them); the compressed C.LW C.LD C.SW
 * C.SD C.LWSP C.LDSP C.SWSP C.SDSP with a misaligned base; and accesses that straddle
 * a 4 KiB page boundary (a likely edge in a memory implementation).
 */
#include "test_macros.h"

	.option norvc

	TEST_BEGIN "misaligned"

	la	a3, buf

	/* ---- loads at odd offsets ---- */
	lh	a5, 1(a3)
	CHECK	a5, 0x0201, "lh +1"
	lhu	a5, 7(a3)
	CHECK	a5, 0x0807, "lhu +7 crosses a doubleword"
	lh	a5, 0x7f(a3)
	CHECK	a5, 0xffffffffffff807f, "lh +0x7f sign-extends"
	lhu	a5, 0x7f(a3)
	CHECK	a5, 0x807f, "lhu +0x7f"
	lw	a5, 1(a3)
	CHECK	a5, 0x04030201, "lw +1"
	lw	a5, 2(a3)
	CHECK	a5, 0x05040302, "lw +2"
	lw	a5, 3(a3)
	CHECK	a5, 0x06050403, "lw +3"
	lw	a5, 6(a3)
	CHECK	a5, 0x09080706, "lw +6 crosses a doubleword"
	lw	a5, 0x7d(a3)
	CHECK	a5, 0xffffffff807f7e7d, "lw +0x7d sign-extends"
	lwu	a5, 0x7d(a3)
	CHECK	a5, 0x807f7e7d, "lwu +0x7d"
	ld	a5, 1(a3)
	CHECK	a5, 0x0807060504030201, "ld +1"
	ld	a5, 2(a3)
	CHECK	a5, 0x0908070605040302, "ld +2"
	ld	a5, 3(a3)
	CHECK	a5, 0x0a09080706050403, "ld +3"
	ld	a5, 4(a3)
	CHECK	a5, 0x0b0a090807060504, "ld +4"
	ld	a5, 5(a3)
	CHECK	a5, 0x0c0b0a0908070605, "ld +5"
	ld	a5, 6(a3)
	CHECK	a5, 0x0d0c0b0a09080706, "ld +6"
	ld	a5, 7(a3)
	CHECK	a5, 0x0e0d0c0b0a090807, "ld +7"
	addi	a4, a3, 16
	ld	a5, -3(a4)
	CHECK	a5, 0x14131211100f0e0d, "ld negative misaligned offset"

	/* ---- stores at odd offsets: write, then read the doublewords around ---- */
	la	a3, sbuf
	li	a4, 0x8877665544332211
	sh	a4, 1(a3)
	ld	a5, 0(a3)
	CHECK	a5, 0x0000000000221100, "sh +1"
	sw	a4, 7(a3)
	ld	a5, 0(a3)
	CHECK	a5, 0x1100000000221100, "sw +7 low byte"
	ld	a5, 8(a3)
	CHECK	a5, 0x0000000000443322, "sw +7 crosses into the next doubleword"
	sd	a4, 19(a3)
	ld	a5, 16(a3)
	CHECK	a5, 0x5544332211000000, "sd +19 first part"
	ld	a5, 24(a3)
	CHECK	a5, 0x0000000000887766, "sd +19 second part"
	sh	a4, 31(a3)
	ld	a5, 24(a3)
	CHECK	a5, 0x1100000000887766, "sh +31 first byte"
	ld	a5, 32(a3)
	CHECK	a5, 0x0000000000000022, "sh +31 second byte"
	ld	a5, 19(a3)
	CHECK	a5, 0x8877665544332211, "ld back what sd +19 wrote"

	/* ---- compressed forms with a misaligned base ---- */
	la	a3, buf
	addi	a3, a3, 3
	.option push
	.option rvc
	c.lw	a5, 4(a3)
	.option pop
	CHECK	a5, 0x0a090807, "c.lw misaligned"
	.option push
	.option rvc
	c.ld	a5, 8(a3)
	.option pop
	CHECK	a5, 0x1211100f0e0d0c0b, "c.ld misaligned"
	la	a2, sbuf + 64 + 5
	li	a4, 0x0102030405060708
	.option push
	.option rvc
	c.sd	a4, 0(a2)
	c.sw	a4, 8(a2)
	.option pop
	/* sbuf+69: 08 07 06 05 04 03 02 01 (c.sd), sbuf+77: 08 07 06 05 (c.sw) */
	la	a3, sbuf
	ld	a5, 64(a3)
	CHECK	a5, 0x0607080000000000, "c.sd misaligned first part"
	ld	a5, 72(a3)
	CHECK	a5, 0x0607080102030405, "c.sd misaligned second part, c.sw after it"
	ld	a5, 77(a3)
	CHECK	a5, 0x05060708, "c.sw misaligned (then zeros)"
	mv	t0, sp
	la	sp, buf + 1
	.option push
	.option rvc
	c.lwsp	a5, 8(sp)
	c.ldsp	a4, 16(sp)
	.option pop
	CHECK	a5, 0x0c0b0a09, "c.lwsp misaligned sp"
	CHECK	a4, 0x1817161514131211, "c.ldsp misaligned sp"
	la	sp, sbuf + 128 + 3
	li	a4, 0x1122334455667788
	.option push
	.option rvc
	c.sdsp	a4, 0(sp)
	c.swsp	a4, 8(sp)
	.option pop
	mv	sp, t0
	la	a3, sbuf + 128
	ld	a5, 3(a3)
	CHECK	a5, 0x1122334455667788, "c.sdsp misaligned sp"
	lwu	a5, 11(a3)
	CHECK	a5, 0x55667788, "c.swsp misaligned sp"

	/* ---- accesses straddling a 4 KiB page boundary ---- */
	la	a3, page2		/* page2 is 4 KiB aligned; page2 - 1 is on the page before */
	li	a4, 0xa1a2a3a4a5a6a7a8
	sd	a4, -3(a3)
	ld	a5, -3(a3)
	CHECK	a5, 0xa1a2a3a4a5a6a7a8, "sd/ld across a page boundary"
	lwu	a5, -2(a3)
	CHECK	a5, 0xa4a5a6a7, "lwu across a page boundary"
	lh	a5, -1(a3)
	CHECK	a5, 0xffffffffffffa5a6, "lh across a page boundary"
	li	a4, 0x1234
	sh	a4, -1(a3)
	lbu	a5, -1(a3)
	CHECK	a5, 0x34, "sh across a page boundary: first byte"
	lbu	a5, 0(a3)
	CHECK	a5, 0x12, "sh across a page boundary: second byte"

	TEST_END

	.data
	.balign 16
buf:				/* bytes 0x00 .. 0xff */
	.irp hi, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
	.irp lo, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15
	.byte \hi * 16 + \lo
	.endr
	.endr
	.balign 16
sbuf:
	.space 256
	.balign 4096
	.space 4096
page2:
	.space 64
