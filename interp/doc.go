// Package interp is the RISC-V interpreter: the reference every other engine must match
// bit for bit (registers, memory, gas, retired instructions, exits and faults).
//
// Code is decoded once per basic block into a compact instruction stream and cached in
// a Program shared by every frame and goroutine that runs the same code. A block's gas
// (the sum of its instructions' weights, docs/abi.md "Gas") is charged when the
// block is entered; a block that does not fit the gas left is not run at all and the
// engine exits with guest.ExitOutOfGas. Blocks are defined dynamically — a block starts
// at whatever address control reaches and runs to the first control transfer, ECALL,
// EBREAK, FENCE.I or illegal instruction, or guest.MaxBlockInsts instructions, or the
// end of the executable range. The rule is guest.DecodeBlock, which every engine uses,
// so all of them charge the same gas at the same points.
//
// interp imports riscv and guest from the project.
package interp
