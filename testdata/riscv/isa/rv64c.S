/*
 * rv64c.S — self-checking test of every RV64C instruction (exec mode, qemu-compatible).
 *
 * Each compressed instruction is written explicitly (c.* mnemonic, checked to
 * assemble to 2 bytes) and run next to its 32-bit expansion (unprivileged spec
 * 20191213, chapter 16, written with .option norvc so it stays 4 bytes); both results
 * must equal the expected value. Covered:
 *
 *   quadrant 0: C.ADDI4SPN C.LW C.LD C.SW C.SD
 *   quadrant 1: C.NOP C.ADDI C.ADDIW C.LI C.ADDI16SP C.LUI C.SRLI C.SRAI C.ANDI
 *               C.SUB C.XOR C.OR C.AND C.SUBW C.ADDW C.J C.BEQZ C.BNEZ
 *   quadrant 2: C.SLLI C.LWSP C.LDSP C.JR C.MV C.JALR C.ADD C.SWSP C.SDSP
 *
 * Not covered: C.EBREAK (it traps; the machine treats EBREAK as a fault), C.FLD/C.FSD/
 * C.FLDSP/C.FSDSP (D extension, not in RV64IMAC: illegal, see hostile/illegal_fp),
 * and RV32-only C.JAL (its encoding is C.ADDIW on RV64, tested here as such).
 * C.JALR links pc + 2, the address after the 2-byte instruction.
 */
#include "test_macros.h"

	.option norvc
	.option norelax		/* so the size assertions below are assembly-time constants */

/* C insn: a compressed instruction, which must assemble to exactly 2 bytes. */
.macro C insn:vararg
	.option push
	.option rvc
.Lc_start\@:
	\insn
.Lc_end\@:
	.if .Lc_end\@ - .Lc_start\@ != 2
	.error "not a 16-bit instruction"
	.endif
	.option pop
.endm

/* CB insn: a compressed branch or jump to a label. Its size is not an assembly-time
 * constant (the target may be resolved later), but an explicit c.* mnemonic either
 * assembles to 2 bytes or fails with "offset out of range". */
.macro CB insn:vararg
	.option push
	.option rvc
	\insn
	.option pop
.endm

	TEST_BEGIN "rv64c"

	la	sp, stack_top		/* our own stack: the *sp forms below use it */

	/* ---- C.ADDI4SPN rd', nzuimm -> addi rd', sp, nzuimm ---- */
	C	c.addi4spn a5, sp, 16
	addi	a2, sp, 16
	sub	a4, a5, sp
	CHECK	a4, 16, "c.addi4spn 16"
	CHECK_REG a2, a5, "c.addi4spn 16 = addi"
	C	c.addi4spn s0, sp, 1020
	addi	a2, sp, 1020
	sub	a4, s0, sp
	CHECK	a4, 1020, "c.addi4spn 1020 (max)"
	CHECK_REG a2, s0, "c.addi4spn 1020 = addi"

	/* ---- C.LW / C.LD: rd', uimm(rs1') ---- */
	la	a3, cdat
	C	c.lw a5, 0(a3)
	lw	a2, 0(a3)
	CHECK	a5, 0xffffffff80000001, "c.lw sign-extends"
	CHECK_REG a2, a5, "c.lw = lw"
	C	c.lw a5, 124(a3)
	lw	a2, 124(a3)
	CHECK	a5, 0x7c7c7c7c, "c.lw offset 124 (max)"
	CHECK_REG a2, a5, "c.lw 124 = lw"
	C	c.ld a5, 8(a3)
	ld	a2, 8(a3)
	CHECK	a5, 0x8877665544332211, "c.ld"
	CHECK_REG a2, a5, "c.ld = ld"
	C	c.ld a5, 248(a3)
	ld	a2, 248(a3)
	CHECK	a5, 0xf8f8f8f8f8f8f8f8, "c.ld offset 248 (max)"
	CHECK_REG a2, a5, "c.ld 248 = ld"

	/* ---- C.SW / C.SD ---- */
	la	a3, sdat
	li	a4, 0x1122334455667788
	C	c.sd a4, 0(a3)
	sd	a4, 8(a3)
	ld	a5, 0(a3)
	ld	a2, 8(a3)
	CHECK	a5, 0x1122334455667788, "c.sd"
	CHECK_REG a2, a5, "c.sd = sd"
	li	a4, 0x99aabbcc
	C	c.sw a4, 0(a3)
	sw	a4, 8(a3)
	ld	a5, 0(a3)
	ld	a2, 8(a3)
	CHECK	a5, 0x1122334499aabbcc, "c.sw writes 4 bytes"
	CHECK_REG a2, a5, "c.sw = sw"
	C	c.sd a4, 248(a3)
	ld	a5, 248(a3)
	CHECK	a5, 0x99aabbcc, "c.sd offset 248"
	C	c.sw a4, 124(a3)
	lwu	a5, 124(a3)
	CHECK	a5, 0x99aabbcc, "c.sw offset 124"

	/* ---- C.NOP ---- */
	li	a5, 77
	C	c.nop
	CHECK	a5, 77, "c.nop changes nothing"

	/* ---- C.ADDI rd, nzimm ---- */
	li	a5, 100
	C	c.addi a5, -32
	li	a2, 100
	addi	a2, a2, -32
	CHECK	a5, 68, "c.addi -32 (min)"
	CHECK_REG a2, a5, "c.addi -32 = addi"
	li	ra, 100
	C	c.addi ra, 31
	CHECK	ra, 131, "c.addi 31 (max), any rd"
	li	t6, -1
	C	c.addi t6, 1
	mv	a5, t6
	CHECK	a5, 0, "c.addi wraps 64 bits"

	/* ---- C.ADDIW rd, imm (the RV32 C.JAL slot) ---- */
	li	a5, 0x7fffffff
	C	c.addiw a5, 1
	li	a2, 0x7fffffff
	addiw	a2, a2, 1
	CHECK	a5, 0xffffffff80000000, "c.addiw sign-extends"
	CHECK_REG a2, a5, "c.addiw = addiw"
	li	a5, 0x123456789abcdef0
	C	c.addiw a5, 0
	CHECK	a5, 0xffffffff9abcdef0, "c.addiw 0 is sext.w"
	li	t0, 0x100000005
	C	c.addiw t0, -6
	mv	a5, t0
	CHECK	a5, -1, "c.addiw -6 on the low word"

	/* ---- C.LI rd, imm ---- */
	C	c.li a5, -32
	CHECK	a5, -32, "c.li -32"
	C	c.li s11, 31
	mv	a5, s11
	CHECK	a5, 31, "c.li 31, any rd"
	C	c.li a5, 0
	CHECK	a5, 0, "c.li 0"

	/* ---- C.ADDI16SP nzimm -> addi sp, sp, nzimm ---- */
	mv	a4, sp
	C	c.addi16sp sp, -512
	sub	a5, a4, sp
	CHECK	a5, 512, "c.addi16sp -512 (min)"
	C	c.addi16sp sp, 496
	sub	a5, sp, a4
	CHECK	a5, -16, "c.addi16sp 496 (max)"
	C	c.addi16sp sp, 16
	CHECK_REG sp, a4, "c.addi16sp 16"

	/* ---- C.LUI rd, nzimm (rd != 0, 2) ---- */
	C	c.lui a5, 1
	CHECK	a5, 0x1000, "c.lui 1"
	C	c.lui a5, 0x1f
	lui	a2, 0x1f
	CHECK	a5, 0x1f000, "c.lui 0x1f (max positive)"
	CHECK_REG a2, a5, "c.lui 0x1f = lui"
	C	c.lui a5, 0xfffe0
	lui	a2, 0xfffe0
	CHECK	a5, 0xfffffffffffe0000, "c.lui 0xfffe0 sign-extends (min)"
	CHECK_REG a2, a5, "c.lui 0xfffe0 = lui"
	C	c.lui a5, 0xfffff
	CHECK	a5, 0xfffffffffffff000, "c.lui 0xfffff"

	/* ---- C.SRLI / C.SRAI / C.ANDI rd', imm ---- */
	li	a5, 0x8000000000000000
	C	c.srli a5, 63
	CHECK	a5, 1, "c.srli 63"
	li	a5, 0x8000000000000000
	C	c.srli a5, 32
	li	a2, 0x8000000000000000
	srli	a2, a2, 32
	CHECK	a5, 0x80000000, "c.srli 32"
	CHECK_REG a2, a5, "c.srli 32 = srli"
	li	a5, -256
	C	c.srli a5, 1
	CHECK	a5, 0x7fffffffffffff80, "c.srli 1"
	li	a5, 0x8000000000000000
	C	c.srai a5, 63
	CHECK	a5, -1, "c.srai 63"
	li	a5, 0x8000000000000000
	C	c.srai a5, 32
	li	a2, 0x8000000000000000
	srai	a2, a2, 32
	CHECK	a5, 0xffffffff80000000, "c.srai 32"
	CHECK_REG a2, a5, "c.srai 32 = srai"
	li	a5, 0x7000000000000000
	C	c.srai a5, 4
	CHECK	a5, 0x0700000000000000, "c.srai positive"
	li	a5, 0x123456789abcdef0
	C	c.andi a5, -32
	CHECK	a5, 0x123456789abcdee0, "c.andi -32 (sign-extended mask)"
	li	a5, 0x123456789abcdef0
	C	c.andi a5, 31
	li	a2, 0x123456789abcdef0
	andi	a2, a2, 31
	CHECK	a5, 0x10, "c.andi 31"
	CHECK_REG a2, a5, "c.andi 31 = andi"
	li	a5, 0x123456789abcdef0
	C	c.andi a5, 0
	CHECK	a5, 0, "c.andi 0"

	/* ---- C.SUB C.XOR C.OR C.AND C.SUBW C.ADDW rd', rs2' ---- */
	li	a5, 10
	li	a4, 20
	C	c.sub a5, a4
	CHECK	a5, -10, "c.sub"
	li	a5, 0xff00ff00ff00ff00
	li	a4, 0x0ff00ff00ff00ff0
	C	c.xor a5, a4
	CHECK	a5, 0xf0f0f0f0f0f0f0f0, "c.xor"
	li	a5, 0xff00ff00ff00ff00
	C	c.or a5, a4
	CHECK	a5, 0xfff0fff0fff0fff0, "c.or"
	li	a5, 0xff00ff00ff00ff00
	C	c.and a5, a4
	CHECK	a5, 0x0f000f000f000f00, "c.and"
	li	a5, 0x80000000
	li	a4, 1
	C	c.subw a5, a4
	li	a2, 0x80000000
	subw	a2, a2, a4
	CHECK	a5, 0x7fffffff, "c.subw"
	CHECK_REG a2, a5, "c.subw = subw"
	li	a5, 0x7fffffff
	C	c.addw a5, a4
	li	a2, 0x7fffffff
	addw	a2, a2, a4
	CHECK	a5, 0xffffffff80000000, "c.addw sign-extends"
	CHECK_REG a2, a5, "c.addw = addw"
	li	s0, 0x100000000
	li	s1, 0x100000000
	C	c.addw s0, s1
	mv	a5, s0
	CHECK	a5, 0, "c.addw uses the low words only"

	/* ---- C.SLLI rd, shamt ---- */
	li	a5, 1
	C	c.slli a5, 63
	CHECK	a5, 0x8000000000000000, "c.slli 63"
	li	t3, 0x123456789abcdef0
	C	c.slli t3, 32
	li	a2, 0x123456789abcdef0
	slli	a2, a2, 32
	mv	a5, t3
	CHECK	a5, 0x9abcdef000000000, "c.slli 32, any rd"
	CHECK_REG a2, a5, "c.slli 32 = slli"
	li	a5, 3
	C	c.slli a5, 1
	CHECK	a5, 6, "c.slli 1"

	/* ---- C.MV / C.ADD ---- */
	li	t4, 0x5555aaaa5555aaaa
	C	c.mv a5, t4
	CHECK	a5, 0x5555aaaa5555aaaa, "c.mv"
	li	a5, 0x7fffffffffffffff
	li	t5, 1
	C	c.add a5, t5
	CHECK	a5, 0x8000000000000000, "c.add"
	li	s2, 40
	C	c.add s2, s2
	mv	a5, s2
	CHECK	a5, 80, "c.add rd==rs2"

	/* ---- C.LWSP C.LDSP C.SWSP C.SDSP ---- */
	li	a4, 0x0123456789abcdef
	C	c.sdsp a4, 504(sp)
	sd	a4, 496(sp)
	ld	a5, 504(sp)
	CHECK	a5, 0x0123456789abcdef, "c.sdsp 504 (max)"
	C	c.ldsp a5, 504(sp)
	ld	a2, 496(sp)
	CHECK	a5, 0x0123456789abcdef, "c.ldsp 504 (max)"
	CHECK_REG a2, a5, "c.ldsp = ld from sp"
	li	a4, 0x80000000
	C	c.swsp a4, 252(sp)
	C	c.lwsp a5, 252(sp)
	lw	a2, 252(sp)
	CHECK	a5, 0xffffffff80000000, "c.swsp/c.lwsp 252 sign-extends"
	CHECK_REG a2, a5, "c.lwsp = lw from sp"
	li	a4, 0x7eadbeef
	C	c.swsp a4, 0(sp)
	C	c.lwsp s3, 0(sp)
	mv	a5, s3
	CHECK	a5, 0x7eadbeef, "c.swsp/c.lwsp 0, any rd"
	C	c.sdsp a4, 0(sp)
	C	c.ldsp ra, 0(sp)
	CHECK	ra, 0x7eadbeef, "c.sdsp/c.ldsp 0, rd = ra"

	/* ---- C.J, forward and backward ---- */
	li	a5, 0
	CB	c.j .Lcj_fwd
	li	a5, 1
.Lcj_fwd:
	CHECK	a5, 0, "c.j forward skips"
	li	a4, 3
	li	a5, 0
.Lcj_loop:
	addi	a5, a5, 1
	addi	a4, a4, -1
	beqz	a4, .Lcj_out
	CB	c.j .Lcj_loop
.Lcj_out:
	CHECK	a5, 3, "c.j backward loops"

	/* ---- C.BEQZ / C.BNEZ rs1', taken and not taken ---- */
	li	a4, 0
	li	a5, 0
	CB	c.beqz a4, 1f
	li	a5, 1
1:	CHECK	a5, 0, "c.beqz zero taken"
	li	a4, 0x100000000
	CB	c.beqz a4, 1f
	li	a5, 2
1:	CHECK	a5, 2, "c.beqz nonzero (high bits) not taken"
	li	a4, 0x100000000
	li	a5, 0
	CB	c.bnez a4, 1f
	li	a5, 1
1:	CHECK	a5, 0, "c.bnez nonzero taken"
	li	a4, 0
	CB	c.bnez a4, 1f
	li	a5, 3
1:	CHECK	a5, 3, "c.bnez zero not taken"
	li	a4, 4
	li	a5, 0
1:	addi	a5, a5, 2
	addi	a4, a4, -1
	CB	c.bnez a4, 1b
	CHECK	a5, 8, "c.bnez backward loop"

	/* ---- C.JR / C.JALR ---- */
	la	t0, .Lcjr_t
	li	a5, 0
	C	c.jr t0
	li	a5, 1
.Lcjr_t:
	CHECK	a5, 0, "c.jr jumps"
	la	t1, .Lcjalr_t
	C	c.jalr t1
.Lcjalr_ret:			/* the link: pc + 2 */
	FAIL_HERE "c.jalr fell through"
.Lcjalr_t:
	la	a4, .Lcjalr_ret
	CHECK_REG ra, a4, "c.jalr links pc+2"
	la	ra, .Lcjalr_t2		/* rs1 == ra: the target is read before the link */
	C	c.jalr ra
.Lcjalr_ret2:
	FAIL_HERE "c.jalr ra fell through"
.Lcjalr_t2:
	la	a4, .Lcjalr_ret2
	CHECK_REG ra, a4, "c.jalr ra jumps to old ra, links pc+2"
	la	t0, .Lcjr_ret
	call	.Lcjr_sub
	j	.Lcjr_done
.Lcjr_sub:
	C	c.jr ra			/* ret */
.Lcjr_ret:
.Lcjr_done:
	CHECK	x0, 0, "c.jr ra returns"

	TEST_END

	.data
	.balign 16
cdat:
	.word 0x80000001, 0x7fffffff
	.dword 0x8877665544332211
	.fill 28, 4, 0x7c7c7c7c		/* words 4..31: word 31 is at offset 124 */
	.rept 16			/* offsets 128..248 (.fill cannot make 8-byte values) */
	.dword 0xf8f8f8f8f8f8f8f8
	.endr
	.balign 16
sdat:
	.space 256
	.bss
	.balign 16
	.space 4096
stack_top:
	.space 1024			/* room above sp for the positive sp offsets */
