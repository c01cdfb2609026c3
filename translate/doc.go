// Package translate turns a program's RISC-V code into native code through a
// codegen.Backend: it decodes blocks with guest.DecodeBlock, as the interpreter does (a
// block starts wherever control arrives and runs to the first instruction that ends a
// block, guest.MaxBlockInsts instructions, or an instruction that cannot be fetched), discovers
// blocks statically (fall-through, branch and jump targets, return addresses, AUIPC/
// JALR pairs), and compiles them lazily (JIT: the block control reached plus its
// untranslated static neighbourhood) or eagerly (AOT: everything reachable from the
// entry point; indirect targets nobody could see are still compiled on first use).
//
// A Program holds one code's compiled module and is shared by every goroutine that
// runs it (machine keeps one per image and memory layout, cached by code hash with
// the image). It also recognises the riscv-rt .bss zeroing loop and performs it in one
// step (RunZeroLoop) with the gas, instruction count, memory and faults of running it.
//
// translate imports riscv, guest and codegen from the project.
package translate
