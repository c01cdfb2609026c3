package chain

import "errors"

// Reasons a block is invalid. Errors returned by this package wrap one of them
// (test with errors.Is); an invalid transaction wraps the runtime's reason
// instead (runtime.ErrNonceTooLow and so on), inside ErrInvalidTx.
var (
	ErrUnknownParent     = errors.New("unknown parent")
	ErrInvalidNumber     = errors.New("invalid block number")
	ErrInvalidTimestamp  = errors.New("timestamp not after the parent's")
	ErrInvalidGasLimit   = errors.New("invalid gas limit")
	ErrGasUsedOverLimit  = errors.New("gas used above the gas limit")
	ErrExtraDataTooLong  = errors.New("extra data too long")
	ErrInvalidBaseFee    = errors.New("invalid base fee")
	ErrInvalidDifficulty = errors.New("nonzero difficulty after the merge")
	ErrInvalidNonce      = errors.New("nonzero nonce after the merge")
	ErrUncles            = errors.New("uncles after the merge")
	ErrMissingField      = errors.New("header field missing for the fork")
	ErrUnexpectedField   = errors.New("header field present before its fork")
	ErrExcessBlobGas     = errors.New("invalid excess blob gas")
	ErrBlobGasUsed       = errors.New("invalid blob gas used")
	ErrUnsupportedFork   = errors.New("block's fork not supported")

	ErrTxRoot          = errors.New("transactions root mismatch")
	ErrWithdrawalsRoot = errors.New("withdrawals root mismatch")
	// ErrMissingWithdrawals is a body without its withdrawals list (an RLP
	// that stops before it).
	ErrMissingWithdrawals = errors.New("withdrawals missing from the body")
	ErrBlobTx             = errors.New("invalid blob transaction in block")
	ErrInvalidSender      = errors.New("invalid transaction signature")
	ErrInvalidTx          = errors.New("invalid transaction")

	ErrGasUsed      = errors.New("gas used mismatch")
	ErrBloom        = errors.New("logs bloom mismatch")
	ErrReceiptsRoot = errors.New("receipts root mismatch")
	ErrStateRoot    = errors.New("state root mismatch")
	ErrRequestsHash = errors.New("requests hash mismatch")
	ErrSystemCall   = errors.New("system call failed")
	ErrDeposits     = errors.New("invalid deposit log")
)
