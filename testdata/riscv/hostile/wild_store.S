/*
 * wild_store.S — sd to 0x1000, below the arena. Expected: guest fault (store outside
 * memory). qemu: SIGSEGV.
 */
	.text
	.globl _start
_start:
	li	a0, 0x1000
	li	a1, 0x5a5a
	sd	a1, 0(a0)
	li	a0, 0			/* not reached */
	li	a7, 93
	ecall
