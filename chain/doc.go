// Package chain applies go-ethereum blocks to a hybridvm state and checks them.
//
// A Processor executes a *types.Block on a runtime.TxStateDB (the embedded
// state.State, or go-ethereum's state through state/gethstate): it recovers the
// senders in parallel, runs the fork's block-level system operations (from
// Cancun the EIP-4788 beacon root and, from Prague, the EIP-2935 parent hash
// before the transactions; from Shanghai the withdrawals, and from Prague the
// EIP-6110 deposits and the EIP-7002/EIP-7251 request system calls after them),
// applies every transaction
// with runtime.Runtime.ApplyTransaction, and returns the receipts, the logs
// bloom, the gas used and the requests.
//
// The validator (VerifyHeader, ValidateBody, ValidateResult) checks what
// clients check: the header against its parent (number, timestamp, gas limit,
// EIP-1559 base fee, EIP-4844 blob gas, post-merge constants, each fork's fields
// present from its fork and absent before), the body against
// the header (transactions, withdrawals and uncles roots), and the execution
// against the header (gas used, logs bloom, receipts root, state root,
// requests hash).
//
// Chain keeps blocks and their post-states in memory and imports blocks onto
// any known block, as go-ethereum's blockchain tests require (side chains
// included).
//
// The forks are Paris (the Merge) to Osaka (ForkAt); proof-of-work blocks are
// not supported.
//
// Package chain imports host, runtime and state from the project; the engines
// are given by the caller (Config.Runtime), so it does not depend on one.
package chain
