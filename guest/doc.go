// Package guest is the RISC-V guest machine as every engine sees it: the register file
// and exit-code layout that native code reads and writes (offsets pinned by tests), the
// guest memory arena, ELF loading into a program image, and the block rule every engine
// shares (DecodeBlock, MaxBlockInsts, the zeroing-loop idiom).
//
// It imports only riscv from the project. It is the one leaf that owns every layout that
// generated code touches.
package guest
