package evm

// Gas constants of the forks this package runs (Yellow Paper appendix G as amended by the
// EIPs cited next to each).
const (
	gasZero    = 0
	gasBase    = 2  // Wbase
	gasVeryLow = 3  // Wverylow
	gasLow     = 5  // Wlow
	gasMid     = 8  // Wmid
	gasHigh    = 10 // Whigh
	gasExt     = 20 // BLOCKHASH
	gasJumpDst = 1

	gasExpByte  = 50 // EIP-160
	gasExp      = 10
	gasKeccak   = 30
	gasKeccakW  = 6 // per word hashed
	gasCopyWord = 3 // per word copied (CALLDATACOPY, CODECOPY, EXTCODECOPY, RETURNDATACOPY, MCOPY)

	gasLog      = 375
	gasLogTopic = 375
	gasLogData  = 8

	gasMemory     = 3   // per word of memory
	gasQuadCoeffD = 512 // quadratic memory cost divisor

	// EIP-2929 access costs.
	gasColdSload       = 2100
	gasColdAccount     = 2600
	gasWarmRead        = 100
	gasColdAccountXtra = gasColdAccount - gasWarmRead // charged on top of the warm cost

	// EIP-2200 SSTORE, as amended by EIP-2929 and EIP-3529.
	gasSstoreSet      = 20000
	gasSstoreReset    = 5000 - gasColdSload // 2900
	gasSstoreSentry   = 2300
	refundSstoreClear = gasSstoreReset + 1900 // 4800: SSTORE_RESET_GAS + ACCESS_LIST_STORAGE_KEY_COST (EIP-3529)

	// Calls (EIP-150, EIP-2929).
	gasCallValue      = 9000
	gasCallStipend    = 2300
	gasCallNewAccount = 25000

	gasCreate      = 32000
	gasInitCodeW   = 2 // EIP-3860, per word of initcode
	maxInitCodeLen = 2 * 24576

	gasSelfdestruct           = 5000
	gasSelfdestructNewAccount = 25000

	gasTransient = 100 // EIP-1153 TLOAD/TSTORE
	gasMcopy     = 3   // EIP-5656
	gasBlobHash  = 3   // EIP-4844
	gasClz       = 5   // EIP-7939
)

// maxMemorySize is the largest memory a frame may have. go-ethereum's limit is 0x1FFFFFFFE0
// bytes (beyond it the quadratic cost overflows). This package treats any memory above
// 64 MiB as out of gas: such a memory costs at least 8.6e9 gas, more than any chain's block
// gas limit, so no real transaction can pay for it, and a caller passing absurd gas cannot
// make the host allocate gigabytes per frame. The cost is still computed exactly (memGas),
// so an instruction that cannot pay it fails with the cost go-ethereum reports; only one
// that could pay it fails where go-ethereum would not.
const maxMemorySize = 64 << 20

// memoryCost is the total cost of a memory of the given number of 32-byte words.
func memoryCost(words uint64) uint64 {
	return words*gasMemory + words*words/gasQuadCoeffD
}

// toWords rounds a byte count up to 32-byte words, without overflow.
func toWords(size uint64) uint64 {
	if size > 1<<64-32 {
		return 1 << 59 // = ceil((2^64-1)/32); callers reject such sizes before use
	}
	return (size + 31) / 32
}
