package chain

import (
	"errors"
	"fmt"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/params"
	"github.com/holiman/uint256"

	"github.com/hybridvm/hybridvm/host"
	"github.com/hybridvm/hybridvm/runtime"
)

// Config configures a Processor.
type Config struct {
	// Chain is the chain's go-ethereum configuration: chain id, fork times,
	// blob schedule, deposit contract. Required.
	Chain *params.ChainConfig
	// Runtime returns the runtime configuration (engines, tracer) for a fork.
	// It is called once per fork the processor meets. Required.
	Runtime func(host.Fork) (runtime.Config, error)
}

// Processor executes blocks. It keeps one runtime per fork; it is not safe for
// concurrent use (make one per goroutine).
type Processor struct {
	cfg      Config
	runtimes map[host.Fork]*runtime.Runtime
	tx       runtime.Transaction
}

// Result is what executing a block produced.
type Result struct {
	// Receipts has one receipt per transaction, with its logs, bloom, type,
	// status, gas (cumulative and own), blob gas and contract address, and the
	// block's number, hash and the transaction's index and hash.
	Receipts types.Receipts
	// Senders are the transactions' recovered senders.
	Senders []common.Address
	// Requests are the EIP-7685 requests (each its type byte and data); nil
	// before Prague.
	Requests [][]byte
	// GasUsed and BlobGasUsed are the block's totals; Bloom ORs the receipts'.
	GasUsed     uint64
	BlobGasUsed uint64
	Bloom       types.Bloom
}

// NewProcessor returns a processor for the chain cfg describes.
func NewProcessor(cfg Config) (*Processor, error) {
	if cfg.Chain == nil || cfg.Chain.ChainID == nil {
		return nil, errors.New("chain: Config.Chain (with a chain id) is required")
	}
	if cfg.Runtime == nil {
		return nil, errors.New("chain: Config.Runtime is required")
	}
	return &Processor{cfg: cfg, runtimes: map[host.Fork]*runtime.Runtime{}}, nil
}

// ChainConfig returns the chain configuration.
func (p *Processor) ChainConfig() *params.ChainConfig { return p.cfg.Chain }

func (p *Processor) runtimeFor(f host.Fork, db host.StateDB) (*runtime.Runtime, error) {
	if r, ok := p.runtimes[f]; ok {
		r.UseState(db)
		return r, nil
	}
	rc, err := p.cfg.Runtime(f)
	if err != nil {
		return nil, fmt.Errorf("chain: runtime for %v: %w", f, err)
	}
	rc.Fork = f
	r, err := runtime.New(rc, db)
	if err != nil {
		return nil, fmt.Errorf("chain: runtime for %v: %w", f, err)
	}
	p.runtimes[f] = r
	return r, nil
}

// Process executes block on db, which must hold the state of the block's
// parent. getHash answers BLOCKHASH: the hash of the ancestor with the given
// number (nil: all zero). On success db holds the block's post-state
// (finalised: its root can be taken). On error the block is invalid and db is
// left partly changed: the caller discards it.
//
// Process checks what execution decides (every transaction valid and within
// the block's gas); the header and the computed fields are the validator's
// (VerifyHeader, ValidateBody, ValidateResult).
func (p *Processor) Process(block *types.Block, db runtime.TxStateDB, getHash func(uint64) common.Hash) (*Result, error) {
	header := block.Header()
	number, time := header.Number.Uint64(), header.Time
	fork, err := ForkAt(p.cfg.Chain, number, time)
	if err != nil {
		return nil, err
	}
	if header.Difficulty != nil && header.Difficulty.Sign() != 0 {
		return nil, fmt.Errorf("%w: block %d has difficulty %v (proof of work)", ErrUnsupportedFork, number, header.Difficulty)
	}
	r, err := p.runtimeFor(fork, db)
	if err != nil {
		return nil, err
	}
	txs := block.Transactions()
	signer := types.MakeSigner(p.cfg.Chain, header.Number, time)
	senders, err := RecoverSenders(signer, txs)
	if err != nil {
		return nil, err
	}

	blk := &runtime.Block{
		Coinbase:   header.Coinbase,
		Number:     number,
		Timestamp:  time,
		GasLimit:   header.GasLimit,
		PrevRandao: header.MixDigest,
		GetHash:    getHash,
	}
	if header.BaseFee != nil && blk.BaseFee.SetFromBig(header.BaseFee) {
		return nil, fmt.Errorf("%w: base fee exceeds 256 bits", ErrInvalidBaseFee)
	}
	if header.ExcessBlobGas != nil {
		blk.ExcessBlobGas = *header.ExcessBlobGas
	}
	blk.ChainID.SetFromBig(p.cfg.Chain.ChainID)

	// Before the transactions: the beacon root (EIP-4788, Cancun) and the
	// parent hash (EIP-2935, Prague).
	if root := header.ParentBeaconRoot; root != nil && fork >= host.Cancun {
		p.systemCall(r, db, blk, fork, params.BeaconRootsAddress, root[:])
	}
	if fork >= host.Prague {
		p.systemCall(r, db, blk, fork, params.HistoryStorageAddress, header.ParentHash[:])
	}

	res := &Result{Receipts: make(types.Receipts, 0, len(txs)), Senders: senders}
	hash := block.Hash()
	blobFee := runtime.BlobBaseFee(fork, blk.ExcessBlobGas)
	var logIndex uint
	for i, tx := range txs {
		if err := toRuntimeTx(tx, senders[i], &p.tx); err != nil {
			return nil, fmt.Errorf("%w: transaction %d (%s): %w", ErrInvalidTx, i, tx.Hash().Hex(), err)
		}
		blobBefore := blk.BlobGasUsed
		rc, err := r.ApplyTransaction(&p.tx, blk)
		if err != nil {
			return nil, fmt.Errorf("%w: transaction %d (%s): %w", ErrInvalidTx, i, tx.Hash().Hex(), err)
		}
		receipt := &types.Receipt{
			Type:              tx.Type(),
			CumulativeGasUsed: blk.GasUsed,
			TxHash:            tx.Hash(),
			GasUsed:           rc.GasUsed,
			BlockHash:         hash,
			BlockNumber:       header.Number,
			TransactionIndex:  uint(i),
			Logs:              make([]*types.Log, len(rc.Logs)),
		}
		if rc.Status == host.StatusSuccess {
			receipt.Status = types.ReceiptStatusSuccessful
		}
		if tx.To() == nil { // go-ethereum fills it in for failed creations too
			receipt.ContractAddress = crypto.CreateAddress(senders[i], tx.Nonce())
		}
		if bg := blk.BlobGasUsed - blobBefore; bg > 0 {
			receipt.BlobGasUsed = bg
			receipt.BlobGasPrice = blobFee.ToBig()
		}
		for j, l := range rc.Logs { // copied: the state reuses them
			receipt.Logs[j] = &types.Log{
				Address: l.Address, Topics: append([]common.Hash(nil), l.Topics...), Data: append([]byte(nil), l.Data...),
				BlockNumber: number, BlockTimestamp: time, TxHash: receipt.TxHash, TxIndex: uint(i), BlockHash: hash, Index: logIndex,
			}
			logIndex++
		}
		receipt.Bloom = types.CreateBloom(receipt)
		res.Receipts = append(res.Receipts, receipt)
	}
	res.GasUsed, res.BlobGasUsed = blk.GasUsed, blk.BlobGasUsed
	res.Bloom = types.MergeBloom(res.Receipts)

	// After the transactions: withdrawals (EIP-4895, Shanghai), then the
	// requests (Prague): deposits from the logs, then the two queue contracts.
	if ws := block.Withdrawals(); len(ws) > 0 {
		if fork < host.Shanghai {
			return nil, fmt.Errorf("%w: withdrawals before Shanghai", ErrUnexpectedField)
		}
		applyWithdrawals(db, ws)
	}
	if fork >= host.Prague {
		if res.Requests, err = p.requests(r, db, blk, fork, res.Receipts); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// applyWithdrawals credits each withdrawal (an amount in gwei) to its address,
// as one transaction: a zero amount to an empty account touches it, and
// EIP-161 removes it again.
func applyWithdrawals(db runtime.TxStateDB, ws types.Withdrawals) {
	db.BeginTx()
	gwei := uint256.NewInt(params.GWei)
	for _, w := range ws {
		var amount uint256.Int
		amount.Mul(amount.SetUint64(w.Amount), gwei)
		db.AddBalance(w.Address, &amount)
	}
	db.FinaliseTx()
}
