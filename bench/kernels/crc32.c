/*
 * crc32 — table-driven CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320, the zlib
 * one) over a 256 KiB buffer: byte loads, table lookups, shifts. One unit = the CRC
 * of the buffer, which then overwrites the buffer's first 4 bytes. Checksum: the CRCs
 * folded together. (CRC-32 of "123456789" must be 0xCBF43926, checked at start-up.)
 */
#include "rt.h"

#ifndef SCALE
#define SCALE 140
#endif

#define BUF (256 * 1024)

static uint32_t table[256];
static uint8_t buf[BUF];

static uint32_t crc32(const uint8_t *p, uint64_t n) {
	uint32_t c = 0xFFFFFFFFu;
	for (uint64_t i = 0; i < n; i++)
		c = table[(c ^ p[i]) & 0xFF] ^ (c >> 8);
	return c ^ 0xFFFFFFFFu;
}

int main(void) {
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;
		for (int k = 0; k < 8; k++)
			c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
		table[i] = c;
	}
	if (crc32((const uint8_t *)"123456789", 9) != 0xCBF43926u)
		return 1;
	uint64_t s = 3;
	for (int i = 0; i < BUF; i++)
		buf[i] = (uint8_t)(rt_lcg(&s) >> 56);
	uint64_t sum = 0;
	for (uint64_t u = 0; u < SCALE; u++) {
		uint32_t c = crc32(buf, BUF);
		buf[0] = (uint8_t)c;
		buf[1] = (uint8_t)(c >> 8);
		buf[2] = (uint8_t)(c >> 16);
		buf[3] = (uint8_t)(c >> 24);
		sum = (sum << 7 | sum >> 57) ^ c;
	}
	rt_report("crc32", SCALE, sum);
	return 0;
}
