/*
 * token.c — ERC20 state transitions shared by the runtime and the constructor.
 * See token.h for the storage layout and the OpenZeppelin v5 semantics followed.
 */
#include "token.h"

static const u256 topic_transfer = TOPIC_TRANSFER;
static const u256 topic_ownership = TOPIC_OWNERSHIP_TRANSFERRED;

HV_NORETURN void token_revert_addr(uint32_t selector, const address *a) {
	u256 w = hv_addr_to_u256(a);
	hv_revert_error(selector, &w, 1);
}

void token_update(const address *from, const address *to, u256 value) {
	if (hv_addr_is_zero(from)) {
		/* Minting: totalSupply += value, checked (Panic 0x11 on overflow). Every
		 * balance is <= totalSupply, so the credit below cannot overflow. */
		u256 ts = hv_sload(hv_slot(SLOT_TOTAL_SUPPLY));
		hv_sstore(hv_slot(SLOT_TOTAL_SUPPLY), u256_add_checked(ts, value));
	} else {
		u256 slot = hv_mapping_slot_addr(from, hv_slot(SLOT_BALANCES));
		u256 bal = hv_sload(slot);
		if (u256_lt(bal, value)) {
			u256 args[3] = {hv_addr_to_u256(from), bal, value};
			hv_revert_error(ERR_INSUFFICIENT_BALANCE, args, 3);
		}
		hv_sstore(slot, u256_sub(bal, value, 0));
	}
	if (hv_addr_is_zero(to)) {
		/* Burning (no external entry point burns today, kept for the OZ shape). */
		u256 ts = hv_sload(hv_slot(SLOT_TOTAL_SUPPLY));
		hv_sstore(hv_slot(SLOT_TOTAL_SUPPLY), u256_sub(ts, value, 0));
	} else {
		/* Read after the debit above, so a self-transfer nets to zero. */
		u256 slot = hv_mapping_slot_addr(to, hv_slot(SLOT_BALANCES));
		hv_sstore(slot, u256_add(hv_sload(slot), value, 0));
	}
	u256 topics[3] = {topic_transfer, hv_addr_to_u256(from), hv_addr_to_u256(to)};
	uint8_t data[32];
	u256_to_be32(value, data);
	hv_emit(topics, 3, data, 32);
}

void token_mint(const address *to, u256 value) {
	if (hv_addr_is_zero(to))
		token_revert_addr(ERR_INVALID_RECEIVER, to);
	address zero = {{0}};
	token_update(&zero, to, value);
}

void token_set_owner(const address *owner) {
	u256 slot = hv_slot(SLOT_OWNER);
	u256 old = hv_sload(slot);
	u256 now = hv_addr_to_u256(owner);
	hv_sstore(slot, now);
	u256 topics[3] = {topic_ownership, old, now};
	hv_emit(topics, 3, 0, 0);
}
