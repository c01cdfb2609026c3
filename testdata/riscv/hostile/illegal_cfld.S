/*
 * illegal_cfld.S — executes c.fld f8, 0(s0) (0x2000): a compressed D-extension load,
 * illegal on RV64IMAC (a decoder must not mistake it for an integer instruction).
 * Expected: guest fault (illegal instruction). qemu implements D, so under qemu it
 * loads and the program exits 0 — see the Makefile.
 */
	.text
	.globl _start
_start:
	la	s0, slot		/* a readable address, so only the decode can fail */
	.hword	0x2000			/* c.fld f8, 0(s0): funct3 001, quadrant 0 */
	li	a0, 0
	li	a7, 93
	ecall

	.data
	.balign 8
slot:	.dword 0
