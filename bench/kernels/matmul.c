/*
 * matmul — integer matrix multiply C = A x B on 96x96 matrices of uint64 (wrapping):
 * MUL, loads, strided access. One unit = one product, after which C becomes the next
 * A (so nothing can be hoisted out of the unit loop). Checksum: a weighted sum of C.
 */
#include "rt.h"

#ifndef SCALE
#define SCALE 60
#endif

#define M 96

static uint64_t A[M][M], B[M][M], C[M][M];

int main(void) {
	uint64_t s = 42;
	for (int i = 0; i < M; i++)
		for (int j = 0; j < M; j++) {
			A[i][j] = rt_lcg(&s) >> 40;
			B[i][j] = rt_lcg(&s) >> 40;
		}
	for (uint64_t u = 0; u < SCALE; u++) {
		for (int i = 0; i < M; i++)
			for (int j = 0; j < M; j++) {
				uint64_t acc = 0;
				for (int k = 0; k < M; k++)
					acc += A[i][k] * B[k][j];
				C[i][j] = acc;
			}
		for (int i = 0; i < M; i++)
			for (int j = 0; j < M; j++)
				A[i][j] = C[i][j] >> 20;
	}
	uint64_t sum = 0;
	for (int i = 0; i < M; i++)
		for (int j = 0; j < M; j++)
			sum = sum * 3 + C[i][j];
	rt_report("matmul", SCALE, sum);
	return 0;
}
