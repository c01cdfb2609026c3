/*
 * erc20 — an ERC20 token (EIP-20) with an owner who may mint.
 *
 *   function name() external view returns (string);          // "Hybrid Token"
 *   function symbol() external view returns (string);        // "HYB"
 *   function decimals() external view returns (uint8);       // 18
 *   function totalSupply() external view returns (uint256);
 *   function balanceOf(address account) external view returns (uint256);
 *   function allowance(address owner, address spender) external view returns (uint256);
 *   function owner() external view returns (address);
 *   function transfer(address to, uint256 value) external returns (bool);
 *   function approve(address spender, uint256 value) external returns (bool);
 *   function transferFrom(address from, address to, uint256 value) external returns (bool);
 *   function mint(address to, uint256 value) external;       // only the owner
 *
 *   event Transfer(address indexed from, address indexed to, uint256 value);
 *   event Approval(address indexed owner, address indexed spender, uint256 value);
 *
 * Semantics and errors are OpenZeppelin Contracts v5's (ERC-6093 custom errors):
 * an allowance of type(uint256).max is never decreased; transferFrom spends the
 * allowance before moving the tokens and does not emit Approval for the spend.
 * Storage layout: token.h. Every function is non-payable; an unknown selector,
 * calldata shorter than the arguments, or an address argument with dirty high bits
 * reverts with empty data, as a Solidity contract does.
 */
#include "token.h"

static const u256 topic_approval = TOPIC_APPROVAL;

/* _approve(owner, spender, value, emitEvent) */
static void approve(const address *owner, const address *spender, u256 value, bool emit) {
	if (hv_addr_is_zero(owner))
		token_revert_addr(ERR_INVALID_APPROVER, owner);
	if (hv_addr_is_zero(spender))
		token_revert_addr(ERR_INVALID_SPENDER, spender);
	hv_sstore(hv_mapping2_slot_addr(owner, spender, hv_slot(SLOT_ALLOWANCES)), value);
	if (emit) {
		u256 topics[3] = {topic_approval, hv_addr_to_u256(owner), hv_addr_to_u256(spender)};
		uint8_t data[32];
		u256_to_be32(value, data);
		hv_emit(topics, 3, data, 32);
	}
}

/* _transfer(from, to, value) */
static void transfer(const address *from, const address *to, u256 value) {
	if (hv_addr_is_zero(from))
		token_revert_addr(ERR_INVALID_SENDER, from);
	if (hv_addr_is_zero(to))
		token_revert_addr(ERR_INVALID_RECEIVER, to);
	token_update(from, to, value);
}

/* _spendAllowance(owner, spender, value) */
static void spend_allowance(const address *owner, const address *spender, u256 value) {
	u256 current = hv_sload(hv_mapping2_slot_addr(owner, spender, hv_slot(SLOT_ALLOWANCES)));
	if (u256_eq(current, u256_max()))
		return;
	if (u256_lt(current, value)) {
		u256 args[3] = {hv_addr_to_u256(spender), current, value};
		hv_revert_error(ERR_INSUFFICIENT_ALLOWANCE, args, 3);
	}
	approve(owner, spender, u256_sub(current, value, 0), false);
}

int main(void) {
	uint64_t sel = hv_selector();
	hv_require_no_value();
	switch (sel) {
	case SEL_NAME:
		hv_return_string(TOKEN_NAME, sizeof TOKEN_NAME - 1);
	case SEL_SYMBOL:
		hv_return_string(TOKEN_SYMBOL, sizeof TOKEN_SYMBOL - 1);
	case SEL_DECIMALS:
		hv_return_u64(TOKEN_DECIMALS);
	case SEL_TOTAL_SUPPLY:
		hv_return_u256(hv_sload(hv_slot(SLOT_TOTAL_SUPPLY)));
	case SEL_OWNER: {
		address o = hv_addr_from_u256(hv_sload(hv_slot(SLOT_OWNER)));
		hv_return_address(&o);
	}
	case SEL_BALANCE_OF: {
		address a = hv_arg_address(0);
		hv_return_u256(hv_sload(hv_mapping_slot_addr(&a, hv_slot(SLOT_BALANCES))));
	}
	case SEL_ALLOWANCE: {
		address o = hv_arg_address(0), s = hv_arg_address(1);
		hv_return_u256(hv_sload(hv_mapping2_slot_addr(&o, &s, hv_slot(SLOT_ALLOWANCES))));
	}
	case SEL_TRANSFER: {
		address to = hv_arg_address(0);
		u256 value = hv_arg_u256(1);
		address from = hv_caller();
		transfer(&from, &to, value);
		hv_return_bool(true);
	}
	case SEL_APPROVE: {
		address spender = hv_arg_address(0);
		u256 value = hv_arg_u256(1);
		address owner = hv_caller();
		approve(&owner, &spender, value, true);
		hv_return_bool(true);
	}
	case SEL_TRANSFER_FROM: {
		address from = hv_arg_address(0), to = hv_arg_address(1);
		u256 value = hv_arg_u256(2);
		address spender = hv_caller();
		spend_allowance(&from, &spender, value);
		transfer(&from, &to, value);
		hv_return_bool(true);
	}
	case SEL_MINT: {
		address to = hv_arg_address(0);
		u256 value = hv_arg_u256(1);
		address caller = hv_caller();
		address owner = hv_addr_from_u256(hv_sload(hv_slot(SLOT_OWNER)));
		if (!hv_addr_eq(&caller, &owner))
			token_revert_addr(ERR_UNAUTHORIZED_ACCOUNT, &caller);
		token_mint(&to, value);
		hv_return(0, 0);
	}
	default:
		hv_revert_empty();
	}
}
