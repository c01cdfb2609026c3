/*
 * deep_recursion.S — a function that calls itself forever, each frame 256 KiB,
 * storing its return address at the bottom of the frame.
 *
 * In exec mode sp starts at the arena's top and nothing limits the stack but memory
 * itself: the frames walk down through free memory, the program's .bss and .data,
 * until a store lands where the program may not write — its read-only text segment
 * (segment permissions are honoured, docs/abi.md), or below the arena.
 * Expected: guest fault (store access fault) after about arena_size / 256 KiB frames:
 * with the default 1 GiB arena the 4096th frame's store hits the text segment at
 * 0x10000 (hybridvm: 20,479 instructions, 36,868 gas). 16 MiB of memory are touched.
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
