/*
 * test_macros.h — the self-checking harness shared by the ISA tests (exec mode).
 *
 * A test is:
 *
 *     #include "test_macros.h"
 *     TEST_BEGIN "rv64i"
 *         li   a3, 1
 *         addi a5, a3, 1
 *         CHECK a5, 2, "addi 1+1"
 *         ...
 *     TEST_END
 *
 * Each CHECK gets the next number (1, 2, ...). On the first mismatch the test writes
 * "FAIL <test> check <n>: <name>\n" to stderr (fd 2) and exits with status n, or 255
 * when n > 255 (a Linux exit status has 8 bits; the message has the exact number).
 * When every check passed it writes "<test>: <count> checks passed\n" to stdout and
 * exits 0. System calls are Linux's (docs/abi.md, "Exec mode"): a7 = 64 write,
 * a7 = 93 exit.
 *
 * Registers: CHECK uses t6 (x31) for the expected value and nothing else, so tests
 * may use every other register between checks. The report routines at the end clobber
 * whatever they like.
 */

/* Jump here with a0 = check number, a1 = its name (NUL-terminated). */
.macro TEST_BEGIN testname
	.section .rodata.test_name, "a", @progbits
hv_test_name:
	.asciz "\testname"
	.text
	.globl _start
	.type _start, @function
_start:
	/* gp as the toolchain's start files would set it, in case the program is linked
	 * with relaxation (the Makefile links with --no-relax) */
	.option push
	.option norelax
	la	gp, __global_pointer$
	.option pop
	.set hv_check_num, 0
.endm

/* CHECK reg, expected, name: reg must equal the 64-bit constant expected. */
.macro CHECK reg:req, expected:req, name:req
	.set hv_check_num, hv_check_num + 1
	li	t6, \expected
	beq	\reg, t6, .Lhv_ok\@
	li	a0, hv_check_num
	la	a1, .Lhv_name\@
	j	hv_fail
	.pushsection .rodata.check_names, "a", @progbits
.Lhv_name\@:
	.asciz "\name"
	.popsection
.Lhv_ok\@:
.endm

/* CHECK_REG reg, reg2, name: two registers must be equal (reg2 must not be t6). */
.macro CHECK_REG reg:req, reg2:req, name:req
	.set hv_check_num, hv_check_num + 1
	beq	\reg, \reg2, .Lhv_ok\@
	li	a0, hv_check_num
	la	a1, .Lhv_name\@
	j	hv_fail
	.pushsection .rodata.check_names, "a", @progbits
.Lhv_name\@:
	.asciz "\name"
	.popsection
.Lhv_ok\@:
.endm

/* FAIL_HERE name: an unconditional failure (for paths that must not be reached). */
.macro FAIL_HERE name:req
	.set hv_check_num, hv_check_num + 1
	li	a0, hv_check_num
	la	a1, .Lhv_name\@
	j	hv_fail
	.pushsection .rodata.check_names, "a", @progbits
.Lhv_name\@:
	.asciz "\name"
	.popsection
.endm

/* Ends the checks and emits the report routines. */
.macro TEST_END
	li	a0, hv_check_num
	j	hv_pass

/* hv_write(a1 = NUL-terminated string, a0 = fd): write(fd, s, strlen(s)). */
hv_write:
	mv	a2, zero
1:	add	t0, a1, a2
	lbu	t0, 0(t0)
	beqz	t0, 2f
	addi	a2, a2, 1
	j	1b
2:	li	a7, 64
	ecall
	ret

/* hv_write_dec(a0 = fd, a1 = unsigned value): write the decimal digits. */
hv_write_dec:
	la	t1, hv_dec_buf + 24	/* digits are built backwards from the end */
	sb	zero, 0(t1)
	li	t2, 10
1:	remu	t3, a1, t2
	divu	a1, a1, t2
	addi	t3, t3, '0'
	addi	t1, t1, -1
	sb	t3, 0(t1)
	bnez	a1, 1b
	mv	a1, t1
	j	hv_write		/* tail call: returns to our caller */

/* a0 = number of checks: "<test>: <n> checks passed\n" on stdout, exit 0. */
hv_pass:
	mv	s0, a0
	li	a0, 1
	la	a1, hv_test_name
	call	hv_write
	li	a0, 1
	la	a1, hv_msg_colon
	call	hv_write
	li	a0, 1
	mv	a1, s0
	call	hv_write_dec
	li	a0, 1
	la	a1, hv_msg_passed
	call	hv_write
	li	a0, 0
	li	a7, 93
	ecall

/* a0 = check number, a1 = name: "FAIL <test> check <n>: <name>\n" on stderr,
 * exit min(n, 255). */
hv_fail:
	mv	s0, a0
	mv	s1, a1
	li	a0, 2
	la	a1, hv_msg_fail
	call	hv_write
	li	a0, 2
	la	a1, hv_test_name
	call	hv_write
	li	a0, 2
	la	a1, hv_msg_check
	call	hv_write
	li	a0, 2
	mv	a1, s0
	call	hv_write_dec
	li	a0, 2
	la	a1, hv_msg_colon
	call	hv_write
	li	a0, 2
	mv	a1, s1
	call	hv_write
	li	a0, 2
	la	a1, hv_msg_nl
	call	hv_write
	li	t0, 255
	mv	a0, s0
	bleu	a0, t0, 1f
	mv	a0, t0
1:	li	a7, 93
	ecall

	.section .rodata.hv_msgs, "a", @progbits
hv_msg_fail:	.asciz "FAIL "
hv_msg_check:	.asciz " check "
hv_msg_colon:	.asciz ": "
hv_msg_passed:	.asciz " checks passed\n"
hv_msg_nl:	.asciz "\n"
	.bss
	.balign 8
hv_dec_buf:	.space 32
	.text
.endm
