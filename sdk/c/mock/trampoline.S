/*
 * trampoline.S — register plumbing of the mock host (see harness.c).
 *
 * hv_mock_ecall: what a contract built with -DHV_MOCK calls instead of `ecall`.
 *   Saves x1..x31 into an array on the stack, calls hv_mock_dispatch(regs), then
 *   reloads every register from the array (the dispatcher writes only the ABI's
 *   result registers a0..a3) and returns. So, exactly like a real syscall, every
 *   register that is not a result comes back unchanged.
 *
 * hv_mock_run(fn, stack_top): saves the harness's callee-saved state in the context
 *   block at MOCK_CTX, switches sp to stack_top (0x8030_0000, as crt0 does) and calls
 *   fn (the contract's main). If fn returns, hv_mock_run returns 3.
 * hv_mock_longjmp(status): abandons the contract's stack and returns `status` from
 *   hv_mock_run (RETURN, REVERT and faults end a frame this way).
 */
	.set MOCK_CTX, 0x70000000

	.text
	.globl hv_mock_ecall
hv_mock_ecall:
	addi	sp, sp, -256
	.irp r, 1,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	sd	x\r, (8 * \r)(sp)
	.endr
	addi	t0, sp, 256
	sd	t0, 16(sp)		/* x2 as the contract sees it */
	mv	a0, sp
	call	hv_mock_dispatch
	.irp r, 1,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	ld	x\r, (8 * \r)(sp)
	.endr
	addi	sp, sp, 256
	ret

	.globl hv_mock_run
hv_mock_run:
	li	t0, MOCK_CTX
	sd	ra, 0(t0)
	sd	sp, 8(t0)
	.irp r, 8,9,18,19,20,21,22,23,24,25,26,27
	sd	x\r, (8 * (\r - 6))(t0)
	.endr
	mv	sp, a1
	jalr	a0
	li	a0, 3
	/* fall through */
	.globl hv_mock_longjmp
hv_mock_longjmp:
	li	t0, MOCK_CTX
	ld	ra, 0(t0)
	ld	sp, 8(t0)
	.irp r, 8,9,18,19,20,21,22,23,24,25,26,27
	ld	x\r, (8 * (\r - 6))(t0)
	.endr
	ret
