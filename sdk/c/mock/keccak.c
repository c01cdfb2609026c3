/*
 * keccak.c — Keccak-256 (the pre-FIPS padding Ethereum uses: 0x01 ... 0x80) for the
 * mock host. Written from the Keccak reference description (FIPS 202 section 3 for
 * the permutation; rate 1088 bits, capacity 512).
 */
#include <stddef.h>
#include <stdint.h>

static const uint64_t RC[24] = {
	0x0000000000000001ULL, 0x0000000000008082ULL, 0x800000000000808aULL, 0x8000000080008000ULL,
	0x000000000000808bULL, 0x0000000080000001ULL, 0x8000000080008081ULL, 0x8000000000008009ULL,
	0x000000000000008aULL, 0x0000000000000088ULL, 0x0000000080008009ULL, 0x000000008000000aULL,
	0x000000008000808bULL, 0x800000000000008bULL, 0x8000000000008089ULL, 0x8000000000008003ULL,
	0x8000000000008002ULL, 0x8000000000000080ULL, 0x000000000000800aULL, 0x800000008000000aULL,
	0x8000000080008081ULL, 0x8000000000008080ULL, 0x0000000080000001ULL, 0x8000000080008008ULL,
};
static const unsigned ROT[25] = {0, 1, 62, 28, 27, 36, 44, 6, 55, 20, 3, 10, 43, 25, 39, 41, 45, 15, 21, 8, 18, 2, 61, 56, 14};

static uint64_t rol(uint64_t x, unsigned n) { return n ? (x << n) | (x >> (64 - n)) : x; }

static void keccakf(uint64_t a[25]) {
	for (int round = 0; round < 24; round++) {
		uint64_t c[5], b[25];
		for (int x = 0; x < 5; x++)
			c[x] = a[x] ^ a[x + 5] ^ a[x + 10] ^ a[x + 15] ^ a[x + 20];
		for (int x = 0; x < 5; x++) {
			uint64_t d = c[(x + 4) % 5] ^ rol(c[(x + 1) % 5], 1);
			for (int y = 0; y < 25; y += 5)
				a[x + y] ^= d;
		}
		for (int x = 0; x < 5; x++)
			for (int y = 0; y < 5; y++)
				b[y + 5 * ((2 * x + 3 * y) % 5)] = rol(a[x + 5 * y], ROT[x + 5 * y]);
		for (int y = 0; y < 25; y += 5)
			for (int x = 0; x < 5; x++)
				a[x + y] = b[x + y] ^ (~b[(x + 1) % 5 + y] & b[(x + 2) % 5 + y]);
		a[0] ^= RC[round];
	}
}

void mock_keccak256(const uint8_t *p, uint64_t len, uint8_t out[32]) {
	uint64_t st[25] = {0};
	uint8_t block[136];
	for (;;) {
		uint64_t n = len < 136 ? len : 136;
		for (uint64_t i = 0; i < 136; i++)
			block[i] = i < n ? p[i] : 0;
		if (n < 136) { /* last block: pad10*1 with the Keccak domain byte 0x01 */
			block[n] ^= 0x01;
			block[135] ^= 0x80;
		}
		for (int i = 0; i < 17; i++) {
			uint64_t w = 0;
			for (int k = 7; k >= 0; k--)
				w = (w << 8) | block[8 * i + k];
			st[i] ^= w;
		}
		keccakf(st);
		if (n < 136)
			break;
		p += 136;
		len -= 136;
	}
	for (int i = 0; i < 32; i++)
		out[i] = (uint8_t)(st[i / 8] >> (8 * (i % 8)));
}
