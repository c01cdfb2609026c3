/*
 * divrem — 64-bit division and remainder (DIV, DIVU, REM, REMU) in a loop with
 * changing operands, including signed ones; divisors are never 0 (the RISC-V and x86
 * results would differ, and C leaves it undefined). One unit = 1,000,000 iterations.
 * Checksum: an accumulator of quotients and remainders.
 */
#include "rt.h"

#ifndef SCALE
#define SCALE 20
#endif

int main(void) {
	uint64_t s = 12345;
	uint64_t acc = 0;
	for (uint64_t u = 0; u < SCALE; u++) {
		for (uint32_t i = 0; i < 1000000; i++) {
			uint64_t n = rt_lcg(&s);
			uint64_t m = (n >> 40) | 1; /* 1 .. 2^24, odd */
			uint64_t q = n / m, r = n % m;
			int64_t sn = (int64_t)(n ^ acc) >> 3; /* may be negative */
			int64_t sm = (int64_t)(m - (1ULL << 23)) | 1;   /* never 0, either sign */
			int64_t sq = sn / sm, sr = sn % sm;
			acc += q ^ r ^ (uint64_t)sq ^ ((uint64_t)sr << 7);
		}
	}
	rt_report("divrem", SCALE, acc);
	return 0;
}
