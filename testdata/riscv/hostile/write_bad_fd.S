/*
 * write_bad_fd.S — write(3, buf, 5): exec mode writes only to fd 1 and 2.
 * Expected: guest fault (bad syscall argument). qemu returns -EBADF, and the program
 * then exits 5 ("the write returned").
 */
	.section .rodata
buf:	.ascii "oops\n"

	.text
	.globl _start
_start:
	li	a0, 3
	la	a1, buf
	li	a2, 5
	li	a7, 64
	ecall
	li	a0, 5
	li	a7, 93
	ecall
