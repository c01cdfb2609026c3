/*
 * wild_load_low.S — ld from 0x1000, below the arena (which starts at the lowest
 * segment, 0x10000). Expected: guest fault (load outside memory). qemu: SIGSEGV.
 */
	.text
	.globl _start
_start:
	li	a0, 0x1000
	ld	a1, 0(a0)
	li	a0, 0			/* not reached */
	li	a7, 93
	ecall
