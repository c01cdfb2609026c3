/*
 * gas.S — a small exec-mode program whose gas and instruction count are computed by
 * hand from docs/abi.md's weights ("Gas"):
 *
 *   25  DIV DIVU REM REMU (+W)     5  MUL MULH MULHSU MULHU MULW
 *    3  loads, stores, LR, SC, AMOs, conditional branches, JAL, JALR
 *    1  everything else, ECALL included
 *
 * No pseudo-instructions whose expansion could vary, no compressed forms (they would
 * cost the same anyway: weight follows the operation, not the encoding), linked
 * without relaxation.
 *
 *                                                  count  weight   gas
 *   _start:  addi  t0, zero, 10                      1      1        1
 *            addi  t1, zero, 0                       1      1        1
 *            auipc t2, %pcrel_hi(word)               1      1        1
 *            addi  t2, t2, %pcrel_lo(...)            1      1        1
 *   loop (10 iterations; the branch costs 3 taken or not):
 *            lw    t3, 0(t2)                        10      3       30
 *            mul   t4, t3, t0                       10      5       50
 *            add   t1, t1, t4                       10      1       10
 *            addi  t0, t0, -1                       10      1       10
 *            bne   t0, zero, loop                   10      3       30
 *            divu  t5, t1, t3                        1     25       25
 *            sd    t5, 8(t2)                         1      3        3
 *            jal   ra, finish                        1      3        3
 *   finish:  addi  a0, t5, 0                         1      1        1
 *            addi  a7, zero, 93                      1      1        1
 *            ecall                                   1      1        1
 *                                                  ----            ----
 *                                                   60             168
 *
 * So: 60 instructions retired and 168 gas used (the exit ECALL is executed and costs
 * its weight, 1; exec-mode syscalls add no gas of their own).
 * word = 7, so t1 = 7 * (10 + 9 + ... + 1) = 385 and t5 = 385 / 7 = 55.
 * Expected: exit status 55, no output; with a gas limit of 167 it must run out of gas.
 */
	.option norvc
	.option norelax

	.text
	.globl _start
_start:
	addi	t0, zero, 10
	addi	t1, zero, 0
1:	auipc	t2, %pcrel_hi(word)
	addi	t2, t2, %pcrel_lo(1b)
loop:
	lw	t3, 0(t2)
	mul	t4, t3, t0
	add	t1, t1, t4
	addi	t0, t0, -1
	bne	t0, zero, loop
	divu	t5, t1, t3
	sd	t5, 8(t2)
	jal	ra, finish
	/* never reached: finish does not return */
	.word	0

finish:
	addi	a0, t5, 0
	addi	a7, zero, 93
	ecall

	.data
	.balign 8
word:	.dword 7
	.dword 0
