// Package amd64 is the amd64 backend of codegen: it lowers decoded RISC-V blocks to
// x86-64 machine code (through codegen/internal/asm), links them with jump slots and a
// dispatch table, and enters them through an assembly trampoline.
//
// Register assignment and frame (the native boundary of this backend):
//
//	R15      the *guest.State plus 128 for the whole run (guest registers not held in
//	         host registers, pc, exit code, fault, CSRs, LR reservation, dirty span and
//	         store windows are at their guest.Off* offsets minus 128, so every guest
//	         register slot is within a 1-byte displacement)
//	R14      host address of the arena's first byte (State.MemBase); guest address a is
//	         at R14 + (a - ArenaBase), after an inline bounds check
//	R13      gas and retired instructions of this run, packed: Gas<<18 | Retired.
//	         A block of weight g and n instructions subtracts g<<18 - n with one SUBQ;
//	         the result is negative exactly when g did not fit (then it is added back
//	         and the run exits out of gas). A run never gets more than 2^18-1 gas
//	         (codegen.MaxRunGas), so Retired (≤ gas spent, every weight ≥ 1) never
//	         carries into the gas field, and g<<18 fits an imm32 (g ≤ 6400). A fast
//	         loop (fastloop.go), its gas charged at its entry, allocates R13 and
//	         keeps the packed value in State.Scratch meanwhile.
//	RBX RSI RDI R8 R9 R10 R11 R12 RBP RCX
//	         ten guest registers, chosen per program by translate.RegisterUse (static
//	         use counts weighted by loop depth and the call graph); the others live in
//	         State.X. That mapping holds at every block boundary; inside a block some
//	         may be swapped for registers the block uses more (blockregs.go). RCX is lent out as a scratch register around the few
//	         instructions that need it (AMOs; variable shifts on hosts without BMI2),
//	         its guest register parked in its State.X slot meanwhile.
//	RAX RDX  scratch; at block entry through the dispatch table RAX holds the target
//	         pc minus the code's lowest address; within a run of ALU instructions RDX
//	         may also hold a spilled guest register between its write and its reads
//	         (forward.go)
//	RSP      the goroutine stack: the trampoline's CALL, plus at most 16 bytes when a
//	         store's slow path calls its unit's check routine (within the NOSPLIT
//	         margin); nothing else is pushed
//
// x0 is never held anywhere: reads are immediates 0, writes are dropped. X15 (Go's
// zero register) is not touched; R14 (Go's g register) is saved and restored by the
// trampoline, and Go's caller reloads it after the ABI0 call as well.
//
// Entry: the trampoline (enter_amd64.s) loads R15 and calls the module's entry stub,
// which loads the mapped guest registers, R14 and R13 and jumps through the dispatch
// table to the block at State.PC. Exit: a block stores the exit code (and pc, fault)
// and jumps to its unit's exit sequence, which stores the mapped registers, unpacks
// R13 into State.Gas and State.Instret and returns to the trampoline.
//
// Chaining: a jump to a block compiled in the same unit is a direct jump (none when
// the target comes next: blocks are laid out in address order and a block's indirect
// entry is out of line); a jump to any other block goes through a jump slot
// (JMP [RIP+slot]) in the read-write page after the unit's code, which holds the
// target's address, or the address of a stub that exits with ExitMissingBlock until
// the target is compiled and the slot is updated by an atomic store. Indirect jumps
// (JALR) index the module's dispatch table (one 8-byte entry per 2 bytes of code,
// modulo its size; its address is a data word of the unit) and the target block checks
// that it is the one wanted (CMP RAX, its offset) before running. Code pages are never
// written after they become executable.
//
// Memory: a load is LEA, CMP against ArenaSize-w, JA to its fault path, MOV. A store
// is checked against two store windows in State (storewin.go): spans below and above
// the write-protected range already known writable and counted dirty, so bounds,
// write protection and the dirty span for the arena's reset cost two compares. Runs
// of loads and stores off one base register share one check of their hull
// (group.go). The W forms skip sign extension where no later instruction of the block
// can see the upper half (in a self-loop, where the next iteration cannot either: its
// exits sign-extend them, sextexit.go), shift-shift-or rotates become one x86
// rotate (fuse.go), a self-loop that cannot fault leaves results that only its
// exits need to them (sink.go), a branch whose arms are a few ALU instructions
// meeting again runs them and selects with CMOVs (ifconv.go), and a counted loop whose
// accesses the entry checked runs its first iterations as a fast loop, its values
// allocated to registers (R13 too, its gas saved meanwhile) rather than its guest
// registers mapped (fastloop.go).
//
// Loops: the head a self-loop's back edge jumps to starts at a multiple of 16 bytes,
// NOPs padding up to it (align.go).
//
// This package compiles on every architecture (code generation is plain Go, so its
// encoding tests run anywhere); only running code needs amd64.
//
// It imports riscv, guest, codegen and codegen/internal/asm from the project.
package amd64
