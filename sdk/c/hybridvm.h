/*
 * hybridvm.h — the C SDK for hybridvm RISC-V (RV64IMAC) contracts.
 *
 * One header, no library to link except libc.c (memcpy & co., which gcc may call).
 * It wraps every system call of the contract ABI (docs/abi.md,
 * "System calls") as a static inline function, and adds the types and helpers a
 * Solidity-compatible contract needs: 256-bit integers, addresses and their three
 * register encodings, calldata and return-data handling in the Solidity ABI,
 * storage slots laid out the way Solidity lays them out, events, custom errors.
 *
 * The system call convention (docs/abi.md): `ecall` with the id in t0 (x5), arguments in
 * a0..a7, results in a0..a3; every register that is not a result is left unchanged,
 * so each wrapper declares exactly its result registers as outputs and nothing else
 * as clobbered except "memory" (a call may read or write guest memory, e.g.
 * RETURNDATACOPY, and must see every store the compiler has pending).
 *
 * Memory map (docs/abi.md, "Memory map"): calldata window at 0x8000_0000 (u64 length,
 * then the bytes from 0x8000_0008), stack below 0x8030_0000, the ELF from 0x8030_0000.
 *
 * Everything here is freestanding C11 (gcc's <stdint.h>, <stddef.h>, <stdbool.h>).
 */
#ifndef HYBRIDVM_H
#define HYBRIDVM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifndef __riscv
#error "hybridvm.h is for RV64 contracts: compile with riscv64-unknown-elf-gcc -march=rv64imac -mabi=lp64"
#endif

#define HV_NORETURN __attribute__((noreturn))

/* The system call instruction. HV_MOCK builds (sdk/c/mock: contracts run as ordinary
 * programs under qemu-user for testing) call a trampoline instead, which also writes
 * ra; a real contract build uses ecall, which writes only the result registers. */
#ifdef HV_MOCK
#define HV_ECALL "call hv_mock_ecall"
#define HV_CLOBBERS "memory", "ra"
#else
#define HV_ECALL "ecall"
#define HV_CLOBBERS "memory"
#endif
#define HV_INLINE static inline __attribute__((always_inline))

/* ------------------------------------------------------------------------- */
/* System call ids (docs/abi.md, "System calls").                            */
/* ------------------------------------------------------------------------- */

enum {
	HV_SYS_RETURN_CREATE_ADDRESS = 0x01,
	HV_SYS_KECCAK256 = 0x20,
	HV_SYS_ADDRESS = 0x30,
	HV_SYS_BALANCE = 0x31,
	HV_SYS_ORIGIN = 0x32,
	HV_SYS_CALLER = 0x33,
	HV_SYS_CALLVALUE = 0x34,
	HV_SYS_CALLDATALOAD = 0x35,
	HV_SYS_CALLDATASIZE = 0x36,
	HV_SYS_CALLDATACOPY = 0x37,
	HV_SYS_CODESIZE = 0x38,
	HV_SYS_CODECOPY = 0x39,
	HV_SYS_GASPRICE = 0x3A,
	HV_SYS_EXTCODESIZE = 0x3B,
	HV_SYS_EXTCODECOPY = 0x3C,
	HV_SYS_RETURNDATASIZE = 0x3D,
	HV_SYS_RETURNDATACOPY = 0x3E,
	HV_SYS_EXTCODEHASH = 0x3F,
	HV_SYS_BLOCKHASH = 0x40,
	HV_SYS_COINBASE = 0x41,
	HV_SYS_TIMESTAMP = 0x42,
	HV_SYS_NUMBER = 0x43,
	HV_SYS_PREVRANDAO = 0x44,
	HV_SYS_GASLIMIT = 0x45,
	HV_SYS_CHAINID = 0x46,
	HV_SYS_SELFBALANCE = 0x47,
	HV_SYS_BASEFEE = 0x48,
	HV_SYS_BLOBHASH = 0x49,
	HV_SYS_BLOBBASEFEE = 0x4A,
	HV_SYS_SLOAD = 0x54,
	HV_SYS_SSTORE = 0x55,
	HV_SYS_GAS = 0x5A,
	HV_SYS_TLOAD = 0x5C,
	HV_SYS_TSTORE = 0x5D,
	HV_SYS_LOG = 0xA0,
	HV_SYS_CREATE = 0xF0,
	HV_SYS_CALL = 0xF1,
	HV_SYS_RETURN = 0xF3,
	HV_SYS_DELEGATECALL = 0xF4,
	HV_SYS_CREATE2 = 0xF5,
	HV_SYS_STATICCALL = 0xFA,
	HV_SYS_REVERT = 0xFD,
};

/* Memory map constants (docs/abi.md, "Memory map"). */
#define HV_CALLDATA_BASE 0x80000000UL     /* u64 little-endian calldata length */
#define HV_CALLDATA_BYTES 0x80000008UL    /* first calldata byte */
#define HV_CALLDATA_MAX (0x100000UL - 8)  /* longer calldata fails the call */
#define HV_STACK_TOP 0x80300000UL         /* crt0 sets sp here */
#define HV_ELF_BASE 0x80300000UL          /* .text starts here */

/* ------------------------------------------------------------------------- */
/* Byte order.                                                               */
/* ------------------------------------------------------------------------- */

/* Big-endian 64-bit load/store at any alignment. Byte loops on purpose: RV64IMAC
 * has no byte-swap instruction and __builtin_bswap64 becomes a libgcc call. */
static inline uint64_t hv_be64_load(const uint8_t *p) {
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v = (v << 8) | p[i];
	return v;
}

static inline void hv_be64_store(uint8_t *p, uint64_t v) {
	for (int i = 7; i >= 0; i--) {
		p[i] = (uint8_t)v;
		v >>= 8;
	}
}

/* Big-endian 32-bit load/store (selectors). */
static inline uint32_t hv_be32_load(const uint8_t *p) {
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

static inline void hv_be32_store(uint8_t *p, uint32_t v) {
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* ------------------------------------------------------------------------- */
/* u256: four 64-bit limbs, least significant first — the ABI's U256 register  */
/* encoding (a0 = bits 0..63 ... a3 = bits 192..255).                        */
/* ------------------------------------------------------------------------- */

typedef struct {
	uint64_t w[4]; /* w[0] = bits 0..63, w[3] = bits 192..255 */
} u256;

static inline u256 u256_zero(void) {
	u256 r = {{0, 0, 0, 0}};
	return r;
}

static inline u256 u256_from_u64(uint64_t v) {
	u256 r = {{v, 0, 0, 0}};
	return r;
}

/* A u256 constant written most significant 64-bit chunk first, so that
 * HV_U256_BE(0xddf252ad1be2c89b, 0x69c2b068fc378daa, 0x952ba7f163c4a116, 0x28f55a4df523b3ef)
 * reads as the hex of the 32-byte big-endian word 0xddf252ad...f523b3ef. */
#define HV_U256_BE(hi, midhi, midlo, lo) {{(lo), (midlo), (midhi), (hi)}}

/* All ones: 2^256 - 1 (type(uint256).max). */
static inline u256 u256_max(void) {
	u256 r = {{~0UL, ~0UL, ~0UL, ~0UL}};
	return r;
}

/* 32 big-endian bytes (an EVM word) -> u256: b[0..8] is the most significant limb. */
static inline u256 u256_from_be32(const uint8_t b[32]) {
	u256 r;
	for (int i = 0; i < 4; i++)
		r.w[3 - i] = hv_be64_load(b + 8 * i);
	return r;
}

/* u256 -> 32 big-endian bytes. */
static inline void u256_to_be32(u256 v, uint8_t b[32]) {
	for (int i = 0; i < 4; i++)
		hv_be64_store(b + 8 * i, v.w[3 - i]);
}

static inline bool u256_is_zero(u256 a) { return (a.w[0] | a.w[1] | a.w[2] | a.w[3]) == 0; }

static inline bool u256_eq(u256 a, u256 b) {
	return ((a.w[0] ^ b.w[0]) | (a.w[1] ^ b.w[1]) | (a.w[2] ^ b.w[2]) | (a.w[3] ^ b.w[3])) == 0;
}

/* Unsigned compare: -1 if a < b, 0 if equal, 1 if a > b. */
static inline int u256_cmp(u256 a, u256 b) {
	for (int i = 3; i >= 0; i--) {
		if (a.w[i] != b.w[i])
			return a.w[i] < b.w[i] ? -1 : 1;
	}
	return 0;
}

static inline bool u256_lt(u256 a, u256 b) { return u256_cmp(a, b) < 0; }

/* a + b mod 2^256; *carry (if not NULL) is set to 1 when the true sum overflowed. */
static inline u256 u256_add(u256 a, u256 b, bool *carry) {
	u256 r;
	uint64_t c = 0;
	for (int i = 0; i < 4; i++) {
		uint64_t s = a.w[i] + b.w[i];
		uint64_t c1 = s < a.w[i];
		r.w[i] = s + c;
		c = c1 | (r.w[i] < s);
	}
	if (carry)
		*carry = c != 0;
	return r;
}

/* a - b mod 2^256; *borrow (if not NULL) is set to 1 when b > a. */
static inline u256 u256_sub(u256 a, u256 b, bool *borrow) {
	u256 r;
	uint64_t br = 0;
	for (int i = 0; i < 4; i++) {
		uint64_t d = a.w[i] - b.w[i];
		uint64_t b1 = a.w[i] < b.w[i];
		r.w[i] = d - br;
		br = b1 | (d < br);
	}
	if (borrow)
		*borrow = br != 0;
	return r;
}

/* True when the value fits in 64 bits. */
static inline bool u256_fits_u64(u256 a) { return (a.w[1] | a.w[2] | a.w[3]) == 0; }

/* ------------------------------------------------------------------------- */
/* Addresses and their three register encodings (docs/abi.md, "System calls"). */
/*                                                                           */
/* An address is 20 bytes b[0..20], b[0] first (the way it is written in hex).   */
/* BE64(x) is the 64-bit integer whose big-endian bytes are x.                 */
/*                                                                           */
/*  A-out (results of ADDRESS, CALLER, ORIGIN, COINBASE):                      */
/*      a0 = b0  b1  b2  b3  b4  b5  b6  b7     (b0 in bits 63..56)            */
/*      a1 = b8  b9  b10 b11 b12 b13 b14 b15                                   */
/*      a2 = b16 b17 b18 b19 00  00  00  00     (last 4 bytes in the HIGH half) */
/*                                                                           */
/*  A-in (arguments of BALANCE, EXTCODESIZE, EXTCODECOPY, EXTCODEHASH):        */
/*      a0 = b0  b1  b2  b3  b4  b5  b6  b7                                    */
/*      a1 = b8  b9  b10 b11 b12 b13 b14 b15                                   */
/*      a2 = 00  00  00  00  b16 b17 b18 b19    (last 4 bytes in the LOW half)  */
/*                                                                           */
/*  A-word (targets of CALL, STATICCALL, DELEGATECALL): the address as a U256   */
/*  (left-padded to 32 bytes: 12 zero bytes then b0..b19), least significant    */
/*  limb first:                                                                */
/*      a0 = b12 b13 b14 b15 b16 b17 b18 b19                                   */
/*      a1 = b4  b5  b6  b7  b8  b9  b10 b11                                   */
/*      a2 = 00  00  00  00  b0  b1  b2  b3                                    */
/*      (a3, the top limb, would be zero; CALL uses a3 for the value instead)  */
/* ------------------------------------------------------------------------- */

typedef struct {
	uint8_t b[20];
} address;

/* Three 64-bit registers, in a0, a1, a2 order. */
typedef struct {
	uint64_t r[3];
} hv_addr_regs;

static inline hv_addr_regs hv_addr_to_aout(const address *a) {
	hv_addr_regs x;
	x.r[0] = hv_be64_load(a->b + 0);
	x.r[1] = hv_be64_load(a->b + 8);
	x.r[2] = (uint64_t)hv_be32_load(a->b + 16) << 32;
	return x;
}

static inline address hv_addr_from_aout(uint64_t a0, uint64_t a1, uint64_t a2) {
	address a;
	hv_be64_store(a.b + 0, a0);
	hv_be64_store(a.b + 8, a1);
	hv_be32_store(a.b + 16, (uint32_t)(a2 >> 32));
	return a;
}

static inline hv_addr_regs hv_addr_to_ain(const address *a) {
	hv_addr_regs x;
	x.r[0] = hv_be64_load(a->b + 0);
	x.r[1] = hv_be64_load(a->b + 8);
	x.r[2] = (uint64_t)hv_be32_load(a->b + 16);
	return x;
}

static inline address hv_addr_from_ain(uint64_t a0, uint64_t a1, uint64_t a2) {
	address a;
	hv_be64_store(a.b + 0, a0);
	hv_be64_store(a.b + 8, a1);
	hv_be32_store(a.b + 16, (uint32_t)a2);
	return a;
}

static inline hv_addr_regs hv_addr_to_aword(const address *a) {
	hv_addr_regs x;
	x.r[0] = hv_be64_load(a->b + 12);
	x.r[1] = hv_be64_load(a->b + 4);
	x.r[2] = (uint64_t)hv_be32_load(a->b + 0);
	return x;
}

static inline address hv_addr_from_aword(uint64_t a0, uint64_t a1, uint64_t a2) {
	address a;
	hv_be32_store(a.b + 0, (uint32_t)a2);
	hv_be64_store(a.b + 4, a1);
	hv_be64_store(a.b + 12, a0);
	return a;
}

/* The address as a uint256 (uint256(uint160(a)) in Solidity): the A-word limbs. */
static inline u256 hv_addr_to_u256(const address *a) {
	hv_addr_regs x = hv_addr_to_aword(a);
	u256 r = {{x.r[0], x.r[1], x.r[2], 0}};
	return r;
}

/* The low 160 bits of v as an address (address(uint160(v)) in Solidity). */
static inline address hv_addr_from_u256(u256 v) {
	return hv_addr_from_aword(v.w[0], v.w[1], v.w[2] & 0xffffffffUL);
}

static inline bool hv_addr_eq(const address *x, const address *y) {
	for (int i = 0; i < 20; i++)
		if (x->b[i] != y->b[i])
			return false;
	return true;
}

static inline bool hv_addr_is_zero(const address *x) {
	for (int i = 0; i < 20; i++)
		if (x->b[i])
			return false;
	return true;
}

/* ------------------------------------------------------------------------- */
/* Raw system calls. Every wrapper declares exactly the ABI's result registers */
/* as outputs (the rest are preserved by the ABI) and clobbers "memory".       */
/* ------------------------------------------------------------------------- */

/* id, no arguments, U256 result in a0..a3. */
HV_INLINE u256 hv__sys_u256(uint64_t id) {
	register uint64_t t0 __asm__("t0") = id;
	register uint64_t a0 __asm__("a0");
	register uint64_t a1 __asm__("a1");
	register uint64_t a2 __asm__("a2");
	register uint64_t a3 __asm__("a3");
	__asm__ volatile(HV_ECALL : "=r"(a0), "=r"(a1), "=r"(a2), "=r"(a3) : "r"(t0) : HV_CLOBBERS);
	u256 r = {{a0, a1, a2, a3}};
	return r;
}

/* id, one u64 argument in a0, U256 result in a0..a3. */
HV_INLINE u256 hv__sys_u256_1(uint64_t id, uint64_t arg) {
	register uint64_t t0 __asm__("t0") = id;
	register uint64_t a0 __asm__("a0") = arg;
	register uint64_t a1 __asm__("a1");
	register uint64_t a2 __asm__("a2");
	register uint64_t a3 __asm__("a3");
	__asm__ volatile(HV_ECALL : "+r"(a0), "=r"(a1), "=r"(a2), "=r"(a3) : "r"(t0) : HV_CLOBBERS);
	u256 r = {{a0, a1, a2, a3}};
	return r;
}

/* id, no arguments, result in a0 only. */
HV_INLINE uint64_t hv__sys_a0(uint64_t id) {
	register uint64_t t0 __asm__("t0") = id;
	register uint64_t a0 __asm__("a0");
	__asm__ volatile(HV_ECALL : "=r"(a0) : "r"(t0) : HV_CLOBBERS);
	return a0;
}

/* id, no arguments, A-out result in a0..a2. */
HV_INLINE address hv__sys_aout(uint64_t id) {
	register uint64_t t0 __asm__("t0") = id;
	register uint64_t a0 __asm__("a0");
	register uint64_t a1 __asm__("a1");
	register uint64_t a2 __asm__("a2");
	__asm__ volatile(HV_ECALL : "=r"(a0), "=r"(a1), "=r"(a2) : "r"(t0) : HV_CLOBBERS);
	return hv_addr_from_aout(a0, a1, a2);
}

/* id, A-in argument in a0..a2, U256 result in a0..a3. */
HV_INLINE u256 hv__sys_ain_u256(uint64_t id, const address *who) {
	hv_addr_regs x = hv_addr_to_ain(who);
	register uint64_t t0 __asm__("t0") = id;
	register uint64_t a0 __asm__("a0") = x.r[0];
	register uint64_t a1 __asm__("a1") = x.r[1];
	register uint64_t a2 __asm__("a2") = x.r[2];
	register uint64_t a3 __asm__("a3");
	__asm__ volatile(HV_ECALL : "+r"(a0), "+r"(a1), "+r"(a2), "=r"(a3) : "r"(t0) : HV_CLOBBERS);
	u256 r = {{a0, a1, a2, a3}};
	return r;
}

/* id, three u64 arguments in a0..a2 (dest, offset, len copies), no results. */
HV_INLINE void hv__sys_3(uint64_t id, uint64_t x0, uint64_t x1, uint64_t x2) {
	register uint64_t t0 __asm__("t0") = id;
	register uint64_t a0 __asm__("a0") = x0;
	register uint64_t a1 __asm__("a1") = x1;
	register uint64_t a2 __asm__("a2") = x2;
	__asm__ volatile(HV_ECALL : : "r"(t0), "r"(a0), "r"(a1), "r"(a2) : HV_CLOBBERS);
}

/* 0x01 RETURN_CREATE_ADDRESS: the address made by this frame's latest CREATE or
 * CREATE2 child (all zero if it failed); the host writes 20 bytes at a0. */
static inline address hv_create_address(void) {
	address a;
	register uint64_t t0 __asm__("t0") = HV_SYS_RETURN_CREATE_ADDRESS;
	register uint64_t a0 __asm__("a0") = (uint64_t)(uintptr_t)&a;
	__asm__ volatile(HV_ECALL : : "r"(t0), "r"(a0) : HV_CLOBBERS);
	return a;
}

/* 0x20 KECCAK256 of len bytes at p, as a big-endian integer in limbs. */
static inline u256 hv_keccak256(const void *p, uint64_t len) {
	register uint64_t t0 __asm__("t0") = HV_SYS_KECCAK256;
	register uint64_t a0 __asm__("a0") = (uint64_t)(uintptr_t)p;
	register uint64_t a1 __asm__("a1") = len;
	register uint64_t a2 __asm__("a2");
	register uint64_t a3 __asm__("a3");
	__asm__ volatile(HV_ECALL : "+r"(a0), "+r"(a1), "=r"(a2), "=r"(a3) : "r"(t0) : HV_CLOBBERS);
	u256 r = {{a0, a1, a2, a3}};
	return r;
}

static inline address hv_address(void) { return hv__sys_aout(HV_SYS_ADDRESS); }             /* 0x30 */
static inline u256 hv_balance(const address *a) { return hv__sys_ain_u256(HV_SYS_BALANCE, a); } /* 0x31 */
static inline address hv_origin(void) { return hv__sys_aout(HV_SYS_ORIGIN); }               /* 0x32 */
static inline address hv_caller(void) { return hv__sys_aout(HV_SYS_CALLER); }               /* 0x33 */
static inline u256 hv_callvalue(void) { return hv__sys_u256(HV_SYS_CALLVALUE); }            /* 0x34 */

/* 0x35 CALLDATALOAD: the 32 calldata bytes at offset (zero-padded) as a U256. */
static inline u256 hv_calldataload(uint64_t offset) { return hv__sys_u256_1(HV_SYS_CALLDATALOAD, offset); }

/* 0x36 CALLDATASIZE (a U256 in a0..a3; calldata is < 1 MiB so a0 holds it). */
static inline uint64_t hv_calldatasize(void) { return hv__sys_u256(HV_SYS_CALLDATASIZE).w[0]; }

/* 0x37 CALLDATACOPY len bytes from calldata offset to dest (zero-padded). */
static inline void hv_calldatacopy(void *dest, uint64_t offset, uint64_t len) {
	hv__sys_3(HV_SYS_CALLDATACOPY, (uint64_t)(uintptr_t)dest, offset, len);
}

/* 0x38 CODESIZE, 0x39 CODECOPY (this frame's code, including the 0xFF prefix). */
static inline uint64_t hv_codesize(void) { return hv__sys_u256(HV_SYS_CODESIZE).w[0]; }
static inline void hv_codecopy(void *dest, uint64_t offset, uint64_t len) {
	hv__sys_3(HV_SYS_CODECOPY, (uint64_t)(uintptr_t)dest, offset, len);
}

static inline u256 hv_gasprice(void) { return hv__sys_u256(HV_SYS_GASPRICE); } /* 0x3A */

/* 0x3B EXTCODESIZE (A-in argument, U256 result). */
static inline uint64_t hv_extcodesize(const address *a) { return hv__sys_ain_u256(HV_SYS_EXTCODESIZE, a).w[0]; }

/* 0x3C EXTCODECOPY: A-in in a0..a2, a3 dest, a4 offset, a5 len. */
static inline void hv_extcodecopy(const address *who, void *dest, uint64_t offset, uint64_t len) {
	hv_addr_regs x = hv_addr_to_ain(who);
	register uint64_t t0 __asm__("t0") = HV_SYS_EXTCODECOPY;
	register uint64_t a0 __asm__("a0") = x.r[0];
	register uint64_t a1 __asm__("a1") = x.r[1];
	register uint64_t a2 __asm__("a2") = x.r[2];
	register uint64_t a3 __asm__("a3") = (uint64_t)(uintptr_t)dest;
	register uint64_t a4 __asm__("a4") = offset;
	register uint64_t a5 __asm__("a5") = len;
	__asm__ volatile(HV_ECALL : : "r"(t0), "r"(a0), "r"(a1), "r"(a2), "r"(a3), "r"(a4), "r"(a5) : HV_CLOBBERS);
}

/* 0x3D RETURNDATASIZE (a0), 0x3E RETURNDATACOPY (out of range faults, as in the EVM). */
static inline uint64_t hv_returndatasize(void) { return hv__sys_a0(HV_SYS_RETURNDATASIZE); }
static inline void hv_returndatacopy(void *dest, uint64_t offset, uint64_t len) {
	hv__sys_3(HV_SYS_RETURNDATACOPY, (uint64_t)(uintptr_t)dest, offset, len);
}

static inline u256 hv_extcodehash(const address *a) { return hv__sys_ain_u256(HV_SYS_EXTCODEHASH, a); } /* 0x3F */
static inline u256 hv_blockhash(uint64_t number) { return hv__sys_u256_1(HV_SYS_BLOCKHASH, number); }  /* 0x40 */
static inline address hv_coinbase(void) { return hv__sys_aout(HV_SYS_COINBASE); }                     /* 0x41 */
static inline u256 hv_timestamp(void) { return hv__sys_u256(HV_SYS_TIMESTAMP); }                      /* 0x42 */
static inline u256 hv_number(void) { return hv__sys_u256(HV_SYS_NUMBER); }                            /* 0x43 */
static inline u256 hv_prevrandao(void) { return hv__sys_u256(HV_SYS_PREVRANDAO); }                    /* 0x44 */
static inline u256 hv_gaslimit(void) { return hv__sys_u256(HV_SYS_GASLIMIT); }                        /* 0x45 */
static inline uint64_t hv_chainid(void) { return hv__sys_a0(HV_SYS_CHAINID); }                        /* 0x46 */
static inline u256 hv_selfbalance(void) { return hv__sys_u256(HV_SYS_SELFBALANCE); }                  /* 0x47 */
static inline u256 hv_basefee(void) { return hv__sys_u256(HV_SYS_BASEFEE); }                          /* 0x48 */
static inline u256 hv_blobhash(uint64_t index) { return hv__sys_u256_1(HV_SYS_BLOBHASH, index); }     /* 0x49 */
static inline u256 hv_blobbasefee(void) { return hv__sys_u256(HV_SYS_BLOBBASEFEE); }                  /* 0x4A */

/* SLOAD / TLOAD: key in a0..a3, value back in a0..a3. */
HV_INLINE u256 hv__sys_load(uint64_t id, u256 key) {
	register uint64_t t0 __asm__("t0") = id;
	register uint64_t a0 __asm__("a0") = key.w[0];
	register uint64_t a1 __asm__("a1") = key.w[1];
	register uint64_t a2 __asm__("a2") = key.w[2];
	register uint64_t a3 __asm__("a3") = key.w[3];
	__asm__ volatile(HV_ECALL : "+r"(a0), "+r"(a1), "+r"(a2), "+r"(a3) : "r"(t0) : HV_CLOBBERS);
	u256 r = {{a0, a1, a2, a3}};
	return r;
}

/* SSTORE / TSTORE: key in a0..a3, value in a4..a7, no results. */
HV_INLINE void hv__sys_store(uint64_t id, u256 key, u256 val) {
	register uint64_t t0 __asm__("t0") = id;
	register uint64_t a0 __asm__("a0") = key.w[0];
	register uint64_t a1 __asm__("a1") = key.w[1];
	register uint64_t a2 __asm__("a2") = key.w[2];
	register uint64_t a3 __asm__("a3") = key.w[3];
	register uint64_t a4 __asm__("a4") = val.w[0];
	register uint64_t a5 __asm__("a5") = val.w[1];
	register uint64_t a6 __asm__("a6") = val.w[2];
	register uint64_t a7 __asm__("a7") = val.w[3];
	__asm__ volatile(HV_ECALL
			 :
			 : "r"(t0), "r"(a0), "r"(a1), "r"(a2), "r"(a3), "r"(a4), "r"(a5), "r"(a6), "r"(a7)
			 : HV_CLOBBERS);
}

static inline u256 hv_sload(u256 key) { return hv__sys_load(HV_SYS_SLOAD, key); }              /* 0x54 */
static inline void hv_sstore(u256 key, u256 val) { hv__sys_store(HV_SYS_SSTORE, key, val); }  /* 0x55 */
static inline uint64_t hv_gas(void) { return hv__sys_a0(HV_SYS_GAS); }                         /* 0x5A */
static inline u256 hv_tload(u256 key) { return hv__sys_load(HV_SYS_TLOAD, key); }              /* 0x5C */
static inline void hv_tstore(u256 key, u256 val) { hv__sys_store(HV_SYS_TSTORE, key, val); }  /* 0x5D */

/* 0xA0 LOG: data (ptr, len), topics = count x 32 raw big-endian bytes, count <= 4. */
static inline void hv_log(const void *data, uint64_t len, const void *topics, uint64_t count) {
	register uint64_t t0 __asm__("t0") = HV_SYS_LOG;
	register uint64_t a0 __asm__("a0") = (uint64_t)(uintptr_t)data;
	register uint64_t a1 __asm__("a1") = len;
	register uint64_t a2 __asm__("a2") = (uint64_t)(uintptr_t)topics;
	register uint64_t a3 __asm__("a3") = count;
	__asm__ volatile(HV_ECALL : : "r"(t0), "r"(a0), "r"(a1), "r"(a2), "r"(a3) : HV_CLOBBERS);
}

/* 0xF0 CREATE: returns true on success; the new address via hv_create_address(). */
static inline bool hv_create(uint64_t value, const void *initcode, uint64_t len) {
	register uint64_t t0 __asm__("t0") = HV_SYS_CREATE;
	register uint64_t a0 __asm__("a0") = value;
	register uint64_t a1 __asm__("a1") = (uint64_t)(uintptr_t)initcode;
	register uint64_t a2 __asm__("a2") = len;
	__asm__ volatile(HV_ECALL : "+r"(a0) : "r"(t0), "r"(a1), "r"(a2) : HV_CLOBBERS);
	return a0 == 1;
}

/* 0xF5 CREATE2: as CREATE, salt (U256) in a3..a6. */
static inline bool hv_create2(uint64_t value, const void *initcode, uint64_t len, u256 salt) {
	register uint64_t t0 __asm__("t0") = HV_SYS_CREATE2;
	register uint64_t a0 __asm__("a0") = value;
	register uint64_t a1 __asm__("a1") = (uint64_t)(uintptr_t)initcode;
	register uint64_t a2 __asm__("a2") = len;
	register uint64_t a3 __asm__("a3") = salt.w[0];
	register uint64_t a4 __asm__("a4") = salt.w[1];
	register uint64_t a5 __asm__("a5") = salt.w[2];
	register uint64_t a6 __asm__("a6") = salt.w[3];
	__asm__ volatile(HV_ECALL
			 : "+r"(a0)
			 : "r"(t0), "r"(a1), "r"(a2), "r"(a3), "r"(a4), "r"(a5), "r"(a6)
			 : HV_CLOBBERS);
	return a0 == 1;
}

/* CALL-shaped: A-word target in a0..a2, a3 value, a4 input ptr, a5 input len. */
HV_INLINE bool hv__sys_call(uint64_t id, const address *to, uint64_t value, const void *in, uint64_t len) {
	hv_addr_regs x = hv_addr_to_aword(to);
	register uint64_t t0 __asm__("t0") = id;
	register uint64_t a0 __asm__("a0") = x.r[0];
	register uint64_t a1 __asm__("a1") = x.r[1];
	register uint64_t a2 __asm__("a2") = x.r[2];
	register uint64_t a3 __asm__("a3") = value;
	register uint64_t a4 __asm__("a4") = (uint64_t)(uintptr_t)in;
	register uint64_t a5 __asm__("a5") = len;
	__asm__ volatile(HV_ECALL
			 : "+r"(a0)
			 : "r"(t0), "r"(a1), "r"(a2), "r"(a3), "r"(a4), "r"(a5)
			 : HV_CLOBBERS);
	return a0 == 1;
}

/* 0xF1 CALL, 0xF4 DELEGATECALL, 0xFA STATICCALL: true on success; the output is
 * read with hv_returndatasize / hv_returndatacopy. DELEGATECALL has no value (a3
 * is not read; we pass 0), STATICCALL is "as CALL" with value 0. */
static inline bool hv_call(const address *to, uint64_t value, const void *in, uint64_t len) {
	return hv__sys_call(HV_SYS_CALL, to, value, in, len);
}
static inline bool hv_delegatecall(const address *to, const void *in, uint64_t len) {
	return hv__sys_call(HV_SYS_DELEGATECALL, to, 0, in, len);
}
static inline bool hv_staticcall(const address *to, const void *in, uint64_t len) {
	return hv__sys_call(HV_SYS_STATICCALL, to, 0, in, len);
}

/* 0xF3 RETURN and 0xFD REVERT end the frame; control never comes back. */
HV_INLINE HV_NORETURN void hv__sys_end(uint64_t id, const void *p, uint64_t len) {
	register uint64_t t0 __asm__("t0") = id;
	register uint64_t a0 __asm__("a0") = (uint64_t)(uintptr_t)p;
	register uint64_t a1 __asm__("a1") = len;
	__asm__ volatile(HV_ECALL : : "r"(t0), "r"(a0), "r"(a1) : HV_CLOBBERS);
	__builtin_unreachable();
}

static inline HV_NORETURN void hv_return(const void *p, uint64_t len) { hv__sys_end(HV_SYS_RETURN, p, len); }
static inline HV_NORETURN void hv_revert(const void *p, uint64_t len) { hv__sys_end(HV_SYS_REVERT, p, len); }

/* ------------------------------------------------------------------------- */
/* Calldata, read straight from the calldata window (no syscall, no gas beyond */
/* the loads).                                                               */
/* ------------------------------------------------------------------------- */

static inline uint64_t hv_calldata_size(void) { return *(const volatile uint64_t *)HV_CALLDATA_BASE; }
static inline const uint8_t *hv_calldata(void) { return (const uint8_t *)HV_CALLDATA_BYTES; }

/* ------------------------------------------------------------------------- */
/* Solidity ABI helpers (https://docs.soliditylang.org/en/latest/abi-spec.html) */
/* ------------------------------------------------------------------------- */

/* hv_selector returns this when calldata is shorter than 4 bytes. */
#define HV_NO_SELECTOR (1UL << 32)

/* The function selector: the first 4 calldata bytes, big-endian. */
static inline uint64_t hv_selector(void) {
	if (hv_calldata_size() < 4)
		return HV_NO_SELECTOR;
	return hv_be32_load(hv_calldata());
}

/* Reverts with empty data, which is what Solidity does for malformed calldata,
 * a non-payable function called with value, or an unknown selector. */
static inline HV_NORETURN void hv_revert_empty(void) { hv_revert(0, 0); }

/* Pointer to argument word i (after the selector); reverts if calldata is too short. */
static inline const uint8_t *hv_arg_word(unsigned i) {
	uint64_t off = 4 + 32 * (uint64_t)i;
	if (hv_calldata_size() < off + 32)
		hv_revert_empty();
	return hv_calldata() + off;
}

static inline u256 hv_arg_u256(unsigned i) { return u256_from_be32(hv_arg_word(i)); }

/* An address argument: the low 20 bytes of the word. Like Solidity's decoder, a word
 * with any of its 12 high bytes set is rejected (revert with empty data). */
static inline address hv_arg_address(unsigned i) {
	const uint8_t *w = hv_arg_word(i);
	for (int k = 0; k < 12; k++)
		if (w[k])
			hv_revert_empty();
	address a;
	for (int k = 0; k < 20; k++)
		a.b[k] = w[12 + k];
	return a;
}

/* Argument words that encode a bool must be 0 or 1. */
static inline bool hv_arg_bool(unsigned i) {
	u256 v = hv_arg_u256(i);
	if (!u256_fits_u64(v) || v.w[0] > 1)
		hv_revert_empty();
	return v.w[0] == 1;
}

/* Writing words into an ABI buffer: word i at buf + 32*i. */
static inline void hv_put_u256(uint8_t *buf, unsigned i, u256 v) { u256_to_be32(v, buf + 32 * i); }
static inline void hv_put_u64(uint8_t *buf, unsigned i, uint64_t v) { hv_put_u256(buf, i, u256_from_u64(v)); }
static inline void hv_put_address(uint8_t *buf, unsigned i, const address *a) {
	uint8_t *w = buf + 32 * i;
	for (int k = 0; k < 12; k++)
		w[k] = 0;
	for (int k = 0; k < 20; k++)
		w[12 + k] = a->b[k];
}

static inline HV_NORETURN void hv_return_u256(u256 v) {
	uint8_t w[32];
	u256_to_be32(v, w);
	hv_return(w, 32);
}
static inline HV_NORETURN void hv_return_u64(uint64_t v) { hv_return_u256(u256_from_u64(v)); }
static inline HV_NORETURN void hv_return_bool(bool v) { hv_return_u64(v ? 1 : 0); }
static inline HV_NORETURN void hv_return_address(const address *a) {
	uint8_t w[32];
	hv_put_address(w, 0, a);
	hv_return(w, 32);
}

/* Returns one ABI-encoded `string` (or `bytes`): offset 0x20, length, the bytes
 * right-padded with zeros to a multiple of 32. len must be <= 256 here. */
static inline HV_NORETURN void hv_return_string(const char *s, uint64_t len) {
	uint8_t buf[64 + 256];
	if (len > 256)
		hv_revert_empty();
	hv_put_u64(buf, 0, 32);
	hv_put_u64(buf, 1, len);
	uint64_t padded = (len + 31) & ~31UL;
	for (uint64_t k = 0; k < padded; k++)
		buf[64 + k] = k < len ? (uint8_t)s[k] : 0;
	hv_return(buf, 64 + padded);
}

/* Reverts with a custom error: the 4-byte selector (big-endian) then n words
 * (n <= 8), exactly as Solidity encodes `revert MyError(a, b, ...)`. */
static inline HV_NORETURN void hv_revert_error(uint32_t selector, const u256 *words, unsigned n) {
	uint8_t buf[4 + 32 * 8];
	if (n > 8)
		n = 8;
	hv_be32_store(buf, selector);
	for (unsigned i = 0; i < n; i++)
		u256_to_be32(words[i], buf + 4 + 32 * i);
	hv_revert(buf, 4 + 32 * (uint64_t)n);
}

/* Solidity's Panic(uint256) (selector 0x4e487b71 = keccak256("Panic(uint256)")[:4]). */
#define HV_PANIC_SELECTOR 0x4e487b71u
#define HV_PANIC_ASSERT 0x01
#define HV_PANIC_OVERFLOW 0x11 /* checked arithmetic over/underflow */
#define HV_PANIC_DIV_ZERO 0x12

static inline HV_NORETURN void hv_panic(uint64_t code) {
	u256 c = u256_from_u64(code);
	hv_revert_error(HV_PANIC_SELECTOR, &c, 1);
}

/* Checked (Solidity 0.8) arithmetic: Panic(0x11) on overflow / underflow. */
static inline u256 u256_add_checked(u256 a, u256 b) {
	bool c;
	u256 r = u256_add(a, b, &c);
	if (c)
		hv_panic(HV_PANIC_OVERFLOW);
	return r;
}
static inline u256 u256_sub_checked(u256 a, u256 b) {
	bool c;
	u256 r = u256_sub(a, b, &c);
	if (c)
		hv_panic(HV_PANIC_OVERFLOW);
	return r;
}

/* Non-payable functions revert (empty data) when called with value, like Solidity. */
static inline void hv_require_no_value(void) {
	if (!u256_is_zero(hv_callvalue()))
		hv_revert_empty();
}

/* ------------------------------------------------------------------------- */
/* Events. Topics are passed to LOG as raw 32-byte big-endian words.          */
/* ------------------------------------------------------------------------- */

/* Emits a log with n (<= 4) topics given as u256 and data (ptr, len). */
static inline void hv_emit(const u256 *topics, unsigned n, const void *data, uint64_t len) {
	uint8_t t[4 * 32];
	unsigned k = n > 4 ? 4 : n;
	for (unsigned i = 0; i < k; i++)
		u256_to_be32(topics[i], t + 32 * i);
	hv_log(data, len, t, n); /* n > 4 is passed through: the host faults, as it must */
}

/* ------------------------------------------------------------------------- */
/* Storage (Solidity layout, https://docs.soliditylang.org/en/latest/         */
/* internals/layout_in_storage.html).                                        */
/* ------------------------------------------------------------------------- */

static inline u256 hv_slot(uint64_t n) { return u256_from_u64(n); }

/* The slot of mapping[key] for a mapping at `slot`: keccak256(pad32(key) ‖ pad32(slot)). */
static inline u256 hv_mapping_slot(u256 key, u256 slot) {
	uint8_t buf[64];
	u256_to_be32(key, buf);
	u256_to_be32(slot, buf + 32);
	return hv_keccak256(buf, 64);
}

/* mapping(address => ...) at slot: the key is the address left-padded to 32 bytes. */
static inline u256 hv_mapping_slot_addr(const address *key, u256 slot) {
	return hv_mapping_slot(hv_addr_to_u256(key), slot);
}

/* mapping(K1 => mapping(K2 => V)) at slot: m[k1][k2] lives at
 * keccak256(pad32(k2) ‖ keccak256(pad32(k1) ‖ pad32(slot))). */
static inline u256 hv_mapping2_slot(u256 k1, u256 k2, u256 slot) {
	return hv_mapping_slot(k2, hv_mapping_slot(k1, slot));
}

static inline u256 hv_mapping2_slot_addr(const address *k1, const address *k2, u256 slot) {
	return hv_mapping2_slot(hv_addr_to_u256(k1), hv_addr_to_u256(k2), slot);
}

/* The first byte after .bss (contract.ld): from here to the arena's end at
 * 0xC000_0000 the memory is zero and unused, a heap for whoever wants one. */
extern uint8_t _end[];
static inline uint8_t *hv_heap_start(void) { return _end; }
#define HV_ARENA_END 0xC0000000UL

/* libc.c provides these; gcc may emit calls to them for struct copies and loops. */
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);

/* The contract's entry point, called by crt0 with sp = 0x8030_0000. If it returns,
 * crt0 ends the frame with RETURN of empty output. */
int main(void);

/* The deploy ELF's constructor hook (sdk/c/deploy.c): called with the constructor
 * arguments (the deploy ELF's calldata) before the runtime ELF is returned. The
 * SDK has a weak empty default; define it to run code at deployment. */
void hv_constructor(const uint8_t *args, uint64_t len);

#endif /* HYBRIDVM_H */
