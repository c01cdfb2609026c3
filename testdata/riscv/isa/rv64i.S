/*
 * rv64i.S — self-checking test of every RV64I instruction (exec mode, qemu-compatible).
 *
 * Covered: LUI AUIPC JAL JALR BEQ BNE BLT BGE BLTU BGEU LB LH LW LBU LHU LWU LD
 * SB SH SW SD ADDI SLTI SLTIU XORI ORI ANDI SLLI SRLI SRAI ADD SUB SLL SLT SLTU
 * XOR SRL SRA OR AND FENCE (incl. FENCE.TSO) ECALL (the harness' write/exit),
 * ADDIW SLLIW SRLIW SRAIW ADDW SUBW SLLW SRLW SRAW.
 * Shifts by 0, 31, 32, 63 and by amounts above the field width (only the low 6 / 5
 * bits count), sign extension of every W result and of loads, writes to x0 being
 * ignored, branches taken and not taken (forward and backward), JALR clearing bit 0
 * of the target and JALR with rd == rs1.
 *
 * Everything is assembled without compressed forms (.option norvc): rv64c.S covers
 * those. Expected values follow the RISC-V unprivileged spec (20191213), chapters 2
 * and 5. Operands in a3/a4, results in a5 (see test_macros.h for the harness).
 */
#include "test_macros.h"

	.option norvc

/* TEST_RR op, a, b, result, name:  op a5, a3, a4 with a3 = a, a4 = b. */
.macro TEST_RR op, a, b, res, name
	li	a3, \a
	li	a4, \b
	\op	a5, a3, a4
	CHECK	a5, \res, "\name"
.endm

/* TEST_RI op, a, imm, result, name:  op a5, a3, imm with a3 = a. */
.macro TEST_RI op, a, imm, res, name
	li	a3, \a
	\op	a5, a3, \imm
	CHECK	a5, \res, "\name"
.endm

/* TEST_BR op, a, b, taken (0/1), name: a conditional branch forward. */
.macro TEST_BR op, a, b, taken, name
	li	a3, \a
	li	a4, \b
	li	a5, 0
	\op	a3, a4, .Lbr_taken\@
	li	a5, 2		/* fall-through path */
	j	.Lbr_done\@
.Lbr_taken\@:
	li	a5, 1		/* taken path */
.Lbr_done\@:
	CHECK	a5, (2 - \taken), "\name"
.endm

	TEST_BEGIN "rv64i"

	/* ---- LUI: imm << 12, sign-extended from bit 31 ---- */
	lui	a5, 0x12345
	CHECK	a5, 0x12345000, "lui 0x12345"
	lui	a5, 0x80000
	CHECK	a5, 0xffffffff80000000, "lui 0x80000 sign-extends"
	lui	a5, 0xfffff
	CHECK	a5, 0xfffffffffffff000, "lui 0xfffff"
	lui	a5, 0x7ffff
	CHECK	a5, 0x7ffff000, "lui 0x7ffff"
	lui	a5, 0
	CHECK	a5, 0, "lui 0"

	/* ---- AUIPC: pc + (imm << 12) ---- */
.Lauipc0:
	auipc	a5, 0
	la	a4, .Lauipc0
	CHECK_REG a5, a4, "auipc 0 is its own pc"
.Lauipc1:
	auipc	a5, 1
	la	a4, .Lauipc1
	li	a3, 0x1000
	add	a4, a4, a3
	CHECK_REG a5, a4, "auipc 1 is pc+4096"
.Lauipc2:
	auipc	a5, 0xfffff
	la	a4, .Lauipc2
	li	a3, -0x1000
	add	a4, a4, a3
	CHECK_REG a5, a4, "auipc 0xfffff is pc-4096"

	/* ---- writes to x0 are ignored, reads of x0 give 0 ---- */
	li	a3, 5
	la	a4, tdat
	addi	x0, a3, 1
	CHECK	x0, 0, "addi to x0 ignored"
	lui	x0, 0x12345
	CHECK	x0, 0, "lui to x0 ignored"
	auipc	x0, 1
	CHECK	x0, 0, "auipc to x0 ignored"
	add	x0, a3, a3
	CHECK	x0, 0, "add to x0 ignored"
	addw	x0, a3, a3
	CHECK	x0, 0, "addw to x0 ignored"
	slli	x0, a3, 3
	CHECK	x0, 0, "slli to x0 ignored"
	ld	x0, 0(a4)
	CHECK	x0, 0, "ld to x0 ignored"
	lb	x0, 0(a4)
	CHECK	x0, 0, "lb to x0 ignored"
	jal	x0, 1f
1:	CHECK	x0, 0, "jal to x0 ignored"
	la	a3, 2f
	jalr	x0, 0(a3)
2:	CHECK	x0, 0, "jalr to x0 ignored"
	add	a5, x0, x0
	CHECK	a5, 0, "x0 + x0 is 0"
	li	a3, 7
	sub	a5, x0, a3
	CHECK	a5, -7, "x0 - 7 is -7"

	/* ---- rd == rs1 == rs2 ---- */
	li	a3, 21
	add	a3, a3, a3
	CHECK	a3, 42, "add rd==rs1==rs2"
	li	a3, 0x80000000
	addw	a3, a3, a3
	CHECK	a3, 0, "addw rd==rs1==rs2 wraps"
	li	a3, 3
	sll	a3, a3, a3
	CHECK	a3, 24, "sll rd==rs1==rs2"
	li	a3, -1
	sltu	a3, a3, a3
	CHECK	a3, 0, "sltu rd==rs1==rs2"
	li	a3, 100
	addi	a3, a3, -1
	CHECK	a3, 99, "addi rd==rs1"

	/* ---- register-register ALU ---- */
	TEST_RR add, 0x0000000000000001, 0x0000000000000001, 0x0000000000000002, "add 1,1"
	TEST_RR add, 0xffffffffffffffff, 0x0000000000000001, 0x0000000000000000, "add -1,1"
	TEST_RR add, 0x7fffffffffffffff, 0x0000000000000001, 0x8000000000000000, "add 0x7fffffffffffffff,1"
	TEST_RR add, 0x8000000000000000, 0xffffffffffffffff, 0x7fffffffffffffff, "add 0x8000000000000000,-1"
	TEST_RR add, 0x123456789abcdef0, 0x0fedcba987654321, 0x2222222222222211, "add 0x123456789abcdef0,0xfedcba987654321"
	TEST_RR add, 0x00000000ffffffff, 0x0000000000000001, 0x0000000100000000, "add 0xffffffff,1"
	TEST_RR sub, 0x0000000000000001, 0x0000000000000001, 0x0000000000000000, "sub 1,1"
	TEST_RR sub, 0x0000000000000000, 0x0000000000000001, 0xffffffffffffffff, "sub 0,1"
	TEST_RR sub, 0x8000000000000000, 0x0000000000000001, 0x7fffffffffffffff, "sub 0x8000000000000000,1"
	TEST_RR sub, 0x7fffffffffffffff, 0xffffffffffffffff, 0x8000000000000000, "sub 0x7fffffffffffffff,-1"
	TEST_RR sub, 0x123456789abcdef0, 0x0fedcba987654321, 0x02468acf13579bcf, "sub 0x123456789abcdef0,0xfedcba987654321"
	TEST_RR slt, 0x0000000000000001, 0x0000000000000002, 0x0000000000000001, "slt 1,2"
	TEST_RR slt, 0x0000000000000002, 0x0000000000000001, 0x0000000000000000, "slt 2,1"
	TEST_RR slt, 0xffffffffffffffff, 0x0000000000000001, 0x0000000000000001, "slt -1,1"
	TEST_RR slt, 0x0000000000000001, 0xffffffffffffffff, 0x0000000000000000, "slt 1,-1"
	TEST_RR slt, 0x8000000000000000, 0x7fffffffffffffff, 0x0000000000000001, "slt 0x8000000000000000,0x7fffffffffffffff"
	TEST_RR slt, 0x0000000000000005, 0x0000000000000005, 0x0000000000000000, "slt 5,5"
	TEST_RR sltu, 0x0000000000000001, 0x0000000000000002, 0x0000000000000001, "sltu 1,2"
	TEST_RR sltu, 0x0000000000000002, 0x0000000000000001, 0x0000000000000000, "sltu 2,1"
	TEST_RR sltu, 0xffffffffffffffff, 0x0000000000000001, 0x0000000000000000, "sltu -1,1"
	TEST_RR sltu, 0x0000000000000001, 0xffffffffffffffff, 0x0000000000000001, "sltu 1,-1"
	TEST_RR sltu, 0x0000000000000000, 0x0000000000000000, 0x0000000000000000, "sltu 0,0"
	TEST_RR sltu, 0x0000000000000000, 0x0000000000000001, 0x0000000000000001, "sltu 0,1"
	TEST_RR xor, 0xff00ff00ff00ff00, 0x0ff00ff00ff00ff0, 0xf0f0f0f0f0f0f0f0, "xor 0xff00ff00ff00ff00,0xff00ff00ff00ff0"
	TEST_RR xor, 0xffffffffffffffff, 0x123456789abcdef0, 0xedcba9876543210f, "xor -1,0x123456789abcdef0"
	TEST_RR or, 0xff00ff00ff00ff00, 0x0ff00ff00ff00ff0, 0xfff0fff0fff0fff0, "or 0xff00ff00ff00ff00,0xff00ff00ff00ff0"
	TEST_RR or, 0x0000000000000000, 0x0000000000000000, 0x0000000000000000, "or 0,0"
	TEST_RR and, 0xff00ff00ff00ff00, 0x0ff00ff00ff00ff0, 0x0f000f000f000f00, "and 0xff00ff00ff00ff00,0xff00ff00ff00ff0"
	TEST_RR and, 0xffffffffffffffff, 0x123456789abcdef0, 0x123456789abcdef0, "and -1,0x123456789abcdef0"
	TEST_RR sll, 0x0000000000000001, 0x0000000000000000, 0x0000000000000001, "sll 1,0"
	TEST_RR sll, 0x0000000000000001, 0x000000000000001f, 0x0000000080000000, "sll 1,31"
	TEST_RR sll, 0x0000000000000001, 0x0000000000000020, 0x0000000100000000, "sll 1,32"
	TEST_RR sll, 0x0000000000000001, 0x000000000000003f, 0x8000000000000000, "sll 1,63"
	TEST_RR sll, 0x123456789abcdef0, 0x0000000000000004, 0x23456789abcdef00, "sll 0x123456789abcdef0,4"
	TEST_RR sll, 0x0000000000000001, 0x0000000000000043, 0x0000000000000008, "sll 1,67"
	TEST_RR sll, 0xffffffffffffffff, 0x000000000000003f, 0x8000000000000000, "sll -1,63"
	TEST_RR srl, 0x8000000000000000, 0x0000000000000000, 0x8000000000000000, "srl 0x8000000000000000,0"
	TEST_RR srl, 0x8000000000000000, 0x000000000000001f, 0x0000000100000000, "srl 0x8000000000000000,31"
	TEST_RR srl, 0x8000000000000000, 0x0000000000000020, 0x0000000080000000, "srl 0x8000000000000000,32"
	TEST_RR srl, 0x8000000000000000, 0x000000000000003f, 0x0000000000000001, "srl 0x8000000000000000,63"
	TEST_RR srl, 0xffffffffffffffff, 0x000000000000007c, 0x000000000000000f, "srl -1,124"
	TEST_RR srl, 0x123456789abcdef0, 0x0000000000000004, 0x0123456789abcdef, "srl 0x123456789abcdef0,4"
	TEST_RR sra, 0x8000000000000000, 0x0000000000000000, 0x8000000000000000, "sra 0x8000000000000000,0"
	TEST_RR sra, 0x8000000000000000, 0x000000000000001f, 0xffffffff00000000, "sra 0x8000000000000000,31"
	TEST_RR sra, 0x8000000000000000, 0x0000000000000020, 0xffffffff80000000, "sra 0x8000000000000000,32"
	TEST_RR sra, 0x8000000000000000, 0x000000000000003f, 0xffffffffffffffff, "sra 0x8000000000000000,63"
	TEST_RR sra, 0x7fffffffffffffff, 0x000000000000003f, 0x0000000000000000, "sra 0x7fffffffffffffff,63"
	TEST_RR sra, 0xffffffffffffff00, 0x0000000000000044, 0xfffffffffffffff0, "sra -256,68"
	TEST_RR sra, 0x123456789abcdef0, 0x0000000000000004, 0x0123456789abcdef, "sra 0x123456789abcdef0,4"
	TEST_RR addw, 0x0000000000000001, 0x0000000000000001, 0x0000000000000002, "addw 1,1"
	TEST_RR addw, 0x000000007fffffff, 0x0000000000000001, 0xffffffff80000000, "addw 0x7fffffff,1"
	TEST_RR addw, 0x00000000ffffffff, 0x0000000000000001, 0x0000000000000000, "addw 0xffffffff,1"
	TEST_RR addw, 0x123456789abcdef0, 0x0000000011111111, 0xffffffffabcdf001, "addw 0x123456789abcdef0,0x11111111"
	TEST_RR addw, 0xffffffff80000000, 0xffffffffffffffff, 0x000000007fffffff, "addw 0xffffffff80000000,-1"
	TEST_RR addw, 0x0000000100000000, 0x0000000000000000, 0x0000000000000000, "addw 0x100000000,0"
	TEST_RR subw, 0x0000000000000000, 0x0000000000000001, 0xffffffffffffffff, "subw 0,1"
	TEST_RR subw, 0xffffffff80000000, 0x0000000000000001, 0x000000007fffffff, "subw 0xffffffff80000000,1"
	TEST_RR subw, 0x123456789abcdef0, 0x0000000011111111, 0xffffffff89abcddf, "subw 0x123456789abcdef0,0x11111111"
	TEST_RR subw, 0x0000000100000000, 0x0000000000000000, 0x0000000000000000, "subw 0x100000000,0"
	TEST_RR sllw, 0x0000000000000001, 0x0000000000000000, 0x0000000000000001, "sllw 1,0"
	TEST_RR sllw, 0x0000000000000001, 0x000000000000001f, 0xffffffff80000000, "sllw 1,31"
	TEST_RR sllw, 0x0000000000000001, 0x0000000000000020, 0x0000000000000001, "sllw 1,32"
	TEST_RR sllw, 0x0000000000000001, 0x000000000000003f, 0xffffffff80000000, "sllw 1,63"
	TEST_RR sllw, 0x0000000012345678, 0x0000000000000004, 0x0000000023456780, "sllw 0x12345678,4"
	TEST_RR sllw, 0xffffffff00000001, 0x0000000000000001, 0x0000000000000002, "sllw 0xffffffff00000001,1"
	TEST_RR sllw, 0x0000000040000000, 0x0000000000000001, 0xffffffff80000000, "sllw 0x40000000,1"
	TEST_RR srlw, 0xffffffff80000000, 0x0000000000000000, 0xffffffff80000000, "srlw 0xffffffff80000000,0"
	TEST_RR srlw, 0x0000000080000000, 0x000000000000001f, 0x0000000000000001, "srlw 0x80000000,31"
	TEST_RR srlw, 0x0000000080000000, 0x0000000000000020, 0xffffffff80000000, "srlw 0x80000000,32"
	TEST_RR srlw, 0xffffffff80000000, 0x0000000000000001, 0x0000000040000000, "srlw 0xffffffff80000000,1"
	TEST_RR srlw, 0xffffffffffffffff, 0x000000000000003f, 0x0000000000000001, "srlw -1,63"
	TEST_RR srlw, 0x123456789abcdef0, 0x0000000000000004, 0x0000000009abcdef, "srlw 0x123456789abcdef0,4"
	TEST_RR sraw, 0x0000000080000000, 0x0000000000000000, 0xffffffff80000000, "sraw 0x80000000,0"
	TEST_RR sraw, 0x0000000080000000, 0x000000000000001f, 0xffffffffffffffff, "sraw 0x80000000,31"
	TEST_RR sraw, 0x0000000080000000, 0x0000000000000020, 0xffffffff80000000, "sraw 0x80000000,32"
	TEST_RR sraw, 0x0000000080000000, 0x0000000000000001, 0xffffffffc0000000, "sraw 0x80000000,1"
	TEST_RR sraw, 0x000000007fffffff, 0x000000000000001f, 0x0000000000000000, "sraw 0x7fffffff,31"
	TEST_RR sraw, 0xfedcba9876543210, 0x0000000000000004, 0x0000000007654321, "sraw 0xfedcba9876543210,4"
	TEST_RR sraw, 0x123456789abcdef0, 0x0000000000000004, 0xfffffffff9abcdef, "sraw 0x123456789abcdef0,4"
	/* ---- register-immediate ALU ---- */
	TEST_RI addi, 0x0000000000000001, 1, 0x0000000000000002, "addi 1,1"
	TEST_RI addi, 0x0000000000000000, -1, 0xffffffffffffffff, "addi 0,-1"
	TEST_RI addi, 0x7fffffffffffffff, 1, 0x8000000000000000, "addi 0x7fffffffffffffff,1"
	TEST_RI addi, 0x0000000000000005, -2048, 0xfffffffffffff805, "addi 5,-2048"
	TEST_RI addi, 0x0000000000000005, 2047, 0x0000000000000804, "addi 5,2047"
	TEST_RI addi, 0x8000000000000000, -1, 0x7fffffffffffffff, "addi 0x8000000000000000,-1"
	TEST_RI slti, 0x0000000000000001, 2, 0x0000000000000001, "slti 1,2"
	TEST_RI slti, 0x0000000000000002, 1, 0x0000000000000000, "slti 2,1"
	TEST_RI slti, 0xffffffffffffffff, 0, 0x0000000000000001, "slti -1,0"
	TEST_RI slti, 0x0000000000000000, -1, 0x0000000000000000, "slti 0,-1"
	TEST_RI slti, 0x8000000000000000, -2048, 0x0000000000000001, "slti 0x8000000000000000,-2048"
	TEST_RI slti, 0x00000000000007ff, 2047, 0x0000000000000000, "slti 2047,2047"
	TEST_RI sltiu, 0x0000000000000001, 2, 0x0000000000000001, "sltiu 1,2"
	TEST_RI sltiu, 0x0000000000000002, 1, 0x0000000000000000, "sltiu 2,1"
	TEST_RI sltiu, 0x0000000000000000, -1, 0x0000000000000001, "sltiu 0,-1"
	TEST_RI sltiu, 0xffffffffffffffff, -1, 0x0000000000000000, "sltiu -1,-1"
	TEST_RI sltiu, 0xfffffffffffffffe, -1, 0x0000000000000001, "sltiu -2,-1"
	TEST_RI sltiu, 0x0000000000000000, 1, 0x0000000000000001, "sltiu 0,1"
	TEST_RI xori, 0x123456789abcdef0, -1, 0xedcba9876543210f, "xori 0x123456789abcdef0,-1"
	TEST_RI xori, 0x00000000000000ff, 240, 0x000000000000000f, "xori 255,240"
	TEST_RI xori, 0x123456789abcdef0, 2047, 0x123456789abcd90f, "xori 0x123456789abcdef0,2047"
	TEST_RI ori, 0x123456789abcdef0, -2048, 0xfffffffffffffef0, "ori 0x123456789abcdef0,-2048"
	TEST_RI ori, 0x0000000000000f00, 255, 0x0000000000000fff, "ori 3840,255"
	TEST_RI andi, 0x123456789abcdef0, -16, 0x123456789abcdef0, "andi 0x123456789abcdef0,-16"
	TEST_RI andi, 0x123456789abcdef0, 2047, 0x00000000000006f0, "andi 0x123456789abcdef0,2047"
	TEST_RI andi, 0xffffffffffffffff, 0, 0x0000000000000000, "andi -1,0"
	TEST_RI slli, 0x0000000000000001, 0, 0x0000000000000001, "slli 1,0"
	TEST_RI slli, 0x0000000000000001, 31, 0x0000000080000000, "slli 1,31"
	TEST_RI slli, 0x0000000000000001, 32, 0x0000000100000000, "slli 1,32"
	TEST_RI slli, 0x0000000000000001, 63, 0x8000000000000000, "slli 1,63"
	TEST_RI slli, 0x123456789abcdef0, 4, 0x23456789abcdef00, "slli 0x123456789abcdef0,4"
	TEST_RI srli, 0xffffffffffffffff, 0, 0xffffffffffffffff, "srli -1,0"
	TEST_RI srli, 0xffffffffffffffff, 31, 0x00000001ffffffff, "srli -1,31"
	TEST_RI srli, 0xffffffffffffffff, 32, 0x00000000ffffffff, "srli -1,32"
	TEST_RI srli, 0xffffffffffffffff, 63, 0x0000000000000001, "srli -1,63"
	TEST_RI srli, 0x123456789abcdef0, 4, 0x0123456789abcdef, "srli 0x123456789abcdef0,4"
	TEST_RI srai, 0x8000000000000000, 0, 0x8000000000000000, "srai 0x8000000000000000,0"
	TEST_RI srai, 0x8000000000000000, 31, 0xffffffff00000000, "srai 0x8000000000000000,31"
	TEST_RI srai, 0x8000000000000000, 32, 0xffffffff80000000, "srai 0x8000000000000000,32"
	TEST_RI srai, 0x8000000000000000, 63, 0xffffffffffffffff, "srai 0x8000000000000000,63"
	TEST_RI srai, 0x7fffffffffffffff, 63, 0x0000000000000000, "srai 0x7fffffffffffffff,63"
	TEST_RI srai, 0x123456789abcdef0, 4, 0x0123456789abcdef, "srai 0x123456789abcdef0,4"
	TEST_RI addiw, 0x0000000000000001, 1, 0x0000000000000002, "addiw 1,1"
	TEST_RI addiw, 0x000000007fffffff, 1, 0xffffffff80000000, "addiw 0x7fffffff,1"
	TEST_RI addiw, 0x00000000ffffffff, 1, 0x0000000000000000, "addiw 0xffffffff,1"
	TEST_RI addiw, 0x123456789abcdef0, 0, 0xffffffff9abcdef0, "addiw 0x123456789abcdef0,0"
	TEST_RI addiw, 0xffffffff80000000, -1, 0x000000007fffffff, "addiw 0xffffffff80000000,-1"
	TEST_RI addiw, 0x0000000100000000, -1, 0xffffffffffffffff, "addiw 0x100000000,-1"
	TEST_RI addiw, 0x000000007ffff800, 2047, 0x000000007fffffff, "addiw 0x7ffff800,2047"
	TEST_RI slliw, 0x0000000000000001, 0, 0x0000000000000001, "slliw 1,0"
	TEST_RI slliw, 0x0000000000000001, 31, 0xffffffff80000000, "slliw 1,31"
	TEST_RI slliw, 0x0000000012345678, 4, 0x0000000023456780, "slliw 0x12345678,4"
	TEST_RI slliw, 0xffffffff00000001, 1, 0x0000000000000002, "slliw 0xffffffff00000001,1"
	TEST_RI slliw, 0x0000000040000000, 1, 0xffffffff80000000, "slliw 0x40000000,1"
	TEST_RI slliw, 0xffffffffffffffff, 31, 0xffffffff80000000, "slliw -1,31"
	TEST_RI srliw, 0xffffffffffffffff, 0, 0xffffffffffffffff, "srliw -1,0"
	TEST_RI srliw, 0xffffffffffffffff, 31, 0x0000000000000001, "srliw -1,31"
	TEST_RI srliw, 0x0000000080000000, 1, 0x0000000040000000, "srliw 0x80000000,1"
	TEST_RI srliw, 0xffffffff80000000, 1, 0x0000000040000000, "srliw 0xffffffff80000000,1"
	TEST_RI srliw, 0x123456789abcdef0, 4, 0x0000000009abcdef, "srliw 0x123456789abcdef0,4"
	TEST_RI srliw, 0x0000000080000000, 31, 0x0000000000000001, "srliw 0x80000000,31"
	TEST_RI sraiw, 0x0000000080000000, 0, 0xffffffff80000000, "sraiw 0x80000000,0"
	TEST_RI sraiw, 0x0000000080000000, 31, 0xffffffffffffffff, "sraiw 0x80000000,31"
	TEST_RI sraiw, 0x0000000080000000, 1, 0xffffffffc0000000, "sraiw 0x80000000,1"
	TEST_RI sraiw, 0x000000007fffffff, 31, 0x0000000000000000, "sraiw 0x7fffffff,31"
	TEST_RI sraiw, 0xfedcba9876543210, 4, 0x0000000007654321, "sraiw 0xfedcba9876543210,4"
	TEST_RI sraiw, 0x123456789abcdef0, 4, 0xfffffffff9abcdef, "sraiw 0x123456789abcdef0,4"

	/* ---- loads: sign and zero extension, positive and negative offsets ---- */
	/* tdat: bytes 87 96 a5 b4 c3 d2 e1 f0  ef cd ab 89 67 45 23 01 */
	la	a3, tdat
	lb	a5, 0(a3)
	CHECK	a5, 0xffffffffffffff87, "lb sign-extends"
	lbu	a5, 0(a3)
	CHECK	a5, 0x87, "lbu zero-extends"
	lb	a5, 15(a3)
	CHECK	a5, 0x01, "lb positive"
	lh	a5, 0(a3)
	CHECK	a5, 0xffffffffffff9687, "lh sign-extends"
	lhu	a5, 0(a3)
	CHECK	a5, 0x9687, "lhu zero-extends"
	lh	a5, 14(a3)
	CHECK	a5, 0x0123, "lh positive"
	lw	a5, 0(a3)
	CHECK	a5, 0xffffffffb4a59687, "lw sign-extends"
	lwu	a5, 0(a3)
	CHECK	a5, 0xb4a59687, "lwu zero-extends"
	lw	a5, 12(a3)
	CHECK	a5, 0x01234567, "lw positive"
	lwu	a5, 12(a3)
	CHECK	a5, 0x01234567, "lwu positive"
	ld	a5, 0(a3)
	CHECK	a5, 0xf0e1d2c3b4a59687, "ld 0"
	ld	a5, 8(a3)
	CHECK	a5, 0x0123456789abcdef, "ld 8"
	addi	a4, a3, 16
	ld	a5, -16(a4)
	CHECK	a5, 0xf0e1d2c3b4a59687, "ld negative offset"
	lb	a5, -9(a4)
	CHECK	a5, 0xfffffffffffffff0, "lb negative offset"
	lhu	a5, -4(a4)
	CHECK	a5, 0x4567, "lhu negative offset"
	lw	a5, -8(a4)
	CHECK	a5, 0xffffffff89abcdef, "lw negative offset"
	la	a4, tdat_far
	ld	a5, -2024(a4)
	CHECK	a5, 0x1111222233334444, "ld offset -2024"
	la	a4, tdat
	addi	a4, a4, 2047
	addi	a4, a4, 1
	ld	a5, -2048(a4)
	CHECK	a5, 0xf0e1d2c3b4a59687, "ld offset -2048"
	la	a4, tdat_far - 2040
	ld	a5, 2040(a4)
	CHECK	a5, 0x5555666677778888, "ld offset +2040"

	/* ---- stores: each width writes exactly its bytes ---- */
	la	a3, sdat
	li	a4, 0x1122334455667788
	sd	a4, 0(a3)
	ld	a5, 0(a3)
	CHECK	a5, 0x1122334455667788, "sd then ld"
	li	a4, 0xaabbccddeeff0099
	sb	a4, 0(a3)
	ld	a5, 0(a3)
	CHECK	a5, 0x1122334455667799, "sb writes one byte"
	sh	a4, 2(a3)
	ld	a5, 0(a3)
	CHECK	a5, 0x1122334400997799, "sh writes two bytes"
	sw	a4, 4(a3)
	ld	a5, 0(a3)
	CHECK	a5, 0xeeff009900997799, "sw writes four bytes"
	ld	a5, 8(a3)
	CHECK	a5, 0, "stores do not spill into the next word"
	addi	a2, a3, 24
	sd	a4, -8(a2)
	ld	a5, 16(a3)
	CHECK	a5, 0xaabbccddeeff0099, "sd negative offset"
	sb	x0, -1(a2)
	ld	a5, 16(a3)
	CHECK	a5, 0x00bbccddeeff0099, "sb x0 negative offset"
	sh	a4, 6(a2)
	lh	a5, 6(a2)
	CHECK	a5, 0x0099, "sh then lh"
	li	a4, 0x8000
	sh	a4, 6(a2)
	lh	a5, 6(a2)
	CHECK	a5, 0xffffffffffff8000, "sh then lh sign-extends"

	/* ---- conditional branches, taken and not taken ---- */
	TEST_BR beq, 5, 5, 1, "beq equal taken"
	TEST_BR beq, 5, 6, 0, "beq unequal not taken"
	TEST_BR beq, -1, 0xffffffff, 0, "beq compares 64 bits"
	TEST_BR bne, 5, 6, 1, "bne unequal taken"
	TEST_BR bne, 5, 5, 0, "bne equal not taken"
	TEST_BR blt, -1, 1, 1, "blt -1<1 taken"
	TEST_BR blt, 1, -1, 0, "blt 1<-1 not taken"
	TEST_BR blt, 3, 3, 0, "blt equal not taken"
	TEST_BR blt, 0x8000000000000000, 0x7fffffffffffffff, 1, "blt min<max taken"
	TEST_BR bge, 1, -1, 1, "bge 1>=-1 taken"
	TEST_BR bge, 3, 3, 1, "bge equal taken"
	TEST_BR bge, -1, 1, 0, "bge -1>=1 not taken"
	TEST_BR bltu, 1, -1, 1, "bltu 1<0xff..ff taken"
	TEST_BR bltu, -1, 1, 0, "bltu 0xff..ff<1 not taken"
	TEST_BR bltu, 3, 3, 0, "bltu equal not taken"
	TEST_BR bgeu, -1, 1, 1, "bgeu 0xff..ff>=1 taken"
	TEST_BR bgeu, 3, 3, 1, "bgeu equal taken"
	TEST_BR bgeu, 1, -1, 0, "bgeu 1>=0xff..ff not taken"
	TEST_BR bgeu, 0, 0, 1, "bgeu 0>=0 taken"

	/* backward branches: a counted loop */
	li	a3, 10
	li	a5, 0
1:	addi	a5, a5, 3
	addi	a3, a3, -1
	bnez	a3, 1b
	CHECK	a5, 30, "backward bne loop runs 10 times"
	li	a3, -5
	li	a5, 0
1:	addi	a5, a5, 1
	addi	a3, a3, 1
	blt	a3, x0, 1b
	CHECK	a5, 5, "backward blt loop runs 5 times"
	li	a3, 0
	li	a4, 4
	li	a5, 0
1:	addi	a5, a5, 2
	addi	a3, a3, 1
	bltu	a3, a4, 1b
	CHECK	a5, 8, "backward bltu loop runs 4 times"

	/* ---- JAL: link = pc + 4, jumps forward and backward ---- */
	jal	a5, .Ljal_fwd
.Ljal_ret:
	FAIL_HERE "jal fell through"
.Ljal_fwd:
	la	a4, .Ljal_ret
	CHECK_REG a5, a4, "jal links pc+4"
	j	.Ljal_back_start
.Ljal_back:
	la	a4, .Ljal_back_ret
	CHECK_REG ra, a4, "backward jal links pc+4"
	j	.Ljal_back_done
.Ljal_back_start:
	jal	ra, .Ljal_back
.Ljal_back_ret:
	FAIL_HERE "backward jal fell through"
.Ljal_back_done:

	/* ---- JALR: target = (rs1 + imm) & ~1, link = pc + 4 ---- */
	la	a3, .Ljalr_t1
	jalr	a5, 0(a3)
.Ljalr_r1:
	FAIL_HERE "jalr fell through"
.Ljalr_t1:
	la	a4, .Ljalr_r1
	CHECK_REG a5, a4, "jalr links pc+4"

	la	a3, .Ljalr_t2
	addi	a3, a3, 1	/* odd target: bit 0 is cleared */
	jalr	a5, 0(a3)
.Ljalr_r2:
	FAIL_HERE "jalr odd register target fell through"
.Ljalr_t2:
	la	a4, .Ljalr_r2
	CHECK_REG a5, a4, "jalr clears bit 0 of rs1"

	la	a3, .Ljalr_t3
	jalr	a5, 1(a3)	/* odd through the immediate */
.Ljalr_r3:
	FAIL_HERE "jalr odd immediate target fell through"
.Ljalr_t3:
	la	a4, .Ljalr_r3
	CHECK_REG a5, a4, "jalr clears bit 0 of rs1+imm"

	la	a3, .Ljalr_t4 + 16
	jalr	a5, -16(a3)
.Ljalr_r4:
	FAIL_HERE "jalr negative offset fell through"
.Ljalr_t4:
	la	a4, .Ljalr_r4
	CHECK_REG a5, a4, "jalr negative offset"

	la	a5, .Ljalr_t5
	jalr	a5, 0(a5)	/* rd == rs1: the target is read before the link is written */
.Ljalr_r5:
	FAIL_HERE "jalr rd==rs1 fell through"
.Ljalr_t5:
	la	a4, .Ljalr_r5
	CHECK_REG a5, a4, "jalr rd==rs1 jumps to old rs1, links pc+4"

	/* call / ret through jalr ra */
	li	a5, 0
	call	.Lsub_add7
	CHECK	a5, 7, "call and ret"
	j	.Lsub_done
.Lsub_add7:
	addi	a5, a5, 7
	ret
.Lsub_done:

	/* ---- FENCE (no-ops on one hart) ---- */
	li	a5, 0x55
	fence
	fence	rw, rw
	fence	iorw, iorw
	fence	r, w
	fence.tso
	CHECK	a5, 0x55, "fence variants execute as no-ops"

	TEST_END

	.data
	.balign 16
tdat:
	.dword 0xf0e1d2c3b4a59687
	.dword 0x0123456789abcdef
	.dword 0x1111222233334444
	.space 2040 - 24
tdat_far:
	.dword 0x5555666677778888
	.balign 16
sdat:
	.space 48
