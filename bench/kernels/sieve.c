/*
 * sieve — sieve of Eratosthenes over a 1,000,000-byte table: byte stores in long
 * strided loops, then a counting pass. One unit = one sieve up to N (whose upper
 * bound varies a little per unit so no pass can be skipped); checksum folds the
 * prime counts and the largest prime found.
 */
#include "rt.h"

#ifndef SCALE
#define SCALE 25
#endif

#define N 1000000

static uint8_t composite[N + 1];

static uint64_t sieve(uint64_t n, uint64_t *largest) {
	for (uint64_t i = 0; i <= n; i++)
		composite[i] = 0;
	for (uint64_t p = 2; p * p <= n; p++)
		if (!composite[p])
			for (uint64_t m = p * p; m <= n; m += p)
				composite[m] = 1;
	uint64_t count = 0;
	for (uint64_t i = 2; i <= n; i++)
		if (!composite[i]) {
			count++;
			*largest = i;
		}
	return count;
}

int main(void) {
	uint64_t sum = 0;
	for (uint64_t u = 0; u < SCALE; u++) {
		uint64_t largest = 0;
		uint64_t c = sieve(N - (u % 7) * 1000, &largest);
		sum = sum * 1000003 + c * 31 + largest;
	}
	rt_report("sieve", SCALE, sum);
	return 0;
}
