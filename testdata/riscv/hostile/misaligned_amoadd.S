/*
 * misaligned_amoadd.S — amoadd.w at an address that is 2 mod 4.
 * Expected: guest fault (misaligned atomic), memory unchanged. qemu: SIGBUS.
 */
	.text
	.globl _start
_start:
	la	a0, slot
	addi	a0, a0, 2
	li	a1, 1
	amoadd.w a2, a1, (a0)
	li	a0, 0			/* not reached */
	li	a7, 93
	ecall

	.data
	.balign 16
slot:	.space 16
