// Package riscv is the RV64IMAC instruction set as hybridvm uses it: the decoded
// instruction type, Decode for 32-bit and compressed (16-bit) encodings — compressed
// forms are expanded to the 32-bit instruction they stand for — a disassembler, the
// instruction classes and the gas weight of every operation (docs/abi.md, "Gas").
//
// One decoder is shared by every consumer (interpreter, translators, tracer, tests).
// Package riscv imports nothing from the project.
package riscv
