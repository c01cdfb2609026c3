package evmbridge

// Gas of the syscalls' EVM counterparts (Yellow Paper appendix G, EIP-2929, EIP-2200,
// EIP-3529, EIP-3860, EIP-1153). RISC-V memory is the frame's fixed arena, already paid
// for instruction by instruction, so there is no memory-expansion cost; instead, every
// syscall that copies guest memory in or out pays the EVM's copy cost per 32-byte word,
// including RETURN/REVERT output and CALL input, which bounds the data a frame can
// move by its gas (ABI.md leaves these open; see RATIONALE.md). SSTORE's net metering is
// host.SstoreCost, shared with the EVM.
const (
	gasBase         = 2  // ADDRESS, CALLER, CALLVALUE, ... (Gbase)
	gasVeryLow      = 3  // CALLDATALOAD, BLOBHASH (Gverylow)
	gasLow          = 5  // SELFBALANCE (Glow)
	gasBlockhash    = 20 // BLOCKHASH
	gasCopyWord     = 3  // per word of *COPY (Gcopy)
	gasKeccak       = 30
	gasKeccakWord   = 6
	gasWarmAccess   = 100  // EIP-2929 warm account or slot, TLOAD, TSTORE
	gasColdAccount  = 2600 // EIP-2929 cold account access
	gasColdSload    = 2100 // EIP-2929 cold slot
	gasLog          = 375
	gasLogTopic     = 375
	gasLogByte      = 8
	gasCreate       = 32000
	gasInitcodeWord = 2 // EIP-3860
	gasCallValue    = 9000
	gasNewAccount   = 25000
	callStipend     = 2300
)

// words is the number of 32-byte words covering n bytes, saturating instead of
// overflowing.
func words(n uint64) uint64 {
	if n > 1<<58 {
		return 1 << 53
	}
	return (n + 31) / 32
}
