// Package examples holds the example RISC-V contracts written with the C SDK
// (sdk/c): their sources, the ELFs and initcode built from them (make -C examples),
// and, as Go code, only tests. The tests check every selector, error and event-topic
// constant in the C sources against keccak256 of the signature written next to it,
// and run each contract's *.mock script under qemu-riscv64-static through the SDK's
// mock host (sdk/c/mock), comparing the output with a golden file.
//
// It imports nothing from the project; go-ethereum's crypto is used for keccak256.
package examples
