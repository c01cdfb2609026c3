/*
 * calldata_scan — reads the calldata at every offset through CALLDATALOAD and
 * CALLDATACOPY and checks each against the calldata window (docs/abi.md "Memory map":
 * u64 length at 0x8000_0000, bytes from 0x8000_0008), zero-padded past the end.
 * Contract mode (SDK). Any calldata works; longer calldata = more checks.
 *
 * Checked, for every offset from 0 to len + 33 and for the offsets 2^32, 2^63 and
 * 2^64 - 1, 2^64 - 32:
 *   - CALLDATALOAD(offset) == the 32 window bytes at offset (zero past the end)
 *   - CALLDATACOPY(buf, offset, 33) == the same 33 bytes
 * and CALLDATASIZE == the window length.
 *
 * Expected: success, returning two words: the calldata length and the number of
 * checks made (2 * (len + 34 + 4) + 1). On the first mismatch it reverts with
 * Mismatch(uint256 kind, uint256 offset, uint256 got, uint256 want) (selector
 * 0xb0412732 = keccak256("Mismatch(uint256,uint256,uint256,uint256)")[:4]), where kind
 * is 1 for CALLDATALOAD, 2 for CALLDATACOPY (got/want = first differing byte index
 * and 0), 3 for CALLDATASIZE.
 */
#include "hybridvm.h"

#define ERR_MISMATCH 0xb0412732u /* Mismatch(uint256,uint256,uint256,uint256) */

static uint64_t len;
static uint64_t checks;

static uint8_t window_byte(uint64_t off) { return off < len ? hv_calldata()[off] : 0; }

static HV_NORETURN void mismatch(uint64_t kind, uint64_t off, u256 got, u256 want) {
	u256 w[4] = {u256_from_u64(kind), u256_from_u64(off), got, want};
	hv_revert_error(ERR_MISMATCH, w, 4);
}

static void check_offset(uint64_t off) {
	uint8_t want[33];
	for (int i = 0; i < 33; i++)
		want[i] = off + i < off ? 0 : window_byte(off + i); /* wrapped: past the end */
	u256 got = hv_calldataload(off);
	u256 w = u256_from_be32(want);
	if (!u256_eq(got, w))
		mismatch(1, off, got, w);
	checks++;
	uint8_t buf[33];
	for (int i = 0; i < 33; i++)
		buf[i] = 0xAA; /* must be overwritten, including the zero padding */
	hv_calldatacopy(buf, off, 33);
	for (int i = 0; i < 33; i++)
		if (buf[i] != want[i])
			mismatch(2, off, u256_from_u64((uint64_t)i), u256_zero());
	checks++;
}

int main(void) {
	len = hv_calldata_size();
	if (hv_calldatasize() != len)
		mismatch(3, 0, u256_from_u64(hv_calldatasize()), u256_from_u64(len));
	checks++;
	for (uint64_t off = 0; off <= len + 33; off++)
		check_offset(off);
	check_offset(1UL << 32);
	check_offset(1UL << 63);
	check_offset(~0UL);
	check_offset(~0UL - 31);
	uint8_t out[64];
	hv_put_u64(out, 0, len);
	hv_put_u64(out, 1, checks);
	hv_return(out, 64);
}
