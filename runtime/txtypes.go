package runtime

import (
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/holiman/uint256"

	"github.com/hybridvm/hybridvm/host"
)

// Transaction types (EIP-2718).
const (
	LegacyTxType     = types.LegacyTxType
	AccessListTxType = types.AccessListTxType
	DynamicFeeTxType = types.DynamicFeeTxType
	BlobTxType       = types.BlobTxType
	SetCodeTxType    = types.SetCodeTxType
)

// Transaction is a transaction's content with its sender already recovered.
type Transaction struct {
	// Type decides which of the optional fields below apply.
	Type uint8
	From host.Address
	// To is nil for a contract creation.
	To    *host.Address
	Nonce uint64
	Value uint256.Int
	// Gas is the gas limit.
	Gas  uint64
	Data []byte
	// GasFeeCap is the maximum fee per gas (EIP-1559 max_fee_per_gas); for legacy
	// and access-list transactions, the gas price. GasTipCap is the priority fee
	// cap; for legacy and access-list transactions, the gas price too.
	GasFeeCap uint256.Int
	GasTipCap uint256.Int
	// AccessList (EIP-2930), for every type but legacy.
	AccessList types.AccessList
	// BlobHashes and BlobFeeCap (max_fee_per_blob_gas), for blob transactions
	// (EIP-4844).
	BlobHashes []host.Hash
	BlobFeeCap uint256.Int
	// AuthList for set-code transactions (EIP-7702).
	AuthList []types.SetCodeAuthorization
}

// Block is the context a transaction executes in.
type Block struct {
	Coinbase      host.Address
	Number        uint64
	Timestamp     uint64
	GasLimit      uint64
	PrevRandao    host.Hash
	BaseFee       uint256.Int
	ExcessBlobGas uint64
	ChainID       uint256.Int
	// GetHash returns the hash of an earlier block (for BLOCKHASH); nil makes all
	// block hashes zero.
	GetHash func(number uint64) host.Hash

	// GasUsed and BlobGasUsed accumulate over the block's transactions:
	// ApplyTransaction checks a transaction fits and adds what it used.
	GasUsed     uint64
	BlobGasUsed uint64
}

// Receipt is the outcome of a valid transaction.
type Receipt struct {
	// Status and Err describe the top-level frame: a failed or reverted frame
	// still makes a valid transaction that pays for its gas.
	Status host.Status
	Err    error
	// GasUsed is the gas charged (after refunds and the EIP-7623 floor).
	GasUsed uint64
	// Output is the top frame's return or revert data.
	Output []byte
	// ContractAddress is the created contract's address (successful creations).
	ContractAddress host.Address
	// Instructions counts the RISC-V instructions the transaction retired.
	Instructions uint64
	// Logs are the transaction's logs (owned by the state until its next
	// transaction begins).
	Logs []*host.Log
}

// TxPreparer is implemented by states that start a transaction's access list and
// transient storage themselves (state/gethstate, over go-ethereum's Prepare): the
// sender, the destination (nil for a create), the coinbase and the precompiles warm.
type TxPreparer interface {
	PrepareTx(sender, coinbase host.Address, dest *host.Address, precompiles []host.Address)
}

// PrecompileWarmer is implemented by states that keep a transaction's
// precompiles warm as one list rather than as access-list entries (state.State:
// inserting every precompile into the access list was a tenth of a plain
// transfer's execution time). The list is warm until the next BeginTx, and a
// revert does not cool it, as the access list's Prepare entries in go-ethereum.
type PrecompileWarmer interface {
	WarmPrecompiles(addrs []host.Address)
}

// TxStateDB is a state that knows transaction boundaries (state.State is one).
type TxStateDB interface {
	host.StateDB
	// BeginTx clears the previous transaction's logs, refund, access list and
	// transient storage.
	BeginTx()
	// FinaliseTx applies the end-of-transaction rules (self-destructs, EIP-161,
	// committed storage).
	FinaliseTx()
	// Logs returns the current transaction's logs.
	Logs() []*host.Log
}
