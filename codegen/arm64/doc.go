// Package arm64 is the arm64 backend of codegen: it lowers decoded RISC-V blocks to
// AArch64 machine code (through codegen/internal/asm, golang-asm's arm64 encoder),
// links them with jump slots and a dispatch table, and enters them through an
// assembly trampoline. Its contract with machine is codegen/amd64's: the same blocks,
// gas per block, exit codes, store windows and page charges, so every engine agrees
// bit for bit.
//
// Register assignment and frame (the native boundary of this backend):
//
//	X19      the *guest.State for the whole run (guest registers not held in host
//	         registers, pc, exit code, fault, CSRs, LR reservation and store windows
//	         are at their guest.Off* offsets: all within LDR/STR's scaled 12-bit
//	         offset)
//	X20      host address of the arena's first byte (State.MemBase); guest address a
//	         is at [X20, X24] with X24 = a - ArenaBase after an inline bounds check
//	X21      gas and retired instructions of this run, packed as on amd64:
//	         Gas<<18 | Retired. A block of weight g and n instructions subtracts
//	         g<<18 - n with one SUBS and branches on MI to its out-of-gas exit
//	         (codegen.MaxRunGas keeps Retired out of the gas field)
//	X22      ArenaBase; X23 ArenaSize - 8 (the bounds check of a load is SUB, ADD,
//	         CMP X23, B.HI; narrower accesses near the arena's end take an exact
//	         out-of-line check)
//	X24 X25  scratch; at block entry through the dispatch table X24 holds the target
//	         pc minus the code's lowest address
//	X30      scratch, and the link register of the unit's store check routine
//	X0-X17 X26 X29
//	         twenty guest registers, chosen per program by translate.RegisterUse (the
//	         most used first); the others live in State.X
//	X27      golang-asm's temporary: large constants are built there
//	X28 X18  never touched (Go's g, which its signal handler reads; the platform
//	         register)
//	RSP      the goroutine stack, never moved: the trampoline's frame holds its
//	         return address at 8(RSP) (saved by the entry stub, reloaded by the exit
//	         sequence) and the check routine's at 16(RSP)
//
// x0 is never held anywhere: reads are XZR (or a zeroed scratch register where
// register 31 would mean SP), writes are dropped.
//
// Entry: the trampoline (enter_arm64.s) saves X29, loads X19 and branches with link
// to the module's entry stub, which loads the mapped guest registers and the fixed
// ones and jumps through the dispatch table to the block at State.PC. Exit: a block
// stores the exit code (and pc, fault) and branches to its unit's exit sequence,
// which stores the mapped registers, unpacks X21 into State.Gas and State.Instret and
// returns to the trampoline.
//
// Chaining: a jump to a block compiled in the same unit is a direct branch (none when
// the target comes next); a jump to any other block loads a jump slot in the
// read-write page after the unit's code (ADRP + LDR, patched when the unit is placed)
// and branches to it (BR): the slot holds the target's address, or that of a stub
// that exits with ExitMissingBlock until the target is compiled and the slot is
// updated by an atomic store. Indirect jumps (JALR) index the module's dispatch table
// (one 8-byte entry per 2 bytes of code, modulo its size; its address is a data word
// of the unit) and the target block checks that it is the one wanted before running.
// Code pages are never written after they become executable; codegen.NewExecMem
// cleans and invalidates the caches over every unit it writes (DC CVAU, DSB ISH,
// IC IVAU, DSB ISH, ISB) before mapping it executable.
//
// Memory: a load is SUB/ADD (arena offset), CMP and B.HI to its fault path, and a
// register-offset LDR. A store is checked against the two store windows in State
// (storewin.go) and, outside them, by the check routine, which grows the window and
// charges its pages exactly as guest.State.GrowWindow does. Division needs no fault
// path: arm64 divides by zero to 0 (patched to all ones with CSINV for the quotient)
// and the signed overflow already gives RISC-V's result.
//
// This package compiles on every architecture (code generation is plain Go); only
// running code needs arm64.
//
// It imports riscv, guest, codegen and codegen/internal/asm from the project.
package arm64
