// Package chaingen generates reproducible workload chains for block replay and its
// benchmarks: a genesis and blocks of about 30M gas each (Options.BlockGas), with
// transactions signed by keys derived from a seed. The EVM workloads are built and
// sealed by go-ethereum's core.GenerateChain (so every root and receipt is
// go-ethereum's). The hybrid workload calls RISC-V contracts, which go-ethereum cannot
// run: it is executed by hybridvm's chain.Processor and sealed here (seal.go), with
// headers laid out as GenerateChain lays them out. The contracts (sol/Workloads.sol and
// sol/Hybrid.sol, built with npm's solc by sol/build-sol.sh; riscv/*.elf, copies of
// the repository's built RISC-V contracts) are placed in the genesis with their storage
// pre-set: token balances and allowances for every sender, the pool's reserves.
//
// It imports chain, internal/engines, machine, riscvengine and state.
package chaingen
