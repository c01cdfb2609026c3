/*
 * illegal_zero.S — executes 0x00000000. Its low 16 bits, 0x0000, are the defined
 * illegal instruction of the C extension (all-zero parcel, "c.unimp").
 * Expected: guest fault (illegal instruction). qemu: SIGILL.
 */
	.text
	.globl _start
_start:
	.word	0x00000000
	li	a0, 0			/* not reached */
	li	a7, 93
	ecall
