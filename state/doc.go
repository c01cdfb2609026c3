// Package state is hybridvm's embedded world state: an in-memory, journaled
// implementation of host.StateDB.
//
// It holds accounts (balance, nonce, code and its hash, storage with the
// transaction-start "original" values of EIP-2200), transient storage (EIP-1153),
// logs, the EIP-2929/2930 access list, the refund counter, the "created in this
// transaction" marks of EIP-6780 and the self-destruct marks. Every mutation is
// recorded in a journal of plain values, so Snapshot is a journal index and
// RevertToSnapshot undoes exactly what happened after it.
//
// Transactions are delimited by BeginTx and FinaliseTx (EIP-161 deletion of
// touched empty accounts, deletion of self-destructed accounts, current storage
// becoming the committed storage). Root computes the Ethereum state root with
// go-ethereum's tries (a stack trie the first time, then an in-memory trie kept
// up to date incrementally), LogsHash the hash of the transaction's logs as the
// state tests expect, and ParseAlloc / LoadAllocFile / WriteAlloc /
// SaveAllocFile read and write go-ethereum's genesis "alloc" JSON layout
// (saving atomically).
//
// A State is not safe for concurrent use; Copy makes an independent deep copy.
//
// Package state imports only host from the project (plus go-ethereum's trie, rlp
// and crypto packages and holiman/uint256).
package state
