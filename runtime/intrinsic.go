package runtime

import (
	"math/bits"

	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/params"

	"github.com/hybridvm/hybridvm/host"
)

// IntrinsicGas returns the gas a transaction costs under fork f before any code
// runs: 21000 (53000 for a creation), calldata at 4 per zero byte and 16 per
// other byte (EIP-2028), 2 per initcode word for a creation (EIP-3860, Shanghai
// on), 2400 per access-list address and 1900 per storage key (EIP-2930), and
// 25000 per EIP-7702 authorization.
func IntrinsicGas(f host.Fork, data []byte, accessList types.AccessList, auths int, creation bool) (uint64, error) {
	gas := params.TxGas
	if creation {
		gas = params.TxGasContractCreation
	}
	var of bool
	add := func(n, per uint64) {
		hi, lo := bits.Mul64(n, per)
		var carry uint64
		gas, carry = bits.Add64(gas, lo, 0)
		of = of || hi != 0 || carry != 0
	}
	add(uint64(auths), params.CallNewAccountGas)
	zeros := uint64(countZeros(data))
	add(zeros, params.TxDataZeroGas)
	add(uint64(len(data))-zeros, params.TxDataNonZeroGasEIP2028)
	if creation && f >= host.Shanghai {
		add((uint64(len(data))+31)/32, params.InitCodeWordGas)
	}
	add(uint64(len(accessList)), params.TxAccessListAddressGas)
	add(uint64(accessList.StorageKeys()), params.TxAccessListStorageKeyGas)
	if of {
		return 0, ErrGasUintOverflow
	}
	return gas, nil
}

// FloorDataGas returns EIP-7623's minimum gas for a transaction's calldata (Prague
// on): 21000 + 10 per token, a zero byte being one token and any other byte four.
func FloorDataGas(data []byte) (uint64, error) {
	zeros := uint64(countZeros(data))
	tokens := zeros + (uint64(len(data))-zeros)*params.TxTokenPerNonZeroByte
	hi, lo := bits.Mul64(tokens, params.TxCostFloorPerToken)
	sum, carry := bits.Add64(lo, params.TxGas, 0)
	if hi != 0 || carry != 0 {
		return 0, ErrGasUintOverflow
	}
	return sum, nil
}

func countZeros(b []byte) int {
	n := 0
	for _, c := range b {
		if c == 0 {
			n++
		}
	}
	return n
}

// isValidBlobHash checks a blob versioned hash's version byte (EIP-4844).
func isValidBlobHash(h host.Hash) bool { return h[0] == blobVersionKZG }
