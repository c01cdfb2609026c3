/*
 * libc.c — the four memory functions gcc may call even in freestanding code
 * (struct copies, large initialisers, loops it recognises). Contracts link this file.
 *
 * The optimize attribute stops gcc from turning these loops back into calls to
 * themselves (-ftree-loop-distribute-patterns would make memset call memset).
 */
#include <stddef.h>
#include <stdint.h>

#define HV_LIBC __attribute__((optimize("no-tree-loop-distribute-patterns")))

HV_LIBC void *memcpy(void *dst, const void *src, size_t n) {
	uint8_t *d = dst;
	const uint8_t *s = src;
	if ((((uintptr_t)d | (uintptr_t)s | n) & 7) == 0) {
		for (; n; n -= 8, d += 8, s += 8)
			*(uint64_t *)d = *(const uint64_t *)s;
		return dst;
	}
	while (n--)
		*d++ = *s++;
	return dst;
}

HV_LIBC void *memmove(void *dst, const void *src, size_t n) {
	uint8_t *d = dst;
	const uint8_t *s = src;
	if (d == s || n == 0)
		return dst;
	if (d < s || d >= s + n)
		return memcpy(dst, src, n);
	while (n--) /* overlapping with d after s: copy backwards */
		d[n] = s[n];
	return dst;
}

HV_LIBC void *memset(void *dst, int c, size_t n) {
	uint8_t *d = dst;
	while (n--)
		*d++ = (uint8_t)c;
	return dst;
}

HV_LIBC int memcmp(const void *a, const void *b, size_t n) {
	const uint8_t *x = a, *y = b;
	for (; n; n--, x++, y++)
		if (*x != *y)
			return *x < *y ? -1 : 1;
	return 0;
}
