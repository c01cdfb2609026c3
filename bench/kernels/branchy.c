/*
 * branchy — unpredictable branches: every iteration draws from an LCG and takes
 * data-dependent branches on several of its bits, the pattern that defeats branch
 * predictors and stresses a translator's block chaining. One unit = 1,000,000
 * iterations. Checksum: the four counters the branches update, mixed.
 */
#include "rt.h"

#ifndef SCALE
#define SCALE 22
#endif

int main(void) {
	uint64_t s = 0x9e3779b97f4a7c15ULL;
	uint64_t a = 0, b = 0, c = 0, d = 0;
	for (uint64_t u = 0; u < SCALE; u++) {
		for (uint32_t i = 0; i < 1000000; i++) {
			uint64_t x = rt_lcg(&s) >> 29; /* the high bits of an LCG are the random ones */
			if (x & 1)
				a += x;
			else
				b ^= x;
			if (x & 2) {
				if (x & 4)
					c += a >> 3;
				else
					c -= b & 0xff;
			} else if ((x & 0x18) == 0x18) {
				d += c;
			} else {
				d ^= x << 1;
			}
			if ((x >> 5) % 3 == 0)
				a ^= d;
		}
	}
	rt_report("branchy", SCALE, a ^ (b << 1) ^ (c << 2) ^ (d << 3));
	return 0;
}
