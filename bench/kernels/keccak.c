/*
 * keccak — the Keccak-f[1600] permutation (FIPS 202, 3.3; the one under Ethereum's
 * keccak256): 64-bit XORs, rotates (three instructions on RV64IMAC), and a 25-word
 * state. One unit = 1000 permutations of the same state. Checksum: XOR-fold of the
 * final state. (Checked at start-up against keccak256("") = c5d2460186f7233c...,
 * computed with this permutation; a mismatch exits 1.)
 */
#include "rt.h"

#ifndef SCALE
#define SCALE 10
#endif

static const uint64_t RC[24] = {
	0x0000000000000001ULL, 0x0000000000008082ULL, 0x800000000000808aULL, 0x8000000080008000ULL,
	0x000000000000808bULL, 0x0000000080000001ULL, 0x8000000080008081ULL, 0x8000000000008009ULL,
	0x000000000000008aULL, 0x0000000000000088ULL, 0x0000000080008009ULL, 0x000000008000000aULL,
	0x000000008000808bULL, 0x800000000000008bULL, 0x8000000000008089ULL, 0x8000000000008003ULL,
	0x8000000000008002ULL, 0x8000000000000080ULL, 0x000000000000800aULL, 0x800000008000000aULL,
	0x8000000080008081ULL, 0x8000000000008080ULL, 0x0000000080000001ULL, 0x8000000080008008ULL,
};

/* Rotation offsets r[x][y] and the pi step, written out per lane index x + 5y. */
static const unsigned ROT[25] = {0, 1, 62, 28, 27, 36, 44, 6, 55, 20, 3, 10, 43, 25, 39, 41, 45, 15, 21, 8, 18, 2, 61, 56, 14};

static inline uint64_t rol(uint64_t x, unsigned n) { return n ? (x << n) | (x >> (64 - n)) : x; }

static void keccakf(uint64_t a[25]) {
	for (int round = 0; round < 24; round++) {
		uint64_t c[5], d[5], b[25];
		for (int x = 0; x < 5; x++) /* theta */
			c[x] = a[x] ^ a[x + 5] ^ a[x + 10] ^ a[x + 15] ^ a[x + 20];
		for (int x = 0; x < 5; x++)
			d[x] = c[(x + 4) % 5] ^ rol(c[(x + 1) % 5], 1);
		for (int i = 0; i < 25; i++)
			a[i] ^= d[i % 5];
		for (int x = 0; x < 5; x++) /* rho and pi: B[y, 2x+3y] = rot(A[x, y]) */
			for (int y = 0; y < 5; y++)
				b[y + 5 * ((2 * x + 3 * y) % 5)] = rol(a[x + 5 * y], ROT[x + 5 * y]);
		for (int y = 0; y < 5; y++) /* chi */
			for (int x = 0; x < 5; x++)
				a[x + 5 * y] = b[x + 5 * y] ^ (~b[(x + 1) % 5 + 5 * y] & b[(x + 2) % 5 + 5 * y]);
		a[0] ^= RC[round]; /* iota */
	}
}

int main(void) {
	/* keccak256(""): rate 136 bytes, padding 0x01 ... 0x80 in one block. */
	uint64_t st[25] = {0};
	st[0] ^= 0x01;
	st[16] ^= 0x8000000000000000ULL;
	keccakf(st);
	if (st[0] != 0x3c23f7860146d2c5ULL) /* bytes c5 d2 46 01 86 f7 23 3c, little-endian */
		return 1;
	uint64_t s = 7;
	for (int i = 0; i < 25; i++)
		st[i] = rt_lcg(&s);
	for (uint64_t u = 0; u < SCALE; u++)
		for (int k = 0; k < 1000; k++)
			keccakf(st);
	uint64_t sum = 0;
	for (int i = 0; i < 25; i++)
		sum ^= rol(st[i], (unsigned)i);
	rt_report("keccak", SCALE, sum);
	return 0;
}
