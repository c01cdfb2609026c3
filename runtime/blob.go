package runtime

import (
	"math/big"

	"github.com/holiman/uint256"

	"github.com/hybridvm/hybridvm/host"
)

// EIP-4844 blob parameters.
const (
	// BlobGasPerBlob is the blob gas of one blob.
	BlobGasPerBlob = 1 << 17
	// minBlobBaseFee is MIN_BASE_FEE_PER_BLOB_GAS.
	minBlobBaseFee = 1
	// maxBlobsPerTxOsaka is EIP-7594's per-transaction limit.
	maxBlobsPerTxOsaka = 6
	// blobVersionKZG is the version byte of a KZG versioned hash.
	blobVersionKZG = 0x01
)

// blobSchedule is a fork's blob configuration (EIP-4844, EIP-7691).
type blobSchedule struct {
	maxPerBlock    int
	updateFraction uint64
}

// blobScheduleFor returns the fork's blob schedule: Cancun 6 per block with
// fraction 3338477 (EIP-4844); Prague 9 with 5007716 (EIP-7691); Osaka keeps
// Prague's (blob-parameter-only forks change it later).
func blobScheduleFor(f host.Fork) blobSchedule {
	if f >= host.Prague {
		return blobSchedule{maxPerBlock: 9, updateFraction: 5007716}
	}
	return blobSchedule{maxPerBlock: 6, updateFraction: 3338477}
}

// MaxBlobsPerBlock returns the fork's limit of blobs in one block.
func MaxBlobsPerBlock(f host.Fork) int { return blobScheduleFor(f).maxPerBlock }

// BlobBaseFee returns the blob gas price for a block with the given excess blob
// gas: fake_exponential(MIN_BASE_FEE_PER_BLOB_GAS, excess, update fraction) of
// EIP-4844. A result beyond 256 bits saturates.
func BlobBaseFee(f host.Fork, excessBlobGas uint64) uint256.Int {
	frac := new(big.Int).SetUint64(blobScheduleFor(f).updateFraction)
	num := new(big.Int).SetUint64(excessBlobGas)
	out := new(big.Int)
	accum := new(big.Int).Mul(big.NewInt(minBlobBaseFee), frac)
	for i := int64(1); accum.Sign() > 0; i++ {
		out.Add(out, accum)
		accum.Mul(accum, num)
		accum.Div(accum, frac)
		accum.Div(accum, big.NewInt(i))
	}
	out.Div(out, frac)
	var fee uint256.Int
	if fee.SetFromBig(out) {
		fee.SetAllOne()
	}
	return fee
}

type blobFeeCache struct {
	valid  bool
	excess uint64
	fee    uint256.Int
}

func (r *Runtime) blobBaseFee(excess uint64) uint256.Int {
	if !r.blobFee.valid || r.blobFee.excess != excess {
		r.blobFee = blobFeeCache{valid: true, excess: excess, fee: BlobBaseFee(r.cfg.Fork, excess)}
	}
	return r.blobFee.fee
}
