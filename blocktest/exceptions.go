package blocktest

import (
	"errors"
	"strings"

	"github.com/hybridvm/hybridvm/chain"
	"github.com/hybridvm/hybridvm/statetest"
)

// errRLP is a block whose RLP does not decode: it matches every RLP_*
// exception (the tests name the encoding flaw, which the decoder does not).
var errRLP = errors.New("block RLP does not decode")

// blockExceptions maps the chain package's reasons to the BlockException
// names of the tests' expectException field. A reason may stand for several
// names: fillers name the same condition differently.
var blockExceptions = []struct {
	err   error
	names []string
}{
	{chain.ErrUnknownParent, []string{"UNKNOWN_PARENT", "UNKNOWN_PARENT_ZERO"}},
	{chain.ErrInvalidNumber, []string{"INVALID_BLOCK_NUMBER"}},
	{chain.ErrInvalidTimestamp, []string{"INVALID_BLOCK_TIMESTAMP_OLDER_THAN_PARENT"}},
	{chain.ErrInvalidGasLimit, []string{"INVALID_GASLIMIT", "GASLIMIT_TOO_BIG"}},
	{chain.ErrGasUsedOverLimit, []string{"GAS_USED_OVERFLOW"}},
	{chain.ErrExtraDataTooLong, []string{"EXTRA_DATA_TOO_BIG"}},
	{chain.ErrInvalidBaseFee, []string{"INVALID_BASEFEE_PER_GAS"}},
	{chain.ErrInvalidDifficulty, []string{"IMPORT_IMPOSSIBLE_DIFFICULTY_OVER_PARIS"}},
	{chain.ErrInvalidNonce, []string{"IMPORT_IMPOSSIBLE_NONCE_OVER_PARIS", "INVALID_BLOCK_NONCE"}},
	{chain.ErrUncles, []string{"IMPORT_IMPOSSIBLE_UNCLES_OVER_PARIS", "INVALID_UNCLES_HASH"}},
	{chain.ErrMissingField, []string{"INCORRECT_BLOCK_FORMAT"}},
	{chain.ErrUnexpectedField, []string{"INCORRECT_BLOCK_FORMAT"}},
	{chain.ErrExcessBlobGas, []string{"INCORRECT_EXCESS_BLOB_GAS"}},
	{chain.ErrBlobGasUsed, []string{"INCORRECT_BLOB_GAS_USED", "BLOB_GAS_USED_ABOVE_LIMIT"}},
	{chain.ErrTxRoot, []string{"INVALID_TRANSACTIONS_ROOT"}},
	{chain.ErrWithdrawalsRoot, []string{"INVALID_WITHDRAWALS_ROOT"}},
	{chain.ErrMissingWithdrawals, []string{"RLP_WITHDRAWALS_NOT_READ", "INCORRECT_BLOCK_FORMAT"}},
	{chain.ErrGasUsed, []string{"INVALID_GAS_USED"}},
	{chain.ErrBloom, []string{"INVALID_LOG_BLOOM"}},
	{chain.ErrReceiptsRoot, []string{"INVALID_RECEIPTS_ROOT"}},
	{chain.ErrStateRoot, []string{"INVALID_STATE_ROOT"}},
	{chain.ErrRequestsHash, []string{"INVALID_REQUESTS"}},
	{chain.ErrSystemCall, []string{"SYSTEM_CONTRACT_CALL_FAILED", "SYSTEM_CONTRACT_EMPTY"}},
	{chain.ErrDeposits, []string{"INVALID_DEPOSIT_EVENT_LAYOUT"}},
	{chain.ErrInvalidSender, []string{"INVALID_SIGNATURE_VRS", "INVALID_CHAINID"}},
	{chain.ErrFieldOverflow, []string{"RLP_INVALID_VALUE"}},
}

// exceptionNames returns the exception names err stands for.
func exceptionNames(err error) []string {
	var out []string
	for _, c := range blockExceptions {
		if errors.Is(err, c.err) {
			out = append(out, c.names...)
		}
	}
	if errors.Is(err, chain.ErrInvalidTx) {
		out = append(out, statetest.ExceptionNames(err)...)
	}
	return out
}

// exceptionMatches reports whether err is one of the '|'-separated exception
// names of expect ("BlockException.X", "TransactionException.Y": the family
// prefix is not compared).
func exceptionMatches(expect string, err error) bool {
	got := exceptionNames(err)
	for _, want := range strings.Split(expect, "|") {
		want = strings.TrimSpace(want)
		if i := strings.LastIndexByte(want, '.'); i >= 0 {
			want = want[i+1:]
		}
		if errors.Is(err, errRLP) && strings.HasPrefix(want, "RLP_") {
			return true
		}
		for _, g := range got {
			if g == want {
				return true
			}
		}
	}
	return false
}
