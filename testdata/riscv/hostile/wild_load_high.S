/*
 * wild_load_high.S — ld from 0xFFFF_FFFF_FFFF_FFF8, the top of the address space
 * (an address + 8 that wraps around to 0: bounds checks must not overflow).
 * Expected: guest fault (load outside memory). qemu: SIGSEGV.
 */
	.text
	.globl _start
_start:
	li	a0, -8
	ld	a1, 0(a0)
	li	a0, 0			/* not reached */
	li	a7, 93
	ecall
