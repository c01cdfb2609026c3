package statetest

import (
	"errors"
	"strings"

	"github.com/hybridvm/hybridvm/runtime"
)

// exceptionClasses maps the runtime's invalid-transaction reasons to the
// TransactionException names of the state tests' expectException field (without
// the "TransactionException." prefix). A reason may match several names: fillers
// name the same condition differently across versions.
var exceptionClasses = []struct {
	err   error
	names []string
}{
	{runtime.ErrIntrinsicGas, []string{"INTRINSIC_GAS_TOO_LOW"}},
	{runtime.ErrFloorDataGas, []string{"INTRINSIC_GAS_BELOW_FLOOR_GAS_COST", "INTRINSIC_GAS_TOO_LOW"}},
	{runtime.ErrGasPriceProductOverflow, []string{"GASLIMIT_PRICE_PRODUCT_OVERFLOW"}},
	{runtime.ErrInsufficientFunds, []string{"INSUFFICIENT_ACCOUNT_FUNDS"}},
	{runtime.ErrInsufficientFundsForTransfer, []string{"INSUFFICIENT_ACCOUNT_FUNDS"}},
	{runtime.ErrNonceTooLow, []string{"NONCE_MISMATCH_TOO_LOW"}},
	{runtime.ErrNonceTooHigh, []string{"NONCE_MISMATCH_TOO_HIGH"}},
	{runtime.ErrNonceMax, []string{"NONCE_IS_MAX"}},
	{runtime.ErrGasLimitTooHigh, []string{"GAS_LIMIT_EXCEEDS_MAXIMUM"}},
	{runtime.ErrSenderNoEOA, []string{"SENDER_NOT_EOA"}},
	{runtime.ErrTipAboveFeeCap, []string{"PRIORITY_GREATER_THAN_MAX_FEE_PER_GAS"}},
	{runtime.ErrFeeCapTooLow, []string{"INSUFFICIENT_MAX_FEE_PER_GAS"}},
	{runtime.ErrTxTypeNotSupported, []string{"TYPE_3_TX_PRE_FORK", "TYPE_4_TX_PRE_FORK", "TYPE_NOT_SUPPORTED"}},
	{runtime.ErrBlobTxCreate, []string{"TYPE_3_TX_CONTRACT_CREATION"}},
	{runtime.ErrMissingBlobHashes, []string{"TYPE_3_TX_ZERO_BLOBS"}},
	{runtime.ErrTooManyBlobs, []string{"TYPE_3_TX_BLOB_COUNT_EXCEEDED"}},
	{runtime.ErrBlobGasLimitReached, []string{"TYPE_3_TX_BLOB_COUNT_EXCEEDED", "TYPE_3_TX_MAX_BLOB_GAS_ALLOWANCE_EXCEEDED"}},
	{runtime.ErrInvalidBlobHash, []string{"TYPE_3_TX_INVALID_BLOB_VERSIONED_HASH"}},
	{runtime.ErrBlobFeeCapTooLow, []string{"INSUFFICIENT_MAX_FEE_PER_BLOB_GAS"}},
	{runtime.ErrSetCodeTxCreate, []string{"TYPE_4_TX_CONTRACT_CREATION"}},
	{runtime.ErrEmptyAuthList, []string{"TYPE_4_EMPTY_AUTHORIZATION_LIST"}},
	{runtime.ErrMaxInitCodeSizeExceeded, []string{"INITCODE_SIZE_EXCEEDED"}},
	{runtime.ErrGasLimitReached, []string{"GAS_ALLOWANCE_EXCEEDED"}},
	{runtime.ErrGasUintOverflow, []string{"INTRINSIC_GAS_TOO_LOW", "GAS_ALLOWANCE_EXCEEDED"}},
	{errValueOverflow, []string{"RLP_INVALID_VALUE"}},
	{errNonceOverflow, []string{"NONCE_IS_MAX", "RLP_INVALID_VALUE", "NONCE_OVERFLOW"}},
}

// classesOf returns the exception names err stands for.
func classesOf(err error) []string {
	var out []string
	for _, c := range exceptionClasses {
		if errors.Is(err, c.err) {
			out = append(out, c.names...)
		}
	}
	return out
}

// exceptionMatches reports whether err is one of the '|'-separated exception
// names of expect.
func exceptionMatches(expect string, err error) bool {
	got := classesOf(err)
	for _, want := range strings.Split(expect, "|") {
		want = strings.TrimSpace(want)
		if i := strings.LastIndexByte(want, '.'); i >= 0 {
			want = want[i+1:]
		}
		for _, g := range got {
			if g == want {
				return true
			}
		}
	}
	return false
}

// ExceptionNames returns the TransactionException names (without the
// "TransactionException." prefix) that an invalid-transaction error from
// runtime.ApplyTransaction stands for; none for other errors. The blockchain
// tests' runner (package blocktest) matches invalid transactions with it.
func ExceptionNames(err error) []string { return classesOf(err) }
