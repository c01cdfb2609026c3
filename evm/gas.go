package evm

import "github.com/hybridvm/hybridvm/host"

// Gas constants only the EVM charges (Yellow Paper appendix G as amended by the EIPs
// cited next to each). Those the RISC-V syscalls or the runtime share are in host
// (host/gas.go, host/sstore.go).
const (
	gasJumpDst = 1

	gasExpByte = 50 // EIP-160
	gasExp     = 10

	gasMemory     = 3   // per word of memory
	gasQuadCoeffD = 512 // quadratic memory cost divisor

	gasColdAccountXtra = host.GasColdAccount - host.GasWarmAccess // EIP-2929: charged on top of the warm cost

	gasSelfdestruct = 5000

	gasMcopy    = 3 // EIP-5656
	gasBlobHash = 3 // EIP-4844
	gasClz      = 5 // EIP-7939
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
