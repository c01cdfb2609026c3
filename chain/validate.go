package chain

import (
	"fmt"
	"math/big"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/consensus/misc"
	"github.com/ethereum/go-ethereum/consensus/misc/eip1559"
	"github.com/ethereum/go-ethereum/consensus/misc/eip4844"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/params"
	"github.com/ethereum/go-ethereum/trie"
)

// VerifyHeader checks a post-merge header against its parent, in go-ethereum's
// order (which decides the error when several rules are broken) except that
// the gas-limit bounds come before the gas used (a zero gas limit is reported
// as such): extra data, nonce, uncle hash, timestamp, difficulty, gas limit
// cap and bounds, gas used, number, EIP-1559 base fee, the withdrawals root's presence
// (from Shanghai, and its absence before), the Cancun fields and EIP-4844 blob gas
// (their absence before Cancun), the requests hash's presence (Prague). The rules
// themselves are go-ethereum's (consensus/beacon's per-fork fields, consensus/misc,
// eip1559, eip4844).
func VerifyHeader(cfg *params.ChainConfig, parent, header *types.Header) error {
	if len(header.Extra) > int(params.MaximumExtraDataSize) {
		return fmt.Errorf("%w: %d bytes, limit %d", ErrExtraDataTooLong, len(header.Extra), params.MaximumExtraDataSize)
	}
	if header.Nonce != (types.BlockNonce{}) {
		return fmt.Errorf("%w: %x", ErrInvalidNonce, header.Nonce)
	}
	if header.UncleHash != types.EmptyUncleHash {
		return fmt.Errorf("%w: uncle hash %x", ErrUncles, header.UncleHash)
	}
	if header.Time <= parent.Time {
		return fmt.Errorf("%w: %d, parent %d", ErrInvalidTimestamp, header.Time, parent.Time)
	}
	if header.Difficulty == nil || header.Difficulty.Sign() != 0 {
		return fmt.Errorf("%w: %v", ErrInvalidDifficulty, header.Difficulty)
	}
	if header.GasLimit > params.MaxGasLimit {
		return fmt.Errorf("%w: %d above the cap %d", ErrInvalidGasLimit, header.GasLimit, params.MaxGasLimit)
	}
	if err := misc.VerifyGaslimit(parent.GasLimit, header.GasLimit); err != nil {
		return fmt.Errorf("%w: %v", ErrInvalidGasLimit, err)
	}
	if header.GasUsed > header.GasLimit {
		return fmt.Errorf("%w: %d, limit %d", ErrGasUsedOverLimit, header.GasUsed, header.GasLimit)
	}
	if header.Number == nil || parent.Number == nil || new(big.Int).Sub(header.Number, parent.Number).Cmp(common.Big1) != 0 {
		return fmt.Errorf("%w: %v, parent %v", ErrInvalidNumber, header.Number, parent.Number)
	}
	number, time := header.Number.Uint64(), header.Time
	if _, err := ForkAt(cfg, number, time); err != nil {
		return err
	}
	if header.BaseFee == nil {
		return fmt.Errorf("%w: base fee", ErrMissingField)
	}
	if err := eip1559.VerifyEIP1559Header(cfg, parent, header); err != nil {
		return fmt.Errorf("%w: %v", ErrInvalidBaseFee, err) // the gas limit passed above
	}
	shanghai := cfg.IsShanghai(header.Number, time)
	if shanghai && header.WithdrawalsHash == nil {
		return fmt.Errorf("%w: withdrawals root", ErrMissingField)
	}
	if !shanghai && header.WithdrawalsHash != nil {
		return fmt.Errorf("%w: withdrawals root before Shanghai", ErrUnexpectedField)
	}
	if !cfg.IsCancun(header.Number, time) {
		switch {
		case header.ExcessBlobGas != nil:
			return fmt.Errorf("%w: excess blob gas before Cancun", ErrUnexpectedField)
		case header.BlobGasUsed != nil:
			return fmt.Errorf("%w: blob gas used before Cancun", ErrUnexpectedField)
		case header.ParentBeaconRoot != nil:
			return fmt.Errorf("%w: parent beacon block root before Cancun", ErrUnexpectedField)
		}
		return verifyLaterFields(cfg, header)
	}
	switch {
	case header.ParentBeaconRoot == nil:
		return fmt.Errorf("%w: parent beacon block root", ErrMissingField)
	case header.ExcessBlobGas == nil:
		return fmt.Errorf("%w: excess blob gas", ErrMissingField)
	case header.BlobGasUsed == nil:
		return fmt.Errorf("%w: blob gas used", ErrMissingField)
	case parent.ExcessBlobGas == nil && cfg.IsCancun(parent.Number, parent.Time):
		return fmt.Errorf("%w: parent's excess blob gas", ErrMissingField)
	case cfg.BlobScheduleConfig == nil:
		return fmt.Errorf("%w: the chain configuration has no blob schedule", ErrUnsupportedFork)
	}
	if err := eip4844.VerifyEIP4844Header(cfg, parent, header); err != nil {
		if want := eip4844.CalcExcessBlobGas(cfg, parent, time); *header.ExcessBlobGas != want {
			return fmt.Errorf("%w: %v", ErrExcessBlobGas, err)
		}
		return fmt.Errorf("%w: %v", ErrBlobGasUsed, err)
	}
	return verifyLaterFields(cfg, header)
}

// verifyLaterFields checks the fields of Prague and later forks.
func verifyLaterFields(cfg *params.ChainConfig, header *types.Header) error {
	prague := cfg.IsPrague(header.Number, header.Time)
	if prague && header.RequestsHash == nil {
		return fmt.Errorf("%w: requests hash", ErrMissingField)
	}
	if !prague && header.RequestsHash != nil {
		return fmt.Errorf("%w: requests hash before Prague", ErrUnexpectedField)
	}
	if header.BlockAccessListHash != nil || header.SlotNumber != nil {
		return fmt.Errorf("%w: block access list hash or slot number (Amsterdam is not supported)", ErrUnexpectedField)
	}
	return nil
}

// ValidateBody checks the block's body against its header, as go-ethereum's
// block validator does before execution, but for the transactions root
// (ValidateTxRoot, after execution): no uncles, the uncle hash, the
// withdrawals root, no blob sidecars, and the blob gas used against the blobs
// the transactions carry.
func ValidateBody(cfg *params.ChainConfig, block *types.Block) error {
	header := block.Header()
	if n := len(block.Uncles()); n > 0 {
		return fmt.Errorf("%w: %d uncles", ErrUncles, n)
	}
	if h := types.CalcUncleHash(block.Uncles()); h != header.UncleHash {
		return fmt.Errorf("%w: uncle hash %x, computed %x", ErrUncles, header.UncleHash, h)
	}
	switch {
	case header.WithdrawalsHash != nil && block.Withdrawals() == nil:
		return fmt.Errorf("%w: withdrawals missing from the body", ErrMissingWithdrawals)
	case header.WithdrawalsHash == nil && block.Withdrawals() != nil:
		return fmt.Errorf("%w: withdrawals without a withdrawals root", ErrUnexpectedField)
	case header.WithdrawalsHash != nil:
		if h := types.DeriveSha(block.Withdrawals(), trie.NewStackTrie(nil)); h != *header.WithdrawalsHash {
			return fmt.Errorf("%w: header %x, computed %x", ErrWithdrawalsRoot, *header.WithdrawalsHash, h)
		}
	}
	var blobs uint64
	for i, tx := range block.Transactions() {
		blobs += uint64(len(tx.BlobHashes()))
		if tx.BlobTxSidecar() != nil {
			return fmt.Errorf("%w: transaction %d carries a blob sidecar", ErrBlobTx, i)
		}
	}
	switch {
	case header.BlobGasUsed != nil:
		if *header.BlobGasUsed/params.BlobTxBlobGasPerBlob != blobs {
			return fmt.Errorf("%w: header %d, transactions carry %d", ErrBlobGasUsed, *header.BlobGasUsed, blobs*params.BlobTxBlobGasPerBlob)
		}
	case blobs > 0:
		return fmt.Errorf("%w: blobs before Cancun", ErrBlobGasUsed)
	}
	return nil
}

// ValidateTxRoot checks the header's transactions root. Chain checks it after
// execution, so that a block carrying an invalid transaction is rejected for
// that transaction (the blockchain tests' fillers leave invalid transactions
// out of the root), and a block whose transactions all apply is still
// rejected when the root differs.
func ValidateTxRoot(block *types.Block) error {
	if h := types.DeriveSha(block.Transactions(), trie.NewStackTrie(nil)); h != block.TxHash() {
		return fmt.Errorf("%w: header %x, computed %x", ErrTxRoot, block.TxHash(), h)
	}
	return nil
}

// ValidateResult checks execution against the header, in go-ethereum's order:
// gas used, logs bloom, receipts root, requests hash (Prague), then the state
// root, which the caller computes from the post-state (state.State.Root, or
// go-ethereum's IntermediateRoot).
func ValidateResult(block *types.Block, res *Result, stateRoot common.Hash) error {
	header := block.Header()
	if header.GasUsed != res.GasUsed {
		return fmt.Errorf("%w: header %d, execution %d", ErrGasUsed, header.GasUsed, res.GasUsed)
	}
	if header.Bloom != res.Bloom {
		return fmt.Errorf("%w: header %x, execution %x", ErrBloom, header.Bloom, res.Bloom)
	}
	if h := ReceiptsRoot(res.Receipts); h != header.ReceiptHash {
		return fmt.Errorf("%w: header %x, execution %x", ErrReceiptsRoot, header.ReceiptHash, h)
	}
	if header.BlobGasUsed != nil && *header.BlobGasUsed != res.BlobGasUsed {
		return fmt.Errorf("%w: header %d, execution %d", ErrBlobGasUsed, *header.BlobGasUsed, res.BlobGasUsed)
	}
	if header.RequestsHash != nil || res.Requests != nil {
		switch h := types.CalcRequestsHash(res.Requests); {
		case header.RequestsHash == nil:
			return fmt.Errorf("%w: header has none, execution %x", ErrRequestsHash, h)
		case res.Requests == nil:
			return fmt.Errorf("%w: header %x, execution has no requests", ErrRequestsHash, *header.RequestsHash)
		case h != *header.RequestsHash:
			return fmt.Errorf("%w: header %x, execution %x", ErrRequestsHash, *header.RequestsHash, h)
		}
	}
	if stateRoot != header.Root {
		return fmt.Errorf("%w: header %x, execution %x", ErrStateRoot, header.Root, stateRoot)
	}
	return nil
}

// ReceiptsRoot returns the receipts trie root (types.DeriveSha over the
// receipts' consensus encoding).
func ReceiptsRoot(receipts types.Receipts) common.Hash {
	return types.DeriveSha(receipts, trie.NewStackTrie(nil))
}
