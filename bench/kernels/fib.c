/*
 * fib — recursive Fibonacci: call-heavy (JAL/JALR, stack loads and stores).
 * Unit i computes fib(24) or fib(25) (alternating; 150,049 and 242,785 calls) and
 * folds the result into the checksum.
 */
#include "rt.h"

#ifndef SCALE
#define SCALE 200
#endif

static uint64_t __attribute__((noinline)) fib(uint64_t n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

int main(void) {
	uint64_t sum = 0;
	for (uint64_t i = 0; i < SCALE; i++)
		sum = sum * 31 + fib(24 + (i & 1));
	rt_report("fib", SCALE, sum);
	return 0;
}
