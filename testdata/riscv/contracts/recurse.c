/*
 * recurse — calls itself without bound, to exhaust the call depth (1024, as in the
 * EVM: a CALL made from a frame at depth 1024 fails). Contract mode (SDK).
 *
 * Calldata: one 32-byte word, this frame's depth d (the transaction sends 0 or empty
 * calldata). The frame CALLs itself with d + 1. If that CALL fails, it returns d as a
 * 32-byte word; if it succeeds, it returns the callee's return data unchanged. So the
 * transaction's result is the depth of the deepest frame, whose own CALL failed.
 *
 * Expected: the word 1024 when the gas suffices to get that deep — frames at depths
 * 0..1024 run (1025 frames), the CALL from depth 1024 fails on the depth limit. Each
 * frame keeps 1/64 of its gas (EIP-150) and uses about 2,000, so depth d needs
 * roughly 64 * 2000 / (63/64)^d gas at the top: about 1.3e12 for d = 1024 (measured
 * on hybridvm: 2e12 gives 1024, 1e11 gives 854, 30M gives 339). With less gas the
 * result is the depth where a CALL ran out of gas.
 * Every frame succeeds, so the transaction succeeds either way.
 */
#include "hybridvm.h"

int main(void) {
	u256 d = hv_calldata_size() >= 32 ? u256_from_be32(hv_calldata()) : u256_zero();
	uint8_t in[32];
	u256_to_be32(u256_add(d, u256_from_u64(1), 0), in);
	address self = hv_address();
	if (!hv_call(&self, 0, in, 32))
		hv_return_u256(d);
	uint64_t n = hv_returndatasize();
	uint8_t out[32];
	if (n != 32)
		hv_revert_empty(); /* a child never returns anything else */
	hv_returndatacopy(out, 0, 32);
	hv_return(out, 32);
}
