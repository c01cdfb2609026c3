/*
 * deep_recursion.S — a function that calls itself forever, each frame 256 KiB,
 * storing its return address at the bottom of the frame.
 *
 * In exec mode sp starts at the arena's top and nothing limits the stack but the
 * arena itself: the frames walk down through free memory, then over the program's
 * own .bss/.data/.text (stores there change memory, not the code that runs,
 * ARCHITECTURE.md "Code"), until a store lands below the arena's base.
 * Expected: guest fault (store outside memory) after about arena_size / 256 KiB
 * frames (4096 with the default 1 GiB arena; 16 MiB of memory touched).
 * qemu: SIGSEGV when the 8 MiB host stack runs out.
 */
	.set FRAME, 256 * 1024

	.text
	.globl _start
_start:
	call	recurse
	li	a0, 0			/* not reached */
	li	a7, 93
	ecall

recurse:
	li	t0, FRAME
	sub	sp, sp, t0
	sd	ra, 0(sp)
	call	recurse
	ld	ra, 0(sp)		/* not reached */
	li	t0, FRAME
	add	sp, sp, t0
	ret
