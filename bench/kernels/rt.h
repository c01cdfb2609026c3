/*
 * rt.h — the tiny runtime shared by the benchmark kernels.
 *
 * Every kernel is one C file that builds two ways:
 *   natively:  gcc -O2 kernel.c                     (hosted: libc's write and exit)
 *   RISC-V:    riscv64-unknown-elf-gcc -O2 -march=rv64imac -mabi=lp64 -ffreestanding
 *              -nostdlib -nostartfiles -static kernel.c -lgcc
 *              (exec mode, docs/abi.md "Exec mode": this file provides _start,
 *              write and exit as Linux ecalls, and the memory functions gcc may call)
 * and prints one line, "<kernel> scale=<S> checksum=0x<16 hex digits>", that must be
 * identical both ways (and on every hybridvm engine). Arithmetic is on fixed-width
 * types with no undefined behaviour (no signed overflow, no division by zero); the few
 * implementation-defined operations (arithmetic right shift of a negative value,
 * unsigned-to-signed conversion) behave the same in both gccs.
 *
 * SCALE (-DSCALE=N) is the number of work units; each kernel's default makes the
 * RISC-V build run roughly 200-600 million instructions, and -DSCALE=1 gives a tiny
 * run for tests.
 */
#ifndef BENCH_RT_H
#define BENCH_RT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __riscv

static long rt_syscall3(long n, long x0, long x1, long x2) {
	register long a0 __asm__("a0") = x0;
	register long a1 __asm__("a1") = x1;
	register long a2 __asm__("a2") = x2;
	register long a7 __asm__("a7") = n;
	__asm__ volatile("ecall" : "+r"(a0) : "r"(a1), "r"(a2), "r"(a7) : "memory");
	return a0;
}

static void rt_write(int fd, const void *p, size_t n) { rt_syscall3(64, fd, (long)p, (long)n); }

static inline __attribute__((noreturn)) void rt_exit(int status) {
	rt_syscall3(93, status, 0, 0);
	__builtin_unreachable();
}

int main(void);

/* _start: sp is set by the loader (16-byte aligned at the arena top); set gp for
 * linker relaxation, run main, exit with its result. */
__asm__(".section .text._start, \"ax\", @progbits\n"
	".globl _start\n"
	"_start:\n"
	".option push\n"
	".option norelax\n"
	"	la gp, __global_pointer$\n"
	".option pop\n"
	"	call main\n"
	"	li a7, 93\n"
	"	ecall\n");

/* gcc may emit calls to these even in freestanding code; the attribute keeps it from
 * turning the loops back into calls to themselves. */
#define RT_LIBC __attribute__((used, optimize("no-tree-loop-distribute-patterns")))
RT_LIBC void *memset(void *d, int c, size_t n) {
	uint8_t *p = d;
	while (n--)
		*p++ = (uint8_t)c;
	return d;
}
RT_LIBC void *memcpy(void *d, const void *s, size_t n) {
	uint8_t *p = d;
	const uint8_t *q = s;
	while (n--)
		*p++ = *q++;
	return d;
}

#else /* native */

#include <stdlib.h>
#include <unistd.h>

static void rt_write(int fd, const void *p, size_t n) {
	if (write(fd, p, n) < 0)
		exit(3);
}
static inline void rt_exit(int status) { exit(status); }

#endif

/* Prints "<name> scale=<scale> checksum=0x<hex>\n" on stdout. */
static void rt_report(const char *name, uint64_t scale, uint64_t checksum) {
	char buf[128];
	size_t n = 0;
	while (*name && n < 64)
		buf[n++] = *name++;
	const char *s = " scale=";
	while (*s)
		buf[n++] = *s++;
	char dec[24];
	int k = 0;
	do {
		dec[k++] = (char)('0' + scale % 10);
		scale /= 10;
	} while (scale);
	while (k)
		buf[n++] = dec[--k];
	s = " checksum=0x";
	while (*s)
		buf[n++] = *s++;
	for (int i = 60; i >= 0; i -= 4)
		buf[n++] = "0123456789abcdef"[(checksum >> i) & 15];
	buf[n++] = '\n';
	rt_write(1, buf, n);
}

/* A 64-bit LCG (Knuth's MMIX constants) for deterministic inputs. */
static inline uint64_t rt_lcg(uint64_t *s) {
	*s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
	return *s;
}

#endif
