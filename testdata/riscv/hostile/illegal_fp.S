/*
 * illegal_fp.S — executes fadd.d f1, f1, f2 (0x022080d3): the D extension is not part
 * of RV64IMAC, so it is an illegal instruction here.
 * Expected: guest fault (illegal instruction). qemu-riscv64 (which implements D) would
 * run it, so under qemu this test is only checked to exit 0 — see the Makefile.
 */
	.text
	.globl _start
_start:
	.word	0x022080d3		/* fadd.d f1, f1, f2 (rm = dyn) */
	li	a0, 0
	li	a7, 93
	ecall
