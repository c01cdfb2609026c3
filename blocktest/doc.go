// Package blocktest runs Ethereum blockchain tests (the BlockchainTests format
// of ethereum/tests and execution-spec-tests) on hybridvm, as go-ethereum's
// `evm blocktest` does: for every test it builds the genesis from the
// pre-state and checks its hash, imports each block from its RLP into a
// chain.Chain (checking the header fields execution computes, and that each
// block the test marks invalid is rejected for the exception it names), then
// compares the head with lastblockhash and its state with postState.
//
// The networks from Paris (the Merge) on are run (hybridvm's EVM starts at
// Paris); the fixtures in the test data are all Cancun.
//
// Package blocktest imports chain, host, runtime, state and statetest (for
// collecting files and the transaction exception names) from the project; the
// EVM engine is given by the caller (Options.Engine).
package blocktest
