/*
 * fib — Fibonacci numbers as uint256, two ways (a compute benchmark contract).
 *
 *   function fib(uint256 n) external pure returns (uint256);     // iterative, O(n)
 *   function fibRec(uint256 n) external pure returns (uint256);  // naive recursion, O(fib(n))
 *
 * fib(0) = 0, fib(1) = 1. Arithmetic is checked like Solidity 0.8: fib(n) for n >= 371
 * overflows uint256 and reverts with Panic(0x11). fibRec's running time grows as
 * fib(n) (fibRec(25) is about 250k calls) and its recursion depth is n, so a large n
 * either runs out of gas or overflows the 2 MiB stack into the calldata window and
 * below it (a guest fault) — both end the call as a failure.
 * No storage. Non-payable; unknown selectors and short calldata revert.
 */
#include "hybridvm.h"

#define SEL_FIB 0xc6c2ea17u    /* fib(uint256) */
#define SEL_FIBREC 0xccdc3970u /* fibRec(uint256) */

static u256 fib_iter(u256 n) {
	if (u256_is_zero(n))
		return n;
	/* b = fib(i) after each step; no addition beyond fib(n), so fib(370), the largest
	 * that fits, succeeds. n >= 2^64 would need 2^64 steps but overflows at step 371. */
	u256 a = u256_zero(), b = u256_from_u64(1), one = u256_from_u64(1);
	for (u256 i = one; u256_lt(i, n); i = u256_add(i, one, 0)) {
		u256 t = u256_add_checked(a, b);
		a = b;
		b = t;
	}
	return b;
}

/* Returns through a pointer so each level's frame stays small. */
static void fib_rec(uint64_t n, u256 *out) {
	if (n < 2) {
		*out = u256_from_u64(n);
		return;
	}
	u256 x, y;
	fib_rec(n - 1, &x);
	fib_rec(n - 2, &y);
	*out = u256_add_checked(x, y);
}

int main(void) {
	hv_require_no_value();
	switch (hv_selector()) {
	case SEL_FIB:
		hv_return_u256(fib_iter(hv_arg_u256(0)));
	case SEL_FIBREC: {
		u256 n = hv_arg_u256(0), r;
		/* n >= 2^64 would recurse 2^64 deep: out of gas or stack either way, and
		 * saturating keeps the recursion in 64-bit registers. */
		fib_rec(u256_fits_u64(n) ? n.w[0] : ~0UL, &r);
		hv_return_u256(r);
	}
	default:
		hv_revert_empty();
	}
}
