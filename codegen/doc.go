// Package codegen is the boundary between the translator and the machine-code
// backends: the Backend and Module interfaces a backend implements, the description of
// a decoded guest block it lowers (Block), the guest-memory layout compiled code
// assumes (Layout), and executable memory that is never writable and executable at
// once (write the code, then map it read+execute).
//
// Backends live in subpackages (codegen/amd64, codegen/arm64); each has its entry trampoline in
// assembly and documents its register assignment and frame in one comment block.
// codegen/internal/asm is the only importer of golang-asm.
//
// codegen imports riscv and guest from the project; it never imports translate or
// runtime.
package codegen
