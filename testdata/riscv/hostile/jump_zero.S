/*
 * jump_zero.S — jumps to address 0 (a null function pointer).
 * Expected: guest fault (instruction fetch outside executable segments). qemu: SIGSEGV.
 */
	.text
	.globl _start
_start:
	li	t0, 0
	jalr	ra, 0(t0)
