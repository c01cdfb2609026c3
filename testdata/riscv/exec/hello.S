/*
 * hello.S — writes "hello, world\n" to stdout and "hello, stderr\n" to stderr, then
 * exit_group(0). Exec mode: Linux syscalls, a7 = 64 write, a7 = 94 exit_group.
 * Expected: exit 0, stdout "hello, world\n", stderr "hello, stderr\n".
 */
	.section .rodata
msg_out:
	.ascii "hello, world\n"
	.set msg_out_len, . - msg_out
msg_err:
	.ascii "hello, stderr\n"
	.set msg_err_len, . - msg_err

	.text
	.globl _start
_start:
	li	a0, 1
	la	a1, msg_out
	li	a2, msg_out_len
	li	a7, 64
	ecall
	li	a0, 2
	la	a1, msg_err
	li	a2, msg_err_len
	li	a7, 64
	ecall
	li	a0, 0
	li	a7, 94
	ecall

