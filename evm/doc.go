// Package evm is hybridvm's threaded-code EVM interpreter for the forks Paris, Shanghai,
// Cancun, Prague and Osaka.
//
// Bytecode is analysed once per code hash (see analysis.go) into an instruction stream: one
// entry per instruction carrying its dispatch code and pre-decoded immediate (PUSH values,
// resolved jump targets), plus one block-begin entry per basic block carrying the block's
// total static gas and its stack bounds, and an entry per JUMPDEST for jumps into the block.
// The hot loop (interpreter.go) therefore checks gas and stack once per block, never per
// opcode; handlers charge only dynamic gas (memory expansion, copies, EXP, storage, calls,
// ...). Frequent instruction pairs are fused into superinstructions (fuse.go). Analyses are
// kept in a bounded cache shared by all goroutines (cache.go). The per-fork instruction
// tables (table.go, forks.go) are built from data: the previous fork's table copied and
// numbered enableNNNN deltas applied, then validated. RATIONALE.md explains the choices.
//
// A frame is one execution of code (Execute); nested calls and creates are handed to
// host.Host.Call after this package has charged the caller-side gas (EIP-150 63/64 rule,
// EIP-2929 access costs, value transfer and new-account costs, EIP-3860 initcode costs and
// EIP-7702 delegation costs). Tracing (EIP-3155 style, tracer.go) runs on a separate,
// per-opcode loop (traced.go) so the untraced path pays nothing for it.
//
// Package evm imports only package host from this project (never anything RISC-V), plus
// holiman/uint256 and go-ethereum's common and crypto packages.
package evm
