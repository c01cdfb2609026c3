// Package statetest runs Ethereum state tests (the GeneralStateTests format of
// ethereum/tests and execution-spec-tests) on hybridvm: for every test, fork and
// post-state index it loads the pre-state into a state.State, builds the
// transaction, runs it with runtime.ApplyTransaction and compares the state root
// and the logs hash with the expected ones, or checks that the transaction is
// rejected with the expected exception class.
//
// Only the forks hybridvm implements (Paris, also named Merge, Shanghai, Cancun,
// Prague, Osaka) are run; post entries of older forks are skipped and not
// counted.
//
// Package statetest imports host, state and runtime from the project; the EVM
// engine is given by the caller (Options.Engine), so the runner does not depend
// on a particular engine.
package statetest
