/*
 * bigreturn — RETURN / REVERT with huge lengths. Contract mode (SDK).
 * Calldata: one byte, the mode (empty = mode 0).
 *
 *   mode  what                                                 expected
 *   0x00  RETURN(0x8030_0000, 2^64 - 1): ptr + len overflows    fault
 *   0x01  RETURN(0x8030_0000, 0x3FD0_0000): everything from the
 *         ELF to the arena's end, ~1 GiB, all inside the arena  fails out of gas under
 *                                                               any realistic gas limit
 *                                                               (EVM RETURN charges memory
 *                                                               expansion: ~2.2e12 gas for
 *                                                               1 GiB); never a host crash
 *                                                               or a 1 GiB allocation
 *                                                               before the charge
 *   0x02  RETURN(0xBFFF_FFFF, 2): one byte past the arena end   fault
 *   0x03  REVERT(0x8030_0000, 2^64 - 1)                         fault
 *   0x04  RETURN(0x8000_0000, 0x4000_0000): the whole arena     as 0x01
 *   other RETURN of 32 bytes at 0x8030_0000 (the ELF's first    succeeds
 *         code bytes), as a control
 */
#include "hybridvm.h"

int main(void) {
	uint8_t mode = hv_calldata_size() ? hv_calldata()[0] : 0;
	switch (mode) {
	case 0x00:
		hv_return((const void *)HV_ELF_BASE, ~0UL);
	case 0x01:
		hv_return((const void *)HV_ELF_BASE, HV_ARENA_END - HV_ELF_BASE);
	case 0x02:
		hv_return((const void *)(HV_ARENA_END - 1), 2);
	case 0x03:
		hv_revert((const void *)HV_ELF_BASE, ~0UL);
	case 0x04:
		hv_return((const void *)HV_CALLDATA_BASE, HV_ARENA_END - HV_CALLDATA_BASE);
	default:
		hv_return((const void *)HV_ELF_BASE, 32);
	}
}
