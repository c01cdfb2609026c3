/*
 * counter — a storage counter, Solidity-compatible ABI.
 *
 *   function increment() external;          // counter += 1 (Panic(0x11) on overflow)
 *   function get() external view returns (uint256);
 *   function set(uint256 value) external;
 *
 * Storage: slot 0 = the counter (uint256), as `uint256 counter;` would be in Solidity.
 * Non-payable (value > 0 reverts), unknown selectors and short calldata revert with
 * empty data.
 */
#include "hybridvm.h"

#define SEL_INCREMENT 0xd09de08au /* increment() */
#define SEL_GET 0x6d4ce63cu       /* get() */
#define SEL_SET 0x60fe47b1u       /* set(uint256) */

#define SLOT_COUNTER 0

int main(void) {
	hv_require_no_value();
	switch (hv_selector()) {
	case SEL_INCREMENT: {
		u256 v = hv_sload(hv_slot(SLOT_COUNTER));
		hv_sstore(hv_slot(SLOT_COUNTER), u256_add_checked(v, u256_from_u64(1)));
		hv_return(0, 0);
	}
	case SEL_GET:
		hv_return_u256(hv_sload(hv_slot(SLOT_COUNTER)));
	case SEL_SET:
		hv_sstore(hv_slot(SLOT_COUNTER), hv_arg_u256(0));
		hv_return(0, 0);
	default:
		hv_revert_empty();
	}
}
