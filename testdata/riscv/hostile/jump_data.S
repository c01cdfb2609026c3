/*
 * jump_data.S — jumps into .data, which holds a valid instruction encoding
 * (li a0, 0; then exit) but is not in an executable segment.
 * Expected: guest fault (instruction fetch outside executable segments), even though
 * the bytes there would decode and exit 0. qemu: SIGSEGV.
 */
	.text
	.globl _start
_start:
	la	t0, code_in_data
	jr	t0

	.data
	.balign 4
code_in_data:				/* would exit(0) if it were executable */
	li	a0, 0
	li	a7, 93
	ecall
