package chain

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/params"
	"github.com/holiman/uint256"

	"github.com/hybridvm/hybridvm/host"
	"github.com/hybridvm/hybridvm/runtime"
	"github.com/hybridvm/hybridvm/state"
)

// Config configures a Processor.
type Config struct {
	// Chain is the chain's go-ethereum configuration: chain id, fork times,
	// blob schedule, deposit contract. Required.
	Chain *params.ChainConfig
	// Runtime returns the runtime configuration (engines, tracer) for a fork.
	// It is called once per fork the processor meets, and once more per extra
	// worker. Required.
	Runtime func(host.Fork) (runtime.Config, error)
	// Workers is the number of goroutines that execute a block's transactions
	// (parallel.go). Zero or one executes them one after another; more needs
	// the embedded state (a *state.State) and no tracer, else the block runs
	// sequentially. The result is the same either way.
	Workers int
	// AlwaysParallel runs every block with transactions in parallel, however
	// small, even after blocks whose
	// transactions mostly depended on each other (which otherwise pause the
	// parallel path for a few blocks: adaptive.go). For tests and measurements.
	AlwaysParallel bool
}

// Processor executes blocks. It keeps one runtime per fork; it is not safe for
// concurrent use (make one per goroutine).
type Processor struct {
	mu       sync.Mutex // guards runtimes and workers against cancelAll
	cfg      Config
	runtimes map[host.Fork]*runtime.Runtime
	tx       runtime.Transaction

	workers []*worker // parallel execution (parallel.go)
	views   viewPool
	adapt   adaptive
	// speculateAll (tests) runs every transaction of a parallel block against
	// the block's start before the first commits: most of what can conflict
	// then does.
	speculateAll bool
	// profiling collects transaction profiles (schedule.go's Profile).
	profiling *profiler
}

// cancelAll sets the cancel flag of every runtime (a context was cancelled).
func (p *Processor) cancelAll() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, r := range p.runtimes {
		r.CancelFlag().Store(true)
	}
	for _, w := range p.workers {
		for _, r := range w.runtimes {
			r.CancelFlag().Store(true)
		}
	}
}

// clearCancel clears the cancel flags for the next block.
func (p *Processor) clearCancel() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, r := range p.runtimes {
		r.CancelFlag().Store(false)
	}
	for _, w := range p.workers {
		for _, r := range w.runtimes {
			r.CancelFlag().Store(false)
		}
	}
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
	// Parallel says how the transactions ran in parallel (nil: sequentially).
	Parallel *ParallelStats
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
	p.mu.Lock()
	p.runtimes[f] = r
	p.mu.Unlock()
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
	return p.ProcessContext(context.Background(), block, db, getHash)
}

// ProcessContext is Process under ctx: once ctx is done, running transactions
// stop within microseconds (sequential or parallel) and the block fails with
// ctx's error, leaving db partly changed as any failed block does.
func (p *Processor) ProcessContext(ctx context.Context, block *types.Block, db runtime.TxStateDB, getHash func(uint64) common.Hash) (*Result, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if ctx.Done() != nil {
		stop := context.AfterFunc(ctx, p.cancelAll)
		defer func() {
			stop()
			p.clearCancel()
		}()
	}
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
	rb := receiptBuilder{header: header, hash: block.Hash(), blobFee: runtime.BlobBaseFee(fork, blk.ExcessBlobGas)}
	base, parallel := db.(*state.State)
	parallel = parallel && p.parallel(len(txs)) && r.Config().Tracer == nil
	adaptive := parallel && !p.cfg.AlwaysParallel
	if adaptive {
		switch p.adapt.choose() {
		case seqConflicts:
			parallel = false
			res.Parallel = &ParallelStats{Workers: 1, Paused: true}
		case seqFaster:
			parallel = false
			res.Parallel = &ParallelStats{Workers: 1, Slower: true}
		}
	}
	if adaptive {
		stop := p.adapt.clock(blk.GasUsed)
		defer func() { stop(parallel, blk.GasUsed) }()
	}
	if parallel {
		if err := p.runParallel(ctx, fork, base, blk, txs, senders, &rb, res); err != nil {
			return nil, err
		}
	} else {
		for i, tx := range txs {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			if err := toRuntimeTx(tx, senders[i], &p.tx); err != nil {
				return nil, txError(i, tx, err)
			}
			blobBefore := blk.BlobGasUsed
			rc, err := r.ApplyTransaction(&p.tx, blk)
			if err != nil {
				return nil, txError(i, tx, err)
			}
			if err := ctx.Err(); err != nil { // the transaction may have been stopped
				return nil, err
			}
			res.Receipts = append(res.Receipts, rb.receipt(i, tx, senders[i], &rc, blk.GasUsed, blk.BlobGasUsed-blobBefore))
		}
	}
	res.GasUsed, res.BlobGasUsed = blk.GasUsed, blk.BlobGasUsed
	res.Bloom = types.MergeBloom(res.Receipts)

	// After the transactions: withdrawals (EIP-4895, Shanghai), then the
	// requests (Prague): deposits from the logs, then the two queue contracts.
	if err := ctx.Err(); err != nil {
		return nil, err
	}
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

// txError is the error of an invalid transaction.
func txError(i int, tx *types.Transaction, err error) error {
	return fmt.Errorf("%w: transaction %d (%s): %w", ErrInvalidTx, i, tx.Hash().Hex(), err)
}

// receiptBuilder makes the receipts of one block.
type receiptBuilder struct {
	header   *types.Header // the block's (a copy)
	hash     common.Hash
	blobFee  uint256.Int
	logIndex uint
}

// receipt makes transaction i's receipt from what it returned; cumulative is
// the block's gas used up to and including it.
func (b *receiptBuilder) receipt(i int, tx *types.Transaction, sender common.Address, rc *runtime.Receipt, cumulative, blobGas uint64) *types.Receipt {
	r := b.draft(i, tx, sender, rc, blobGas)
	b.finish(r, cumulative)
	return r
}

// draft makes transaction i's receipt but for what depends on the transactions
// before it (the cumulative gas and the logs' block-wide indices, set by
// finish). It reads nothing that changes during the block, so the parallel
// executor's workers draft the receipts of what they run.
func (b *receiptBuilder) draft(i int, tx *types.Transaction, sender common.Address, rc *runtime.Receipt, blobGas uint64) *types.Receipt {
	header := b.header
	receipt := &types.Receipt{
		Type:             tx.Type(),
		TxHash:           tx.Hash(),
		GasUsed:          rc.GasUsed,
		BlockHash:        b.hash,
		BlockNumber:      header.Number,
		TransactionIndex: uint(i),
		Logs:             make([]*types.Log, len(rc.Logs)),
	}
	if rc.Status == host.StatusSuccess {
		receipt.Status = types.ReceiptStatusSuccessful
	}
	if tx.To() == nil { // go-ethereum fills it in for failed creations too
		receipt.ContractAddress = crypto.CreateAddress(sender, tx.Nonce())
	}
	if blobGas > 0 {
		receipt.BlobGasUsed = blobGas
		receipt.BlobGasPrice = b.blobFee.ToBig()
	}
	number, time := header.Number.Uint64(), header.Time
	for j, l := range rc.Logs { // copied: the state reuses them
		receipt.Logs[j] = &types.Log{
			Address: l.Address, Topics: append([]common.Hash(nil), l.Topics...), Data: append([]byte(nil), l.Data...),
			BlockNumber: number, BlockTimestamp: time, TxHash: receipt.TxHash, TxIndex: uint(i), BlockHash: b.hash,
		}
	}
	receipt.Bloom = types.CreateBloom(receipt)
	return receipt
}

// finish completes a drafted receipt, in block order.
func (b *receiptBuilder) finish(r *types.Receipt, cumulative uint64) {
	r.CumulativeGasUsed = cumulative
	for _, l := range r.Logs {
		l.Index = b.logIndex
		b.logIndex++
	}
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
