/*
 * relay — a RISC-V contract that makes every kind of outgoing call, for the hybrid
 * (EVM <-> RISC-V) scenarios. Contract mode (C SDK).
 *
 *   function callOut(address target, bytes data) external returns (bytes);       // CALL; bubbles a failure's revert data
 *   function callValue(address target, bytes data) external payable returns (bytes); // CALL passing on msg.value
 *   function staticOut(address target, bytes data) external returns (bool ok, bytes ret); // STATICCALL
 *   function delegateOut(address target, bytes data) external returns (bytes);   // DELEGATECALL; bubbles
 *   function tryCall(address target, bytes data) external returns (bool ok);      // CALL; records the outcome, never reverts
 *   function createOut(bytes initcode) external returns (address);                // CREATE; CreateFailed() on failure
 *   function create2Out(bytes32 salt, bytes initcode) external returns (address); // CREATE2
 *   function store(uint256 v) external;                                           // slot 0 = v
 *   function load() external view returns (uint256);                              // slot 0
 *   function outcome() external view returns (uint256);                           // slot 1: tryCall's record
 *
 *   error CreateFailed();
 *
 * tryCall stores 1 in slot 1 when the call succeeded and 2 when it failed, then returns
 * normally: the caller's frame goes on after a child's revert or fault, and only the
 * failing frame and its children are unwound.
 *
 * Storage: slot 0 (store/load; also what a delegated store(uint256) of an EVM contract
 * writes), slot 1 (tryCall's outcome). Unknown selectors revert with empty data.
 */
#include "hybridvm.h"

#define SEL_CALL_OUT 0xefad3a31u     /* callOut(address,bytes) */
#define SEL_CALL_VALUE 0x4daedf8eu   /* callValue(address,bytes) */
#define SEL_STATIC_OUT 0x900ffe8au   /* staticOut(address,bytes) */
#define SEL_DELEGATE_OUT 0xde3341e3u /* delegateOut(address,bytes) */
#define SEL_TRY_CALL 0x7361f49du     /* tryCall(address,bytes) */
#define SEL_CREATE_OUT 0x805ac83du   /* createOut(bytes) */
#define SEL_CREATE2_OUT 0x8f52e204u  /* create2Out(bytes32,bytes) */
#define SEL_STORE 0x6057361du        /* store(uint256) */
#define SEL_LOAD 0x86d5c4beu         /* load() */
#define SEL_OUTCOME 0x27793f87u      /* outcome() */
#define ERR_CREATE_FAILED 0x7e16b8cdu /* CreateFailed() */

/* Return data is copied here: the heap (after .bss) is free memory. */
#define MAX_DATA (256u << 10)

/* arg_bytes decodes the `bytes` argument whose offset is in word i: its length and a
 * pointer into the calldata window. Malformed encodings revert with empty data. */
static const uint8_t *arg_bytes(unsigned i, uint64_t *len) {
	u256 off = hv_arg_u256(i);
	uint64_t size = hv_calldata_size();
	if (!u256_fits_u64(off) || off.w[0] > size)
		hv_revert_empty();
	uint64_t at = 4 + off.w[0];
	if (at + 32 > size)
		hv_revert_empty();
	u256 n = u256_from_be32(hv_calldata() + at);
	if (!u256_fits_u64(n) || n.w[0] > size - at - 32)
		hv_revert_empty();
	*len = n.w[0];
	return hv_calldata() + at + 32;
}

/* return_data copies the last child's return data to the heap and returns its length. */
static uint8_t *return_data(uint64_t *len) {
	uint8_t *buf = hv_heap_start();
	*len = hv_returndatasize();
	if (*len > MAX_DATA)
		hv_revert_empty();
	hv_returndatacopy(buf + 96, 0, *len); /* room for up to three head words before it */
	return buf + 96;
}

/* return_bytes ends the call returning `bytes` = data (which sits 96 bytes into the
 * heap: the head words go just before it). */
static HV_NORETURN void return_bytes(uint8_t *data, uint64_t len) {
	uint8_t *head = data - 64;
	hv_put_u64(head, 0, 32);
	hv_put_u64(head, 1, len);
	uint64_t padded = (len + 31) & ~31UL;
	for (uint64_t k = len; k < padded; k++)
		data[k] = 0;
	hv_return(head, 64 + padded);
}

static HV_NORETURN void bubble(void) {
	uint64_t len;
	uint8_t *data = return_data(&len);
	hv_revert(data, len);
}

static void do_call(unsigned kind, uint64_t value) {
	address target = hv_arg_address(0);
	uint64_t len;
	const uint8_t *data = arg_bytes(1, &len);
	bool ok;
	switch (kind) {
	case 0:
		ok = hv_call(&target, value, data, len);
		break;
	case 1:
		ok = hv_delegatecall(&target, data, len);
		break;
	default:
		ok = hv_staticcall(&target, data, len);
		uint64_t rlen;
		uint8_t *ret = return_data(&rlen);
		uint8_t *head = ret - 96;
		hv_put_u64(head, 0, ok ? 1 : 0);
		hv_put_u64(head, 1, 64);
		hv_put_u64(head, 2, rlen);
		uint64_t padded = (rlen + 31) & ~31UL;
		for (uint64_t k = rlen; k < padded; k++)
			ret[k] = 0;
		hv_return(head, 96 + padded);
	}
	if (!ok)
		bubble();
	uint64_t rlen;
	uint8_t *ret = return_data(&rlen);
	return_bytes(ret, rlen);
}

int main(void) {
	switch (hv_selector()) {
	case SEL_CALL_OUT:
		hv_require_no_value();
		do_call(0, 0);
		break;
	case SEL_CALL_VALUE: {
		u256 v = hv_callvalue();
		if (!u256_fits_u64(v))
			hv_revert_empty();
		do_call(0, v.w[0]);
		break;
	}
	case SEL_DELEGATE_OUT:
		hv_require_no_value();
		do_call(1, 0);
		break;
	case SEL_STATIC_OUT:
		hv_require_no_value();
		do_call(2, 0);
		break;
	case SEL_TRY_CALL: {
		hv_require_no_value();
		address target = hv_arg_address(0);
		uint64_t len;
		const uint8_t *data = arg_bytes(1, &len);
		bool ok = hv_call(&target, 0, data, len);
		hv_sstore(hv_slot(1), u256_from_u64(ok ? 1 : 2));
		hv_return_bool(ok);
	}
	case SEL_CREATE_OUT:
	case SEL_CREATE2_OUT: {
		hv_require_no_value();
		bool two = hv_selector() == SEL_CREATE2_OUT;
		uint64_t len;
		const uint8_t *code = arg_bytes(two ? 1 : 0, &len);
		bool ok = two ? hv_create2(0, code, len, hv_arg_u256(0)) : hv_create(0, code, len);
		if (!ok)
			hv_revert_error(ERR_CREATE_FAILED, 0, 0);
		address a = hv_create_address();
		hv_return_address(&a);
	}
	case SEL_STORE:
		hv_require_no_value();
		hv_sstore(hv_slot(0), hv_arg_u256(0));
		hv_return(0, 0);
	case SEL_LOAD:
		hv_return_u256(hv_sload(hv_slot(0)));
	case SEL_OUTCOME:
		hv_return_u256(hv_sload(hv_slot(1)));
	default:
		hv_revert_empty();
	}
	hv_revert_empty();
}
