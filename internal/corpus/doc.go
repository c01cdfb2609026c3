// Package corpus is the engine-agreement corpus: every test program of the project
// (the RISC-V ISA, exec, gas and hostile programs under testdata/riscv, generated
// programs — ours and internal/rvgen's — and contract scenarios built from the
// examples and testdata/riscv/contracts run through riscvengine.Engine) with one
// helper per kind that runs it on
// an engine and returns everything engines must agree on — exit, fault, all
// registers, pc, a digest of the arena, gas and the instruction count for programs;
// status, output, gas, instructions, logs and the state root for contract calls — and
// Check, which runs the whole corpus on every engine and reports each disagreement
// with the interpreter (the oracle).
//
// It also generates random RV64IMAC programs for differential fuzzing (RandomProgram),
// in Go with internal/rvasm, so no toolchain is needed.
//
// It is test support: it imports whatever it needs (machine, runtime, state, evm,
// translate, internal/rvasm, internal/rvgen, internal/testtools).
package corpus
