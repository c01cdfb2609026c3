/*
 * factory — a RISC-V contract that creates RISC-V contracts and calls them.
 *
 *   function deploy() external returns (address child, uint256 value);
 *   function deploy2(bytes32 salt) external returns (address child, uint256 value);
 *   function proxy(address target, bytes data) external returns (bytes);   // raw, see below
 *   function lastChild() external view returns (address);
 *
 *   error CreateFailed();
 *
 * deploy / deploy2 CREATE / CREATE2 the counter example (its initcode is embedded
 * with .incbin), then CALL it: increment(), then get(), whose 32-byte result is read
 * back with RETURNDATASIZE / RETURNDATACOPY. They return the child's address and the
 * counter value (1 for a fresh child) and store the child in slot 0. A failed create
 * reverts with CreateFailed(); a failed call forwards the child's revert data.
 *
 * proxy CALLs target with data (value 0) and ends with the callee's return data as
 * is: RETURN of it on success, REVERT of it on failure — the revert is forwarded
 * byte for byte (e.g. proxy(child, 0xdeadbeef) reverts with the counter's empty
 * revert; proxy(erc20, transfer(...)) forwards an ERC20InsufficientBalance error).
 *
 * Storage: slot 0 = the last child's address. Non-payable; unknown selectors and
 * malformed calldata revert with empty data.
 */
#include "hybridvm.h"

#define SEL_DEPLOY 0x775c300cu     /* deploy() */
#define SEL_DEPLOY2 0xdec3c14fu    /* deploy2(bytes32) */
#define SEL_PROXY 0xbe6d055au      /* proxy(address,bytes) */
#define SEL_LAST_CHILD 0xf9fbf886u /* lastChild() */
#define ERR_CREATE_FAILED 0x7e16b8cdu /* CreateFailed() */

/* The counter's selectors (examples/counter/counter.c). */
#define COUNTER_INCREMENT 0xd09de08au /* increment() */
#define COUNTER_GET 0x6d4ce63cu       /* get() */

#define SLOT_LAST_CHILD 0

extern const uint8_t counter_initcode[], counter_initcode_end[];

/* Ends the frame with the last callee's return data: RETURN or REVERT of it. */
static HV_NORETURN void forward_returndata(bool ok) {
	uint64_t n = hv_returndatasize();
	uint8_t *buf = hv_heap_start();
	hv_returndatacopy(buf, 0, n);
	if (ok)
		hv_return(buf, n);
	hv_revert(buf, n);
}

/* Calls the counter at child with a 4-byte selector and no arguments. */
static void call_counter(const address *child, uint32_t selector) {
	uint8_t in[4];
	hv_be32_store(in, selector);
	if (!hv_call(child, 0, in, 4))
		forward_returndata(false);
}

static HV_NORETURN void created(bool ok) {
	if (!ok)
		hv_revert_error(ERR_CREATE_FAILED, 0, 0);
	address child = hv_create_address();
	hv_sstore(hv_slot(SLOT_LAST_CHILD), hv_addr_to_u256(&child));
	call_counter(&child, COUNTER_INCREMENT);
	call_counter(&child, COUNTER_GET);
	if (hv_returndatasize() != 32)
		hv_revert_empty();
	uint8_t out[64];
	hv_put_address(out, 0, &child);
	hv_returndatacopy(out + 32, 0, 32);
	hv_return(out, 64);
}

/* Decodes proxy(address,bytes) and makes the call. */
static HV_NORETURN void proxy(void) {
	address target = hv_arg_address(0);
	u256 off = hv_arg_u256(1); /* offset of the bytes, from the start of the arguments */
	uint64_t args_len = hv_calldata_size() - 4;
	if (!u256_fits_u64(off) || off.w[0] > args_len || args_len - off.w[0] < 32)
		hv_revert_empty();
	const uint8_t *args = hv_calldata() + 4;
	u256 len = u256_from_be32(args + off.w[0]);
	if (!u256_fits_u64(len) || len.w[0] > args_len - off.w[0] - 32)
		hv_revert_empty();
	bool ok = hv_call(&target, 0, args + off.w[0] + 32, len.w[0]);
	forward_returndata(ok);
}

int main(void) {
	uint64_t sel = hv_selector();
	hv_require_no_value();
	switch (sel) {
	case SEL_DEPLOY:
		created(hv_create(0, counter_initcode, (uint64_t)(counter_initcode_end - counter_initcode)));
	case SEL_DEPLOY2: {
		u256 salt = hv_arg_u256(0);
		created(hv_create2(0, counter_initcode, (uint64_t)(counter_initcode_end - counter_initcode), salt));
	}
	case SEL_PROXY:
		proxy();
	case SEL_LAST_CHILD: {
		address a = hv_addr_from_u256(hv_sload(hv_slot(SLOT_LAST_CHILD)));
		hv_return_address(&a);
	}
	default:
		hv_revert_empty();
	}
}
