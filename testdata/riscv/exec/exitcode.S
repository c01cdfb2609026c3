/*
 * exitcode.S — exit(42) with a7 = 93. Expected: exit status 42, no output.
 */
	.text
	.globl _start
_start:
	li	a0, 42
	li	a7, 93
	ecall
