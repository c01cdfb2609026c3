package host

import "github.com/holiman/uint256"

// TxContext is the block and transaction context an execution sees (the values of
// ORIGIN, GASPRICE, COINBASE, TIMESTAMP, NUMBER, PREVRANDAO, GASLIMIT, CHAINID, BASEFEE,
// BLOBBASEFEE and BLOBHASH).
type TxContext struct {
	Origin      Address
	GasPrice    uint256.Int
	BlobHashes  []Hash
	Coinbase    Address
	Number      uint64
	Timestamp   uint64
	GasLimit    uint64
	PrevRandao  Hash
	ChainID     uint256.Int
	BaseFee     uint256.Int
	BlobBaseFee uint256.Int
}
