/*
 * misaligned_lrd.S — lr.d from an address that is 4 mod 8. Atomics need natural
 * alignment (docs/abi.md, "Memory map": misaligned LR/SC/AMO fault).
 * Expected: guest fault (misaligned atomic). qemu: SIGBUS.
 */
	.text
	.globl _start
_start:
	la	a0, slot
	addi	a0, a0, 4
	lr.d	a1, (a0)
	li	a0, 0			/* not reached */
	li	a7, 93
	ecall

	.data
	.balign 16
slot:	.space 16
