// Package rvgen generates random RV64IMAC programs for differential testing: the same
// ELF runs under qemu-riscv64-static and under hybridvm's engines, and the two outputs
// must match byte for byte.
//
// A generated program (Generate) runs in exec mode (docs/abi.md, "Exec mode"): it
// points sp at a scratch buffer, sets every other register to a random value, runs a
// random straight-line-with-forward-jumps sequence drawn from all of RV64IMAC, then
// writes the 32 registers and the scratch buffer to stdout (OutputSize bytes) and
// exits 0. Build assembles it with riscv64-unknown-elf-gcc; RunQEMU runs it.
//
// The programs are deterministic by construction: no backward jumps (so they end), every
// memory access inside the scratch buffer, atomics naturally aligned, LR/SC pairs with
// nothing between them that could make the SC's outcome implementation-defined, and no
// system calls but the final write and exit.
//
// It imports nothing from the project: only the standard library.
package rvgen
