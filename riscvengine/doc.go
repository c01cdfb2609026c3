// Package riscvengine is the RISC-V contract engine: it runs one frame of code
// 0xFF ‖ ELF, or of RISC-V initcode, for runtime.Runtime (it implements
// runtime.Engine). It loads the ELF through a machine.Cache, copies it and the
// calldata into a pooled arena, and runs a machine.Frame, servicing its ECALLs
// through evmbridge until the frame returns, reverts, faults or runs out of gas.
//
// It lives apart from runtime so that the kind-agnostic core, and what uses it
// for EVM code only (statetest), does not link the interpreter, the JIT and the
// assembler. The root package and the CLI wire it in.
//
// riscvengine imports evmbridge, guest, host and machine from the project.
package riscvengine
