package chaingen

import (
	"encoding/json"
	"fmt"
	"math/big"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/consensus/misc/eip1559"
	"github.com/ethereum/go-ethereum/consensus/misc/eip4844"
	"github.com/ethereum/go-ethereum/core"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/params"
	"github.com/ethereum/go-ethereum/trie"

	"github.com/hybridvm/hybridvm/chain"
	"github.com/hybridvm/hybridvm/internal/engines"
	"github.com/hybridvm/hybridvm/machine"
	"github.com/hybridvm/hybridvm/riscvengine"
	"github.com/hybridvm/hybridvm/state"
)

// sealer builds and seals blocks by executing them with hybridvm's chain.Processor,
// for workloads go-ethereum cannot execute (RISC-V contracts). It lays out headers as
// go-ethereum's core.GenerateChain does after the merge (10 s apart, the parent's
// coinbase and gas limit, difficulty zero, the EIP-1559 base fee from the parent; from
// Cancun the EIP-4844 excess blob gas and a zero parent beacon root; from Shanghai an
// empty withdrawals list, none before) and
// fills in what execution computes: gas used, bloom, receipts root, state root and,
// from Prague, the requests hash.
type sealer struct {
	cfg    *params.ChainConfig
	proc   *chain.Processor
	st     *state.State
	parent *types.Header
	hashes map[uint64]common.Hash
	// pending are transactions made for a block that did not fit: they open the next.
	pending []*types.Transaction
}

func newSealer(g *core.Genesis) (*sealer, error) {
	alloc, err := json.Marshal(g.Alloc)
	if err != nil {
		return nil, fmt.Errorf("chaingen: genesis alloc: %w", err)
	}
	st, err := state.ParseAlloc(alloc)
	if err != nil {
		return nil, fmt.Errorf("chaingen: genesis alloc: %w", err)
	}
	head := g.ToBlock().Header()
	if root := st.Root(); root != head.Root {
		return nil, fmt.Errorf("chaingen: BUG: genesis state root %x, go-ethereum's %x", root, head.Root)
	}
	// The engine does not change the results (every engine runs a contract alike);
	// the default is the fastest.
	cache := machine.NewCache(riscvengine.DefaultImageCacheSize)
	proc, err := chain.NewProcessor(chain.Config{Chain: g.Config, Runtime: engines.Runtimes(machine.DefaultEngine(), cache)})
	if err != nil {
		return nil, err
	}
	return &sealer{cfg: g.Config, proc: proc, st: st, parent: head, hashes: map[uint64]common.Hash{0: head.Hash()}}, nil
}

// header lays out the next block's header, before execution.
func (s *sealer) header() *types.Header {
	p := s.parent
	h := &types.Header{
		ParentHash: p.Hash(),
		Coinbase:   p.Coinbase,
		Difficulty: new(big.Int),
		GasLimit:   p.GasLimit,
		Number:     new(big.Int).Add(p.Number, common.Big1),
		Time:       p.Time + 10,
		BaseFee:    eip1559.CalcBaseFee(s.cfg, p),
	}
	if s.cfg.IsCancun(h.Number, h.Time) {
		excess := eip4844.CalcExcessBlobGas(s.cfg, p, h.Time)
		h.ExcessBlobGas, h.BlobGasUsed, h.ParentBeaconRoot = &excess, new(uint64), new(common.Hash)
	}
	return h
}

// next seals the next block: the pending transactions, then those mk makes, until the
// block's gas would pass target. mk makes a transaction for the header (its number,
// time and base fee); the made ones that do not fit are kept for the next block.
// Every transaction must succeed.
func (s *sealer) next(target uint64, mk func(h *types.Header) *types.Transaction) (*types.Block, error) {
	h := s.header()
	txs := s.pending
	var limits uint64
	for _, tx := range txs {
		limits += tx.Gas()
	}
	// Candidates by gas limit up to the block's gas limit, then the prefix whose gas
	// used stays within target, found by executing them on a copy of the state.
	var over *types.Transaction // made, but beyond the gas limit: for the next block
	for {
		tx := mk(h)
		if limits+tx.Gas() > h.GasLimit {
			over = tx
			break
		}
		txs = append(txs, tx)
		limits += tx.Gas()
	}
	var withdrawals []*types.Withdrawal // nil: no withdrawals root
	if s.cfg.IsShanghai(h.Number, h.Time) {
		withdrawals = []*types.Withdrawal{}
	}
	trial := types.NewBlockWithHeader(h).WithBody(types.Body{Transactions: txs, Withdrawals: withdrawals})
	res, err := s.proc.Process(trial, s.st.Copy(), s.blockHash)
	if err != nil {
		return nil, fmt.Errorf("chaingen: block %d: %w", h.Number, err)
	}
	k := 0
	for k < len(res.Receipts) && res.Receipts[k].CumulativeGasUsed <= target {
		k++
	}
	if k == 0 && len(txs) > 0 {
		return nil, fmt.Errorf("chaingen: block %d: the first transaction alone uses %d gas, above %d", h.Number, res.Receipts[0].GasUsed, target)
	}
	txs, s.pending = txs[:k], append(append([]*types.Transaction(nil), txs[k:]...), over)
	body := types.Body{Transactions: txs, Withdrawals: withdrawals}
	if res, err = s.proc.Process(types.NewBlockWithHeader(h).WithBody(body), s.st, s.blockHash); err != nil {
		return nil, fmt.Errorf("chaingen: block %d: %w", h.Number, err)
	}
	for i, r := range res.Receipts {
		if r.Status != types.ReceiptStatusSuccessful {
			return nil, fmt.Errorf("chaingen: block %d: transaction %d (%s) failed", h.Number, i, r.TxHash.Hex())
		}
	}
	h.GasUsed = res.GasUsed
	h.Root = s.st.Root()
	if s.cfg.IsPrague(h.Number, h.Time) {
		rh := types.CalcRequestsHash(res.Requests)
		h.RequestsHash = &rh
	}
	b := types.NewBlock(h, &body, res.Receipts, trie.NewStackTrie(nil))
	if err := chain.ValidateResult(b, res, h.Root); err != nil {
		return nil, fmt.Errorf("chaingen: BUG: block %d does not validate: %w", h.Number, err)
	}
	n := b.NumberU64()
	s.hashes[n] = b.Hash()
	delete(s.hashes, n-256)
	s.parent = b.Header()
	return b, nil
}

func (s *sealer) blockHash(n uint64) common.Hash { return s.hashes[n] }

// sealChain makes n blocks of gen's transactions on g, sealed by hybridvm.
func (w *world) sealChain(g *core.Genesis, n int, gen func(*world) call) ([]*types.Block, error) {
	s, err := newSealer(g)
	if err != nil {
		return nil, err
	}
	tip := big.NewInt(params.GWei)
	w.nonces = make([]uint64, len(w.senders))
	blocks := make([]*types.Block, 0, n)
	for len(blocks) < n {
		b, err := s.next(w.target, func(h *types.Header) *types.Transaction {
			c := gen(w)
			i := w.next
			w.next = (w.next + 1) % len(w.senders)
			signer := types.MakeSigner(g.Config, h.Number, h.Time)
			tx := types.MustSignNewTx(w.keys[i], signer, &types.DynamicFeeTx{
				ChainID:   g.Config.ChainID,
				Nonce:     w.nonces[i],
				GasTipCap: tip,
				GasFeeCap: new(big.Int).Add(new(big.Int).Mul(h.BaseFee, big.NewInt(2)), tip),
				Gas:       c.gas,
				To:        c.to,
				Value:     c.value,
				Data:      c.data,
			})
			w.nonces[i]++
			return tx
		})
		if err != nil {
			return nil, err
		}
		blocks = append(blocks, b)
	}
	return blocks, nil
}
