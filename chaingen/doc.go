// Package chaingen generates reproducible workload chains for block replay and its
// benchmarks: a genesis and blocks of about 30M gas each, built and sealed by
// go-ethereum's core.GenerateChain (so every root and receipt is go-ethereum's), with
// transactions signed by keys derived from a seed. The contracts (sol/Workloads.sol,
// built with npm's solc by sol/build-sol.sh) are placed in the genesis with their
// storage pre-set: token balances and allowances for every sender, the pool's reserves.
//
// It imports nothing from the project.
package chaingen
