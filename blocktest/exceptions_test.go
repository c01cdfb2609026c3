package blocktest

import (
	"fmt"
	"testing"

	"github.com/hybridvm/hybridvm/chain"
	"github.com/hybridvm/hybridvm/runtime"
)

func TestExceptionMatches(t *testing.T) {
	txErr := func(err error) error { return fmt.Errorf("block 1: %w: transaction 0: %w", chain.ErrInvalidTx, err) }
	tests := []struct {
		expect string
		err    error
		want   bool
	}{
		{"BlockException.INVALID_STATE_ROOT", fmt.Errorf("block 1: %w", chain.ErrStateRoot), true},
		{"BlockException.INVALID_STATE_ROOT", fmt.Errorf("block 1: %w", chain.ErrReceiptsRoot), false},
		{"TransactionException.INTRINSIC_GAS_TOO_LOW", txErr(runtime.ErrIntrinsicGas), true},
		{"TransactionException.INSUFFICIENT_MAX_FEE_PER_GAS|TransactionException.INSUFFICIENT_ACCOUNT_FUNDS", txErr(runtime.ErrInsufficientFunds), true},
		{"TransactionException.NONCE_MISMATCH_TOO_LOW", txErr(runtime.ErrNonceTooHigh), false},
		// A transaction reason outside ErrInvalidTx is not a transaction exception.
		{"TransactionException.INTRINSIC_GAS_TOO_LOW", runtime.ErrIntrinsicGas, false},
		{"BlockException.RLP_STRUCTURES_ENCODING|BlockException.RLP_INVALID_FIELD_OVERFLOW_64", fmt.Errorf("%w: rlp: too short", errRLP), true},
		{"BlockException.INVALID_GASLIMIT", fmt.Errorf("%w: rlp: too short", errRLP), false},
		{"BlockException.UNKNOWN_PARENT_ZERO", fmt.Errorf("block 1: %w", chain.ErrUnknownParent), true},
	}
	for _, tc := range tests {
		if got := exceptionMatches(tc.expect, tc.err); got != tc.want {
			t.Errorf("exceptionMatches(%q, %v) = %v, want %v", tc.expect, tc.err, got, tc.want)
		}
	}
}
