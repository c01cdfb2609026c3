package runtime

import "errors"

// Reasons a transaction is invalid. ApplyTransaction wraps them with details;
// test with errors.Is. An invalid transaction leaves the state untouched.
var (
	ErrNonceTooLow                  = errors.New("nonce too low")
	ErrNonceTooHigh                 = errors.New("nonce too high")
	ErrNonceMax                     = errors.New("nonce has max value")
	ErrGasLimitTooHigh              = errors.New("transaction gas limit too high")
	ErrSenderNoEOA                  = errors.New("sender not an eoa")
	ErrTipAboveFeeCap               = errors.New("max priority fee per gas higher than max fee per gas")
	ErrFeeCapTooLow                 = errors.New("max fee per gas less than block base fee")
	ErrTxTypeNotSupported           = errors.New("transaction type not supported")
	ErrBlobTxCreate                 = errors.New("blob transaction of type create")
	ErrMissingBlobHashes            = errors.New("blob transaction missing blob hashes")
	ErrTooManyBlobs                 = errors.New("blob transaction has too many blobs")
	ErrInvalidBlobHash              = errors.New("blob hash has an invalid version")
	ErrBlobGasLimitReached          = errors.New("blob gas exceeds the block's limit")
	ErrBlobFeeCapTooLow             = errors.New("max fee per blob gas less than block blob gas fee")
	ErrSetCodeTxCreate              = errors.New("set code transaction of type create")
	ErrEmptyAuthList                = errors.New("set code transaction with empty auth list")
	ErrMaxInitCodeSizeExceeded      = errors.New("max initcode size exceeded")
	ErrGasLimitReached              = errors.New("gas limit reached")
	ErrInsufficientFunds            = errors.New("insufficient funds for gas * price + value")
	ErrGasPriceProductOverflow      = errors.New("gas limit * price overflows 256 bits")
	ErrIntrinsicGas                 = errors.New("intrinsic gas too low")
	ErrFloorDataGas                 = errors.New("insufficient gas for floor data gas cost")
	ErrGasUintOverflow              = errors.New("gas uint64 overflow")
	ErrInsufficientFundsForTransfer = errors.New("insufficient funds for transfer")
	ErrNotTxState                   = errors.New("state does not implement runtime.TxStateDB")
)
