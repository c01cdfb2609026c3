// Package machine runs RISC-V guest code: it loads and caches programs by code hash,
// chooses the engine (the interpreter, or native code where a backend exists), and owns
// the one Go loop every engine returns to — handling budget exits (so a long-running
// guest can be cancelled and never starves the Go scheduler), FENCE.I (re-reading code
// from memory), the .bss zeroing loop (run in one step) and untranslated blocks — until
// an exit its caller must handle: an ECALL, a fault, or out of gas. It also runs
// standalone programs in exec mode (docs/abi.md, "Exec mode"). Frames and arenas
// are pooled.
//
// The contract world (syscalls onto the host, nested frames) lives in evmbridge and
// runtime, above this package. machine imports riscv, guest, interp, translate and
// codegen, and codegen/amd64 on amd64 (engine_amd64.go), codegen/arm64 on arm64
// (engine_arm64.go); engine_other.go keeps other
// architectures on the interpreter).
package machine
