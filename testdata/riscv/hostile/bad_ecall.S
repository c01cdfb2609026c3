/*
 * bad_ecall.S — ecall with a7 = 172 (Linux getpid), which exec mode does not provide
 * (only 64 write, 93 exit, 94 exit_group). Expected: guest fault (unknown syscall).
 * qemu runs getpid and returns, so the program then exits 3 ("the ecall returned").
 */
	.text
	.globl _start
_start:
	li	a7, 172
	ecall
	li	a0, 3
	li	a7, 93
	ecall
