/*
 * badptr — bad system-call arguments, one per mode. Contract mode (SDK).
 *
 * Calldata: one byte, the mode (empty calldata = mode 0). Modes that end in a fault
 * must fail the call (all gas consumed, state reverted) — never a host error.
 * "Static child" modes STATICCALL this same contract with the child's mode as
 * calldata, and return one 32-byte word: the STATICCALL's success flag, which must
 * be 0 (the child faults because it is static); the outer call succeeds.
 *
 *   mode  what                                              expected
 *   0x00  RETURN(0x10, 32): pointer below the arena          fault
 *   0x01  RETURN(0xBFFF_FFF0, 32): runs past the arena end   fault
 *   0x02  KECCAK256(0x1000, 32)                              fault
 *   0x03  CALLDATACOPY(dest 0x10, 0, 4)                       fault
 *   0x04  SLOAD then LOG with 5 topics                       fault
 *   0x05  static child: mode 0x06                            returns word 0
 *   0x06  SSTORE(0, 1), RETURN empty                         succeeds when not static
 *   0x07  static child: mode 0x08                            returns word 0
 *   0x08  LOG with 1 topic, RETURN empty                     succeeds when not static
 *   0x09  static child: mode 0x0A                            returns word 0
 *   0x0A  TSTORE(0, 1), RETURN empty (EIP-1153)              succeeds when not static
 *   0x0B  static child: mode 0x0C                            returns word 0
 *   0x0C  CREATE of EVM initcode 0x00 (STOP), RETURN flag    word 1 when not static
 *   0x0D  RETURNDATACOPY(buf, 0, 1) with no return data      fault (EVM rule)
 *   0x0E  ecall with unknown id t0 = 0x99                    fault
 *   0x0F  LOG topics pointer outside the arena (1 topic)     fault
 *   0x10  CALL with input pointer 0xFFFF_FFFF_FFFF_FFF0      fault
 *   0x11  RETURN_CREATE_ADDRESS to dest 0x8                  fault
 *   0x12  static child: mode 0x13                            returns word 0
 *   0x13  CALL to 0x..01 (ecrecover) with value 1            succeeds when not static
 *                                                            (if the contract has 1 wei;
 *                                                            otherwise the CALL returns 0)
 *   other REVERT with empty data
 */
#include "hybridvm.h"

static HV_NORETURN void static_child(uint8_t child_mode) {
	address self = hv_address();
	bool ok = hv_staticcall(&self, &child_mode, 1);
	hv_return_u64(ok ? 1 : 0);
}

int main(void) {
	uint8_t mode = hv_calldata_size() ? hv_calldata()[0] : 0;
	uint8_t buf[32] = {0};
	switch (mode) {
	case 0x00:
		hv_return((const void *)0x10, 32);
	case 0x01:
		hv_return((const void *)0xBFFFFFF0UL, 32);
	case 0x02:
		hv_keccak256((const void *)0x1000, 32);
		hv_return(0, 0);
	case 0x03:
		hv_calldatacopy((void *)0x10, 0, 4);
		hv_return(0, 0);
	case 0x04: {
		uint8_t topics[5 * 32] = {0};
		hv_sload(u256_zero());
		hv_log(0, 0, topics, 5);
		hv_return(0, 0);
	}
	case 0x05:
		static_child(0x06);
	case 0x06:
		hv_sstore(u256_zero(), u256_from_u64(1));
		hv_return(0, 0);
	case 0x07:
		static_child(0x08);
	case 0x08:
		hv_log(0, 0, buf, 1);
		hv_return(0, 0);
	case 0x09:
		static_child(0x0A);
	case 0x0A:
		hv_tstore(u256_zero(), u256_from_u64(1));
		hv_return(0, 0);
	case 0x0B:
		static_child(0x0C);
	case 0x0C: {
		static const uint8_t stop[1] = {0x00};
		hv_return_u64(hv_create(0, stop, 1) ? 1 : 0);
	}
	case 0x0D:
		hv_returndatacopy(buf, 0, 1);
		hv_return(0, 0);
	case 0x0E: {
		register uint64_t t0 __asm__("t0") = 0x99;
		__asm__ volatile(HV_ECALL : : "r"(t0) : HV_CLOBBERS);
		hv_return(0, 0);
	}
	case 0x0F:
		hv_log(0, 0, (const void *)0x20, 1);
		hv_return(0, 0);
	case 0x10: {
		address to = {{0}};
		to.b[19] = 4; /* the identity precompile */
		hv_call(&to, 0, (const void *)0xFFFFFFFFFFFFFFF0UL, 32);
		hv_return(0, 0);
	}
	case 0x11: {
		register uint64_t t0 __asm__("t0") = HV_SYS_RETURN_CREATE_ADDRESS;
		register uint64_t a0 __asm__("a0") = 0x8;
		__asm__ volatile(HV_ECALL : : "r"(t0), "r"(a0) : HV_CLOBBERS);
		hv_return(0, 0);
	}
	case 0x12:
		static_child(0x13);
	case 0x13: {
		address to = {{0}};
		to.b[19] = 1;
		hv_return_u64(hv_call(&to, 1, 0, 0) ? 1 : 0);
	}
	default:
		hv_revert_empty();
	}
}
