/*
 * write_bad_ptr.S — write(1, 0x10, 16): the buffer is outside memory.
 * Expected: guest fault (bad syscall argument), nothing written. qemu returns
 * -EFAULT, and the program then exits 4 ("the write returned").
 */
	.text
	.globl _start
_start:
	li	a0, 1
	li	a1, 0x10
	li	a2, 16
	li	a7, 64
	ecall
	li	a0, 4
	li	a7, 93
	ecall
