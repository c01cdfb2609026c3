/*
 * csr.S — the machine CSRs that contract start-up code touches (docs/abi.md,
 * "Memory map"): mhartid reads 0; mstatus, mtvec, mie, mip, mcause, mepc
 * read back exactly what was written (hybridvm stores them as plain 64-bit registers,
 * with no WARL masking and no side effects). Every Zicsr form is used: CSRRW CSRRS
 * CSRRC CSRRWI CSRRSI CSRRCI, including rd = x0 (no read needed), rs1 = x0 / zimm = 0
 * for CSRRS/CSRRC (read only, no write: legal even on the read-only mhartid), and
 * rd == rs1.
 *
 * INTERPRETER ONLY: qemu-user runs in user mode, where machine CSRs are illegal
 * instructions (SIGILL), so `make check` does not run this program under qemu.
 */
#include "test_macros.h"

	.option norvc

/* The full sequence of forms against one CSR. v1, v2: 64-bit values to write. */
.macro TEST_CSR csr, v1, v2
	li	a4, \v1
	csrw	\csr, a4			/* csrrw x0, csr, a4 */
	csrr	a5, \csr			/* csrrs a5, csr, x0 */
	CHECK	a5, \v1, "\csr: csrw then csrr"
	li	a4, \v2
	csrrw	a5, \csr, a4
	CHECK	a5, \v1, "\csr: csrrw returns the old value"
	csrr	a5, \csr
	CHECK	a5, \v2, "\csr: csrrw wrote"
	li	a3, 0xf0
	csrrs	a5, \csr, a3
	CHECK	a5, \v2, "\csr: csrrs returns the old value"
	csrr	a5, \csr
	CHECK	a5, (\v2) | 0xf0, "\csr: csrrs set bits"
	li	a3, 0x30
	csrrc	a5, \csr, a3
	CHECK	a5, (\v2) | 0xf0, "\csr: csrrc returns the old value"
	csrr	a5, \csr
	CHECK	a5, ((\v2) | 0xf0) & ~0x30, "\csr: csrrc cleared bits"
	csrrwi	a5, \csr, 0x1f
	CHECK	a5, ((\v2) | 0xf0) & ~0x30, "\csr: csrrwi returns the old value"
	csrr	a5, \csr
	CHECK	a5, 0x1f, "\csr: csrrwi wrote zimm"
	csrrci	a5, \csr, 0x5
	CHECK	a5, 0x1f, "\csr: csrrci returns the old value"
	csrrsi	a5, \csr, 0x0			/* zimm = 0: read only */
	CHECK	a5, 0x1a, "\csr: csrrci cleared, csrrsi 0 reads"
	csrrsi	a5, \csr, 0x10
	csrr	a5, \csr
	CHECK	a5, 0x1a, "\csr: csrrsi of set bits changes nothing"
	csrrsi	a5, \csr, 0x4
	csrrci	x0, \csr, 0x10			/* rd = x0 */
	csrr	a5, \csr
	CHECK	a5, 0x0e, "\csr: csrrsi then csrrci with rd = x0"
	csrsi	\csr, 0x11
	csrci	\csr, 0x2
	csrwi	\csr, 0x0
	csrr	a5, \csr
	CHECK	a5, 0, "\csr: csrsi csrci csrwi pseudo-instructions"
	li	a4, \v1
	csrs	\csr, a4
	csrr	a5, \csr
	CHECK	a5, \v1, "\csr: csrs from zero"
	csrc	\csr, a4
	csrr	a5, \csr
	CHECK	a5, 0, "\csr: csrc back to zero"
	li	a4, \v2
	csrw	\csr, a4
	li	a4, \v1
	csrrw	a4, \csr, a4			/* rd == rs1: swap */
	CHECK	a4, \v2, "\csr: csrrw rd==rs1 returns the old value"
	csrr	a5, \csr
	CHECK	a5, \v1, "\csr: csrrw rd==rs1 wrote the old rs1"
.endm

	TEST_BEGIN "csr"

	/* ---- mhartid: read-only, hart 0 ---- */
	li	a5, 99
	csrr	a5, mhartid
	CHECK	a5, 0, "csrr mhartid is 0"
	li	a5, 99
	csrrsi	a5, mhartid, 0
	CHECK	a5, 0, "csrrsi mhartid, 0 reads 0"
	li	a5, 99
	csrrc	a5, mhartid, x0
	CHECK	a5, 0, "csrrc mhartid, x0 reads 0"

	TEST_CSR mstatus, 0x0000000a00001888, 0x8000000000000008
	TEST_CSR mtvec, 0x0000000080300100, 0x0000000080300000
	TEST_CSR mie, 0x0000000000000888, 0x0000000000000aaa
	TEST_CSR mip, 0x0000000000000080, 0x0000000000000800
	TEST_CSR mcause, 0x8000000000000007, 0x000000000000000b
	TEST_CSR mepc, 0x0000000080300abc, 0x0000000080301000

	TEST_END
