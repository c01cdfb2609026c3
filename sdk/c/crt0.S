/*
 * crt0.S — start-up code of a hybridvm RISC-V contract (runtime or deploy ELF).
 *
 * At entry every register is zero and pc is the ELF entry point (docs/abi.md, "Memory map"):
 * the contract.ld linker script puts this code first, at 0x8030_0000.
 *
 *   - sp = 0x8030_0000: the top of the stack region 0x8010_0000..0x8030_0000.
 *   - gp is not used: contracts are built with -msmall-data-limit=0 and contract.ld
 *     defines no __global_pointer$, so the linker never relaxes to gp-relative code.
 *   - .bss is NOT zeroed: the arena starts zeroed (docs/abi.md), so a zeroing loop would
 *     only burn gas.
 *   - main() is the contract's dispatcher. If it returns, the frame ends with
 *     RETURN of empty output (t0 = 0xF3, a0 = ptr, a1 = len = 0).
 */
	.section .text.init, "ax", @progbits
	.globl _start
	.type _start, @function
_start:
	li	sp, 0x80300000
	call	main
	li	t0, 0xF3	/* RETURN */
	li	a0, 0
	li	a1, 0
	ecall
	unimp		/* RETURN never comes back; if it did, fault rather than run on */
	.size _start, . - _start
