/*
 * fencei.S — self-modifying code: after FENCE.I the new instructions run.
 * Exec mode, qemu-compatible; linked with -N (one writable + executable segment) so
 * the code can be stored to.
 *
 * What runs between a store to code and the next FENCE.I is implementation-defined
 * (hardware may fetch either version; qemu sees new code at once; hybridvm keeps
 * running the old code until FENCE.I, docs/abi.md "Memory map"). So this test never
 * executes patched code before a FENCE.I; it checks only that after FENCE.I the new
 * code runs. Covered: a 32-bit instruction replaced by another (twice), a 16-bit
 * compressed instruction replaced by another, patching a function that has run many
 * times (hot, likely translated by a JIT) and one that has never run, and patching a
 * branch so the control flow changes.
 */
#include "test_macros.h"

	.option norvc
	.option norelax

	TEST_BEGIN "fencei"

	/* site1 returns a5 = 1 until patched. Run it hot first. */
	li	s2, 200
1:	call	site1
	addi	s2, s2, -1
	bnez	s2, 1b
	CHECK	a5, 1, "site1 before patching"

	la	a3, site1
	la	a4, tmpl_li2
	lw	a4, 0(a4)
	sw	a4, 0(a3)		/* site1: li a5, 2 */
	fence.i
	call	site1
	CHECK	a5, 2, "site1 after the first patch and fence.i"

	la	a4, tmpl_li3
	lw	a4, 0(a4)
	sw	a4, 0(a3)		/* site1: li a5, 3 */
	fence.i
	li	s2, 50
1:	call	site1
	addi	s2, s2, -1
	bnez	s2, 1b
	CHECK	a5, 3, "site1 after the second patch and fence.i"

	/* site2 is a compressed c.li a5, 4; replace it with c.li a5, 5 (a 2-byte store). */
	call	site2
	CHECK	a5, 4, "site2 (compressed) before patching"
	la	a3, site2
	la	a4, tmpl_cli5
	lhu	a4, 0(a4)
	sh	a4, 0(a3)
	fence.i
	call	site2
	CHECK	a5, 5, "site2 (compressed) after patch and fence.i"

	/* site3 has never run: patch it first, then run it. */
	la	a3, site3
	la	a4, tmpl_li7
	lw	a4, 0(a4)
	sw	a4, 0(a3)
	fence.i
	call	site3
	CHECK	a5, 7, "never-run site3 patched before its first run"

	/* site4: a jump whose target changes (the encoding is copied from site4_alt). */
	call	site4
	CHECK	a5, 10, "site4 jumps to the old target"
	la	a3, site4
	la	a4, site4_alt
	lw	a4, 0(a4)
	sw	a4, 0(a3)
	fence.i
	call	site4
	CHECK	a5, 20, "site4 jumps to the new target after fence.i"

	TEST_END

	/* ---- patchable code ---- */
	.text
	.balign 4
site1:
	li	a5, 1
	ret

	.balign 4
site2:
	.option push
	.option rvc
	c.li	a5, 4
	.option pop
	ret

	.balign 4
site3:
	li	a5, 6
	ret

	/* site4's first instruction jumps +16 (li a5, 10); site4_alt's jumps +32, which
	 * in site4's layout is li a5, 20. Copying the encoding retargets the jump. */
	.balign 4
site4:
	j	1f		/* +0 */
	nop			/* +4 */
	nop			/* +8 */
	nop			/* +12 */
1:	li	a5, 10		/* +16 */
	ret			/* +20 */
	li	a5, 99		/* +24 */
	ret			/* +28 */
	li	a5, 20		/* +32 */
	ret
	.balign 4
site4_alt:
	j	1f		/* +0 -> +32, never executed */
	.rept 7
	nop
	.endr
1:	nop

	/* ---- instruction templates: assembled, never executed ---- */
	.section .rodata.templates, "a", @progbits
	.balign 4
tmpl_li2:
	li	a5, 2
tmpl_li3:
	li	a5, 3
tmpl_li7:
	li	a5, 7
	.option push
	.option rvc
tmpl_cli5:
	c.li	a5, 5
	.option pop
