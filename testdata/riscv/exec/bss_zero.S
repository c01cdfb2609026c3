/*
 * bss_zero.S — a 10 MiB .bss zeroed at start-up by the loop riscv-rt uses (the loop
 * every Hybrid/r55 contract runs first, docs/abi.md "Memory map"), then checked.
 *
 * Before zeroing, three doublewords of .bss (first, middle, last) are made non-zero,
 * so an engine that skips the zeroing loop because "the arena is already zero" fails
 * this test: only an optimisation that really leaves the memory zeroed passes.
 * The zeroing loop is exactly:
 *
 *     1:  sd   zero, 0(t1)
 *         addi t1, t1, 8
 *         bltu t1, t2, 1b
 *
 * 10 MiB / 8 = 1,310,720 iterations, 3,932,160 instructions.
 * Expected: exit 0 and "bss ok\n" on stdout; exit 1 if a non-zero doubleword is left.
 */
	.set BSS_SIZE, 10 * 1024 * 1024

	.text
	.globl _start
_start:
	la	t1, bss_start
	la	t2, bss_end
	li	t0, -1
	sd	t0, 0(t1)			/* dirty the first, middle and last doubleword */
	li	t3, BSS_SIZE / 2
	add	t3, t1, t3
	sd	t0, 0(t3)
	sd	t0, -8(t2)

	/* riscv-rt style zeroing */
	bgeu	t1, t2, 2f
1:	sd	zero, 0(t1)
	addi	t1, t1, 8
	bltu	t1, t2, 1b
2:

	/* check: OR of every doubleword must be 0 */
	la	t1, bss_start
	li	t4, 0
3:	ld	t5, 0(t1)
	or	t4, t4, t5
	addi	t1, t1, 8
	bltu	t1, t2, 3b
	bnez	t4, bad

	li	a0, 1
	la	a1, msg_ok
	li	a2, 7
	li	a7, 64
	ecall
	li	a0, 0
	li	a7, 93
	ecall
bad:
	li	a0, 1
	li	a7, 93
	ecall

	.section .rodata
msg_ok:
	.ascii "bss ok\n"

	.bss
	.balign 8
bss_start:
	.space BSS_SIZE
bss_end:
