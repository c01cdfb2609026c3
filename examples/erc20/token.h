/*
 * token.h — the ERC20 logic shared by the runtime (erc20.c) and the constructor
 * (erc20_ctor.c). It follows OpenZeppelin Contracts v5's ERC20 + Ownable semantics
 * (EIP-20, ERC-6093 custom errors), with Solidity's storage layout:
 *
 *   slot 0  mapping(address => uint256) balances       balances[a] at keccak256(pad32(a) ‖ pad32(0))
 *   slot 1  mapping(address => mapping(address => uint256)) allowances
 *           allowances[o][s] at keccak256(pad32(s) ‖ keccak256(pad32(o) ‖ pad32(1)))
 *   slot 2  uint256 totalSupply
 *   slot 3  address owner                               (low 20 bytes of the word)
 *
 * name(), symbol() and decimals() are constants in the code, not storage.
 */
#ifndef ERC20_TOKEN_H
#define ERC20_TOKEN_H

#include "hybridvm.h"

#define SLOT_BALANCES 0
#define SLOT_ALLOWANCES 1
#define SLOT_TOTAL_SUPPLY 2
#define SLOT_OWNER 3

#define TOKEN_NAME "Hybrid Token"
#define TOKEN_SYMBOL "HYB"
#define TOKEN_DECIMALS 18

/* Function selectors: keccak256(signature)[0:4]. */
#define SEL_NAME 0x06fdde03u          /* name() */
#define SEL_SYMBOL 0x95d89b41u        /* symbol() */
#define SEL_DECIMALS 0x313ce567u      /* decimals() */
#define SEL_TOTAL_SUPPLY 0x18160dddu  /* totalSupply() */
#define SEL_BALANCE_OF 0x70a08231u    /* balanceOf(address) */
#define SEL_ALLOWANCE 0xdd62ed3eu     /* allowance(address,address) */
#define SEL_TRANSFER 0xa9059cbbu      /* transfer(address,uint256) */
#define SEL_APPROVE 0x095ea7b3u       /* approve(address,uint256) */
#define SEL_TRANSFER_FROM 0x23b872ddu /* transferFrom(address,address,uint256) */
#define SEL_MINT 0x40c10f19u          /* mint(address,uint256) */
#define SEL_OWNER 0x8da5cb5bu         /* owner() */

/* Custom errors (ERC-6093, OpenZeppelin Ownable): keccak256(signature)[0:4]. */
#define ERR_INSUFFICIENT_BALANCE 0xe450d38cu   /* ERC20InsufficientBalance(address,uint256,uint256) */
#define ERR_INSUFFICIENT_ALLOWANCE 0xfb8f41b2u /* ERC20InsufficientAllowance(address,uint256,uint256) */
#define ERR_INVALID_SENDER 0x96c6fd1eu         /* ERC20InvalidSender(address) */
#define ERR_INVALID_RECEIVER 0xec442f05u       /* ERC20InvalidReceiver(address) */
#define ERR_INVALID_APPROVER 0xe602df05u       /* ERC20InvalidApprover(address) */
#define ERR_INVALID_SPENDER 0x94280d62u        /* ERC20InvalidSpender(address) */
#define ERR_UNAUTHORIZED_ACCOUNT 0x118cdaa7u   /* OwnableUnauthorizedAccount(address) */

/* Event topics: the full keccak256(signature), most significant chunk first. */
/* keccak256("Transfer(address,address,uint256)") */
#define TOPIC_TRANSFER HV_U256_BE(0xddf252ad1be2c89bu, 0x69c2b068fc378daau, 0x952ba7f163c4a116u, 0x28f55a4df523b3efu)
/* keccak256("Approval(address,address,uint256)") */
#define TOPIC_APPROVAL HV_U256_BE(0x8c5be1e5ebec7d5bu, 0xd14f71427d1e84f3u, 0xdd0314c0f7b2291eu, 0x5b200ac8c7c3b925u)
/* keccak256("OwnershipTransferred(address,address)") */
#define TOPIC_OWNERSHIP_TRANSFERRED HV_U256_BE(0x8be0079c53165914u, 0x1344cd1fd0a4f284u, 0x19497f9722a3daafu, 0xe3b4186f6b6457e0u)

/* _update(from, to, value): move, mint (from = 0) or burn (to = 0) and emit Transfer. */
void token_update(const address *from, const address *to, u256 value);
/* _mint(to, value): reverts ERC20InvalidReceiver(0) for the zero address. */
void token_mint(const address *to, u256 value);
/* Sets the owner slot and emits OwnershipTransferred(old, new). */
void token_set_owner(const address *owner);
/* Reverts with an error that has a single address argument. */
HV_NORETURN void token_revert_addr(uint32_t selector, const address *a);

#endif
