// Package evmbridge is the RISC-V contract syscall table (docs/abi.md, "System calls"): it
// maps an ECALL — the syscall id in t0's low byte, arguments in a0..a7 — onto host
// operations, charges the gas of the syscall's EVM counterpart, and writes results
// back into registers (a0..a3) and guest memory. Nested calls and creates go through
// host.Host.Call; their results come back as a success flag in a0.
//
// Every argument is untrusted: a pointer range outside the arena, a write to a
// read-only segment, an unknown id or a state change in a static frame is a guest
// fault (the frame fails and consumes its gas), never a host error.
//
// evmbridge imports host and guest from the project.
package evmbridge
