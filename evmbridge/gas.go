package evmbridge

// The syscalls charge the gas of their EVM counterparts (host/gas.go: Yellow Paper
// appendix G, EIP-2929, EIP-2200, EIP-3529, EIP-3860, EIP-1153). RISC-V memory is the
// frame's fixed arena, already paid for instruction by instruction, so there is no
// memory-expansion cost; instead, every syscall that copies guest memory in or out pays
// the EVM's copy cost per 32-byte word, including RETURN/REVERT output and CALL input,
// which bounds the data a frame can move by its gas (docs/abi.md, "System calls";
// RATIONALE.md says why). SSTORE's net metering is host.SstoreCost, shared with the EVM.

// words is the number of 32-byte words covering n bytes, saturating instead of
// overflowing.
func words(n uint64) uint64 {
	if n > 1<<58 {
		return 1 << 53
	}
	return (n + 31) / 32
}
