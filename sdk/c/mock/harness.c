/*
 * harness.c — a mock host: runs a contract built with the SDK as an ordinary
 * RV64 Linux program under qemu-riscv64-static, so that contract logic (and the SDK)
 * can be tested without hybridvm. It is a test fixture, not an EVM: one contract, no
 * gas, canned answers for calls and creates, constant block context.
 *
 * Build: the contract's sources and this directory's files, with -DHV_MOCK (every SDK
 * syscall then calls hv_mock_ecall, trampoline.S) and the SDK's contract.ld (linked with
 * max-page-size=4096 so the kernel/qemu can map it). See examples/Makefile `mock`.
 *
 * The syscall side is written from docs/abi.md directly, not from hybridvm.h's helpers,
 * so that an encoding mistake in the SDK shows up as a difference here.
 *
 * Input (stdin), one command per line; every command is echoed as "> command":
 *   caller HEX40          msg.sender and tx.origin for the following calls
 *   value N               call value (decimal u64) for the following calls
 *   static 0|1            run the following calls as static frames
 *   respond ok|fail [HEX] queue an answer for the next CALL/STATICCALL/DELEGATECALL
 *                         (HEX: its return data) or CREATE/CREATE2 (ok: HEX is the new
 *                         20-byte address; fail: revert data). Answers are used in order;
 *                         a call with none queued fails with no data; answers left
 *                         over when the frame ends are dropped ("unused responses: N").
 *   deploy [HEX]          run the constructor (hv_constructor) with HEX as calldata
 *   call [HEX]            run main with HEX as calldata
 *   dump                  print every non-zero storage slot, sorted by key
 * Output per deploy/call: trace lines for calls and creates ("call ...", "create ..."),
 * then on success the logs ("log ...") and "ok HEX"; otherwise "revert HEX" or
 * "fault REASON", after which storage is rolled back to before the call.
 */
#include "hybridvm.h"

/* ---- Linux system calls (raw ecall: this is the harness, not the contract) ---- */

static long lx_sys(long n, long x0, long x1, long x2, long x3, long x4, long x5) {
	register long a0 __asm__("a0") = x0;
	register long a1 __asm__("a1") = x1;
	register long a2 __asm__("a2") = x2;
	register long a3 __asm__("a3") = x3;
	register long a4 __asm__("a4") = x4;
	register long a5 __asm__("a5") = x5;
	register long a7 __asm__("a7") = n;
	__asm__ volatile("ecall" : "+r"(a0) : "r"(a1), "r"(a2), "r"(a3), "r"(a4), "r"(a5), "r"(a7) : "memory");
	return a0;
}

static HV_NORETURN void lx_exit(int status) {
	lx_sys(94, status, 0, 0, 0, 0, 0);
	__builtin_unreachable();
}

static void lx_write(int fd, const void *p, uint64_t n) {
	const uint8_t *q = p;
	while (n) {
		long w = lx_sys(64, fd, (long)q, (long)n, 0, 0, 0);
		if (w <= 0)
			lx_exit(98);
		q += w;
		n -= (uint64_t)w;
	}
}

/* Fresh zeroed memory at a fixed address (mmap MAP_PRIVATE|MAP_ANONYMOUS|MAP_FIXED). */
static void lx_map(uint64_t addr, uint64_t len) {
	if ((uint64_t)lx_sys(222, (long)addr, (long)len, 3, 0x32, -1, 0) != addr) {
		static const char m[] = "mock: mmap failed\n";
		lx_write(2, m, sizeof m - 1);
		lx_exit(99);
	}
}

/* ---- the mock world, in memory of its own (the contract's .data/.bss are reset per
 * call, so the harness keeps nothing there) ---- */

#define MOCK_BASE 0x70000000UL /* trampoline.S's MOCK_CTX: ctx must stay first */
#define MOCK_SIZE (64UL << 20)
#define ARENA_LO 0x80000000UL
#define ARENA_HI 0xC0000000UL
#define STACK_TOP 0x80300000UL
#define HEAP_SIZE (16UL << 20)
#define MAX_SLOTS 1024

struct slot {
	uint8_t key[32], val[32];
};

struct world {
	uint64_t ctx[32];
	uint8_t self[20], caller[20], coinbase[20], created[20];
	uint64_t value;
	int is_static;
	struct slot st[MAX_SLOTS], snap[MAX_SLOTS], tst[MAX_SLOTS];
	int nst, nsnap, ntst;
	struct {
		int ok;
		uint64_t len;
		uint8_t data[4096];
	} rq[16]; /* queued answers for calls and creates, used in order */
	int rq_head, rq_n;
	uint8_t rd[65536]; /* return data of the last call/create */
	uint64_t rd_len;
	uint8_t out[1 << 20]; /* RETURN / REVERT data */
	uint64_t out_len;
	char trace[1 << 16], logs[1 << 18], print[1 << 20], fault[160];
	uint64_t trace_len, logs_len, print_len;
	uint64_t heap_lo, heap_hi, data_len;
	char input[4 << 20];
	uint8_t cd[1 << 20];
	uint8_t data_snap[];
};
#define W ((struct world *)MOCK_BASE)

extern uint8_t __hv_data_start[];
extern long hv_mock_run(int (*fn)(void), uint64_t stack_top);
extern HV_NORETURN void hv_mock_longjmp(long status);
void mock_keccak256(const uint8_t *p, uint64_t len, uint8_t out[32]);
void hv_mock_dispatch(uint64_t *r);

/* ---- text output ---- */

static void bput(char *buf, uint64_t *len, uint64_t cap, const char *s, uint64_t n) {
	for (uint64_t i = 0; i < n && *len < cap; i++)
		buf[(*len)++] = s[i];
}
static uint64_t slen(const char *s) {
	uint64_t n = 0;
	while (s[n])
		n++;
	return n;
}
#define PUT(buf, s) bput(W->buf, &W->buf##_len, sizeof W->buf, (s), slen(s))
static void puthex(char *buf, uint64_t *len, uint64_t cap, const uint8_t *p, uint64_t n) {
	for (uint64_t i = 0; i < n; i++) {
		char h[2] = {"0123456789abcdef"[p[i] >> 4], "0123456789abcdef"[p[i] & 15]};
		bput(buf, len, cap, h, 2);
	}
}
#define PUTHEX(buf, p, n) puthex(W->buf, &W->buf##_len, sizeof W->buf, (p), (n))
static void putdec(char *buf, uint64_t *len, uint64_t cap, uint64_t v) {
	char d[24];
	int k = 0;
	do {
		d[k++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (k) {
		char c = d[--k];
		bput(buf, len, cap, &c, 1);
	}
}
#define PUTDEC(buf, v) putdec(W->buf, &W->buf##_len, sizeof W->buf, (v))
static void flush(void) {
	lx_write(1, W->print, W->print_len);
	W->print_len = 0;
}

/* ---- faults and guest memory ---- */

static HV_NORETURN void fault(const char *why) {
	uint64_t n = slen(why);
	if (n >= sizeof W->fault)
		n = sizeof W->fault - 1;
	for (uint64_t i = 0; i < n; i++)
		W->fault[i] = why[i];
	W->fault[n] = 0;
	hv_mock_longjmp(2);
}

/* A guest range: inside the arena (docs/abi.md: outside is a fault) and inside what the mock
 * has mapped (calldata + stack, the ELF, the heap). */
static uint8_t *mem(uint64_t p, uint64_t len) {
	if (len == 0)
		return (uint8_t *)W->out; /* any valid pointer: nothing is accessed */
	if (p + len < p || p < ARENA_LO || p + len > ARENA_HI)
		fault("memory range outside the arena");
	if (p + len > W->heap_hi)
		fault("mock: range not mapped by the mock (valid in the arena, unsupported here)");
	return (uint8_t *)p;
}

static void copy(uint8_t *d, const uint8_t *s, uint64_t n) {
	for (uint64_t i = 0; i < n; i++)
		d[i] = s[i];
}

/* ---- register encodings, from docs/abi.md "System calls" ---- */

static uint64_t be64(const uint8_t *b) {
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v = v << 8 | b[i];
	return v;
}
static void put_be64(uint8_t *b, uint64_t v) {
	for (int i = 7; i >= 0; i--, v >>= 8)
		b[i] = (uint8_t)v;
}
/* U256: a0 = bits 0..63 ... a3 = bits 192..255 of the big-endian word w. */
static void u256_out(uint64_t *a, const uint8_t w[32]) {
	for (int i = 0; i < 4; i++)
		a[i] = be64(w + 24 - 8 * i);
}
static void u256_in(const uint64_t *a, uint8_t w[32]) {
	for (int i = 0; i < 4; i++)
		put_be64(w + 24 - 8 * i, a[i]);
}
static void u256_small(uint64_t *a, uint64_t v) {
	a[0] = v;
	a[1] = a[2] = a[3] = 0;
}
/* A-out: a0 = BE64(b[0..8]), a1 = BE64(b[8..16]), a2 = BE64(b[16..20] ‖ 00000000). */
static void aout(uint64_t *a, const uint8_t b[20]) {
	a[0] = be64(b);
	a[1] = be64(b + 8);
	a[2] = (uint64_t)b[16] << 56 | (uint64_t)b[17] << 48 | (uint64_t)b[18] << 40 | (uint64_t)b[19] << 32;
}
/* A-in: a0, a1 as A-out; a2 = BE64(00000000 ‖ b[16..20]). */
static void ain(const uint64_t *a, uint8_t b[20]) {
	if (a[2] >> 32)
		fault("A-in address with bits set above its last 4 bytes");
	put_be64(b, a[0]);
	put_be64(b + 8, a[1]);
	for (int i = 0; i < 4; i++)
		b[16 + i] = (uint8_t)(a[2] >> (24 - 8 * i));
}
/* A-word: the address as a U256: a0 = BE64(b[12..20]), a1 = BE64(b[4..12]),
 * a2 = BE64(00000000 ‖ b[0..4]). */
static void aword(const uint64_t *a, uint8_t b[20]) {
	if (a[2] >> 32)
		fault("A-word address with bits set above bit 159");
	for (int i = 0; i < 4; i++)
		b[i] = (uint8_t)(a[2] >> (24 - 8 * i));
	put_be64(b + 4, a[1]);
	put_be64(b + 12, a[0]);
}

/* ---- storage ---- */

static int is_zero(const uint8_t *p, int n) {
	for (int i = 0; i < n; i++)
		if (p[i])
			return 0;
	return 1;
}
static int eq32(const uint8_t *x, const uint8_t *y) {
	for (int i = 0; i < 32; i++)
		if (x[i] != y[i])
			return 0;
	return 1;
}
static void sget(struct slot *s, int n, const uint8_t key[32], uint8_t val[32]) {
	for (int i = 0; i < n; i++)
		if (eq32(s[i].key, key)) {
			copy(val, s[i].val, 32);
			return;
		}
	for (int i = 0; i < 32; i++)
		val[i] = 0;
}
static void sset(struct slot *s, int *n, const uint8_t key[32], const uint8_t val[32]) {
	for (int i = 0; i < *n; i++)
		if (eq32(s[i].key, key)) {
			if (is_zero(val, 32)) {
				s[i] = s[--*n]; /* order does not matter: dump sorts */
			} else {
				copy(s[i].val, val, 32);
			}
			return;
		}
	if (is_zero(val, 32))
		return;
	if (*n == MAX_SLOTS)
		fault("mock: storage full");
	copy(s[*n].key, key, 32);
	copy(s[*n].val, val, 32);
	++*n;
}

/* ---- the system calls ---- */

/* Takes the next queued answer: a0 = 1 / 0, its data becomes the return data. With
 * nothing queued the call fails with empty return data. Returns ok. */
static int answer(uint64_t *a) {
	int ok = 0;
	W->rd_len = 0;
	if (W->rq_n) {
		ok = W->rq[W->rq_head].ok;
		W->rd_len = W->rq[W->rq_head].len;
		copy(W->rd, W->rq[W->rq_head].data, W->rd_len);
		W->rq_head = (W->rq_head + 1) % 16;
		W->rq_n--;
	}
	a[0] = ok ? 1 : 0;
	return ok;
}

void hv_mock_dispatch(uint64_t *r) {
	uint64_t *a = r + 10; /* a0..a7 */
	uint8_t w[32], k[32], b[20];
	uint64_t id = r[5] & 0xFF;
	switch (id) {
	case 0x01:
		copy(mem(a[0], 20), W->created, 20);
		break;
	case 0x20:
		mock_keccak256(mem(a[0], a[1]), a[1], w);
		u256_out(a, w);
		break;
	case 0x30:
		aout(a, W->self);
		break;
	case 0x31: /* BALANCE: everyone is poor in the mock */
		ain(a, b);
		u256_small(a, 0);
		break;
	case 0x32:
	case 0x33:
		aout(a, W->caller);
		break;
	case 0x34:
		u256_small(a, W->value);
		break;
	case 0x35: { /* CALLDATALOAD: 32 bytes at offset, zero-padded */
		uint64_t n = *(uint64_t *)ARENA_LO, off = a[0];
		for (uint64_t i = 0; i < 32; i++)
			w[i] = (off + i >= off && off + i < n) ? ((uint8_t *)ARENA_LO + 8)[off + i] : 0;
		u256_out(a, w);
		break;
	}
	case 0x36:
		u256_small(a, *(uint64_t *)ARENA_LO);
		break;
	case 0x37: { /* CALLDATACOPY dest, offset, len */
		uint64_t n = *(uint64_t *)ARENA_LO;
		uint8_t *d = mem(a[0], a[2]);
		for (uint64_t i = 0; i < a[2]; i++)
			d[i] = (a[1] + i >= a[1] && a[1] + i < n) ? ((uint8_t *)ARENA_LO + 8)[a[1] + i] : 0;
		break;
	}
	case 0x3A:
		u256_small(a, 1);
		break;
	case 0x3D:
		a[0] = W->rd_len;
		break;
	case 0x3E:
		if (a[1] + a[2] < a[1] || a[1] + a[2] > W->rd_len)
			fault("RETURNDATACOPY out of range");
		copy(mem(a[0], a[2]), W->rd + a[1], a[2]);
		break;
	case 0x40:
	case 0x44:
	case 0x47:
	case 0x49:
		u256_small(a, 0);
		break;
	case 0x41:
		aout(a, W->coinbase);
		break;
	case 0x42:
		u256_small(a, 1700000000);
		break;
	case 0x43:
		u256_small(a, 1000);
		break;
	case 0x45:
		u256_small(a, 30000000);
		break;
	case 0x46:
		a[0] = 1;
		break;
	case 0x48:
		u256_small(a, 7);
		break;
	case 0x4A:
		u256_small(a, 1);
		break;
	case 0x54:
	case 0x5C:
		u256_in(a, k);
		sget(id == 0x54 ? W->st : W->tst, id == 0x54 ? W->nst : W->ntst, k, w);
		u256_out(a, w);
		break;
	case 0x55:
	case 0x5D:
		if (W->is_static)
			fault(id == 0x55 ? "SSTORE in a static frame" : "TSTORE in a static frame");
		u256_in(a, k);
		u256_in(a + 4, w);
		if (id == 0x55)
			sset(W->st, &W->nst, k, w);
		else
			sset(W->tst, &W->ntst, k, w);
		break;
	case 0x5A:
		a[0] = 1000000;
		break;
	case 0xA0: { /* LOG data ptr, len, topics ptr, count */
		if (a[3] > 4)
			fault("LOG with more than 4 topics");
		if (W->is_static)
			fault("LOG in a static frame");
		const uint8_t *t = mem(a[2], 32 * a[3]), *d = mem(a[0], a[1]);
		PUT(logs, "log");
		for (uint64_t i = 0; i < a[3]; i++) {
			PUT(logs, " ");
			PUTHEX(logs, t + 32 * i, 32);
		}
		PUT(logs, " data=");
		PUTHEX(logs, d, a[1]);
		PUT(logs, "\n");
		break;
	}
	case 0xF0:
	case 0xF5: { /* CREATE / CREATE2 value, ptr, len [, salt a3..a6] */
		if (W->is_static)
			fault("CREATE in a static frame");
		const uint8_t *code = mem(a[1], a[2]);
		PUT(trace, id == 0xF0 ? "create value=" : "create2 value=");
		PUTDEC(trace, a[0]);
		PUT(trace, " initcode_len=");
		PUTDEC(trace, a[2]);
		PUT(trace, " initcode_keccak=");
		mock_keccak256(code, a[2], w);
		PUTHEX(trace, w, 32);
		if (id == 0xF5) {
			u256_in(a + 3, k);
			PUT(trace, " salt=");
			PUTHEX(trace, k, 32);
		}
		PUT(trace, "\n");
		int ok = answer(a);
		if (ok && W->rd_len != 20)
			fault("mock: a successful create needs a 20-byte address in its respond line");
		for (int i = 0; i < 20; i++)
			W->created[i] = ok ? W->rd[i] : 0;
		if (ok)
			W->rd_len = 0; /* a successful create leaves no return data */
		break;
	}
	case 0xF1:
	case 0xF4:
	case 0xFA: { /* CALL-shaped: A-word a0..a2, a3 value (CALL), a4 ptr, a5 len */
		aword(a, b);
		if (id == 0xF1 && W->is_static && a[3])
			fault("CALL with value in a static frame");
		const uint8_t *in = mem(a[4], a[5]);
		PUT(trace, id == 0xF1 ? "call to=" : id == 0xF4 ? "delegatecall to=" : "staticcall to=");
		PUTHEX(trace, b, 20);
		if (id == 0xF1) {
			PUT(trace, " value=");
			PUTDEC(trace, a[3]);
		}
		PUT(trace, " input=");
		PUTHEX(trace, in, a[5]);
		PUT(trace, "\n");
		answer(a);
		break;
	}
	case 0xF3:
	case 0xFD:
		const uint8_t *o = mem(a[0], a[1]);
		if (a[1] > sizeof W->out)
			fault("mock: output too large");
		W->out_len = a[1];
		copy(W->out, o, a[1]);
		hv_mock_longjmp(id == 0xF3 ? 0 : 1);
	default: {
		static char msg[] = "unknown syscall id 0x..";
		msg[21] = "0123456789abcdef"[id >> 4];
		msg[22] = "0123456789abcdef"[id & 15];
		fault(msg);
	}
	}
}

/* ---- running a frame ---- */

__attribute__((weak)) void hv_constructor(const uint8_t *args, uint64_t len) {
	(void)args;
	(void)len;
}

static int run_constructor(void) {
	hv_constructor(hv_calldata(), hv_calldata_size());
	return 0;
}

static void run(int (*entry)(void), const uint8_t *cd, uint64_t n) {
	lx_map(ARENA_LO, STACK_TOP - ARENA_LO); /* fresh zero calldata window and stack */
	*(uint64_t *)ARENA_LO = n;
	copy((uint8_t *)ARENA_LO + 8, cd, n);
	lx_map(W->heap_lo, HEAP_SIZE);
	copy(__hv_data_start, W->data_snap, W->data_len); /* .data as loaded, .bss zero */
	for (int i = 0; i < W->nst; i++)
		W->snap[i] = W->st[i];
	W->nsnap = W->nst;
	W->ntst = 0;
	W->trace_len = W->logs_len = W->rd_len = W->out_len = 0;

	long status = hv_mock_run(entry, STACK_TOP);

	bput(W->print, &W->print_len, sizeof W->print, W->trace, W->trace_len);
	switch (status) {
	case 0:
	case 3: /* main returned: crt0 ends the frame with RETURN of nothing */
		bput(W->print, &W->print_len, sizeof W->print, W->logs, W->logs_len);
		PUT(print, "ok ");
		PUTHEX(print, W->out, status == 0 ? W->out_len : 0);
		break;
	case 1:
		PUT(print, "revert ");
		PUTHEX(print, W->out, W->out_len);
		break;
	default:
		PUT(print, "fault ");
		PUT(print, W->fault);
	}
	PUT(print, "\n");
	if (status == 1 || status == 2) {
		for (int i = 0; i < W->nsnap; i++)
			W->st[i] = W->snap[i];
		W->nst = W->nsnap;
	}
}

/* ---- the script ---- */

static int hexval(char c) {
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Parses hex (optional 0x) into out; returns the byte count or -1. */
static long parse_hex(const char *s, uint8_t *out, uint64_t cap) {
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	uint64_t n = 0;
	for (; s[0] && s[0] != ' '; s += 2) {
		int h = hexval(s[0]), l = s[1] ? hexval(s[1]) : -1;
		if (h < 0 || l < 0 || n == cap)
			return -1;
		out[n++] = (uint8_t)(h << 4 | l);
	}
	return (long)n;
}

static int word(const char *line, const char *w, const char **rest) {
	uint64_t n = slen(w);
	for (uint64_t i = 0; i < n; i++)
		if (line[i] != w[i])
			return 0;
	if (line[n] != 0 && line[n] != ' ')
		return 0;
	*rest = line[n] ? line + n + 1 : line + n;
	return 1;
}

static HV_NORETURN void bad_line(const char *line) {
	flush();
	static const char m[] = "mock: bad script line: ";
	lx_write(2, m, sizeof m - 1);
	lx_write(2, line, slen(line));
	lx_write(2, "\n", 1);
	lx_exit(2);
}

static void dump(void) {
	/* selection sort by key: a stable, readable order for golden files */
	struct slot *s = W->snap; /* free between calls */
	int n = W->nst;
	for (int i = 0; i < n; i++)
		s[i] = W->st[i];
	for (int i = 0; i < n; i++) {
		int m = i;
		for (int j = i + 1; j < n; j++) {
			int less = 0;
			for (int q = 0; q < 32; q++)
				if (s[j].key[q] != s[m].key[q]) {
					less = s[j].key[q] < s[m].key[q];
					break;
				}
			if (less)
				m = j;
		}
		struct slot t = s[i];
		s[i] = s[m];
		s[m] = t;
		PUT(print, "slot ");
		PUTHEX(print, s[i].key, 32);
		PUT(print, " = ");
		PUTHEX(print, s[i].val, 32);
		PUT(print, "\n");
	}
}

static void command(char *line) {
	const char *rest;
	PUT(print, "> ");
	PUT(print, line);
	PUT(print, "\n");
	if (word(line, "caller", &rest)) {
		if (parse_hex(rest, W->caller, 20) != 20)
			bad_line(line);
	} else if (word(line, "value", &rest)) {
		W->value = 0;
		for (; *rest >= '0' && *rest <= '9'; rest++)
			W->value = W->value * 10 + (uint64_t)(*rest - '0');
	} else if (word(line, "static", &rest)) {
		W->is_static = rest[0] == '1';
	} else if (word(line, "respond", &rest)) {
		const char *data;
		int ok;
		if (word(rest, "ok", &data))
			ok = 1;
		else if (word(rest, "fail", &data))
			ok = 0;
		else
			bad_line(line);
		if (W->rq_n == 16)
			bad_line(line);
		int i = (W->rq_head + W->rq_n) % 16;
		long n = parse_hex(data, W->rq[i].data, sizeof W->rq[i].data);
		if (n < 0)
			bad_line(line);
		W->rq[i].ok = ok;
		W->rq[i].len = (uint64_t)n;
		W->rq_n++;
	} else if (word(line, "deploy", &rest) || word(line, "call", &rest)) {
		long n = parse_hex(rest, W->cd, sizeof W->cd);
		if (n < 0)
			bad_line(line);
		run(line[0] == 'd' ? run_constructor : main, W->cd, (uint64_t)n);
		if (W->rq_n) { /* answers the frame did not ask for: drop them, say so */
			PUT(print, "unused responses: ");
			PUTDEC(print, (uint64_t)W->rq_n);
			PUT(print, "\n");
			W->rq_n = 0;
		}
	} else if (word(line, "dump", &rest)) {
		dump();
	} else {
		bad_line(line);
	}
	flush();
}

int mock_main(void) {
	lx_map(MOCK_BASE, MOCK_SIZE);
	W->heap_lo = ((uint64_t)_end + 4095) & ~4095UL;
	W->heap_hi = W->heap_lo + HEAP_SIZE;
	W->data_len = (uint64_t)(_end - __hv_data_start);
	if (sizeof(struct world) + W->data_len > MOCK_SIZE)
		lx_exit(97);
	copy(W->data_snap, __hv_data_start, W->data_len);
	for (int i = 0; i < 20; i++) {
		W->self[i] = (uint8_t)(0xc0 + i);     /* 0xc0c1c2...d3 */
		W->coinbase[i] = (uint8_t)(0xe0 + i); /* 0xe0e1...f3 */
	}
	W->caller[19] = 1; /* 0x00..01 until the script says otherwise */

	uint64_t n = 0;
	for (;;) {
		long got = lx_sys(63, 0, (long)(W->input + n), (long)(sizeof W->input - 1 - n), 0, 0, 0);
		if (got < 0)
			lx_exit(96);
		if (got == 0)
			break;
		n += (uint64_t)got;
		if (n == sizeof W->input - 1)
			lx_exit(95);
	}
	W->input[n] = 0;
	char *line = W->input;
	while (*line) {
		char *end = line;
		while (*end && *end != '\n')
			end++;
		char *next = *end ? end + 1 : end;
		*end = 0;
		while (end > line && (end[-1] == ' ' || end[-1] == '\r'))
			*--end = 0;
		if (line[0] && line[0] != '#')
			command(line);
		line = next;
	}
	return 0;
}

/* The mock's own entry point: the harness runs on the stack Linux gave it; only
 * contract code runs on the 0x8030_0000 stack (hv_mock_run). */
__asm__(".section .text.mock_start, \"ax\", @progbits\n"
	".globl _start\n"
	"_start:\n"
	"	call mock_main\n"
	"	li a7, 94\n"
	"	ecall\n");
