/*
 * erc20_ctor.c — the ERC20's constructor, linked into the deploy ELF only.
 *
 *   constructor()                       owner = msg.sender
 *   constructor(uint256 initialSupply)  owner = msg.sender, then mint initialSupply to it
 *
 * Emits OwnershipTransferred(address(0), owner) like OpenZeppelin's Ownable, and
 * Transfer(address(0), owner, initialSupply) when minting. Constructor arguments that
 * are neither empty nor at least one word revert, as Solidity's decoder would.
 */
#include "token.h"

void hv_constructor(const uint8_t *args, uint64_t len) {
	hv_require_no_value();
	address owner = hv_caller();
	token_set_owner(&owner);
	if (len == 0)
		return;
	if (len < 32)
		hv_revert_empty();
	u256 supply = u256_from_be32(args);
	if (!u256_is_zero(supply))
		token_mint(&owner, supply);
}
