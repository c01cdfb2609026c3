package replay

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/ethereum/go-ethereum/common"
	gstate "github.com/ethereum/go-ethereum/core/state"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/hybridvm/hybridvm/chain"
	"github.com/hybridvm/hybridvm/evm"
	"github.com/hybridvm/hybridvm/host"
	"github.com/hybridvm/hybridvm/machine"
	"github.com/hybridvm/hybridvm/riscvengine"
	"github.com/hybridvm/hybridvm/runtime"
	"github.com/hybridvm/hybridvm/state"
	"github.com/hybridvm/hybridvm/state/gethstate"
)

// memTrace is what TraceBlock needs to rebuild the head's state in memory, where
// the replay changes its one state in place: the genesis state as it was and the
// blocks imported since. Keeping them costs one copy of the genesis state and the
// block list; only a failure pays for the re-execution (the whole chain up to the
// bad block, again). With a datadir the parent's state is still on disk and
// nothing is kept.
type memTrace struct {
	genesis *state.State
	blocks  []*types.Block
}

// traceLine is the header line TraceBlock writes before each transaction's trace
// (TxIndex set), before a system call's (SystemCall), and at the end (Error, with
// what the re-execution gave).
type traceLine struct {
	Block      uint64          `json:"block"`
	BlockHash  common.Hash     `json:"blockHash"`
	TxIndex    *int            `json:"txIndex,omitempty"`
	TxHash     *common.Hash    `json:"txHash,omitempty"`
	From       *common.Address `json:"from,omitempty"`
	To         *common.Address `json:"to,omitempty"`
	SystemCall bool            `json:"systemCall,omitempty"`
	// For an invalid transaction: the sender's nonce and balance when it was refused.
	SenderNonce   *uint64 `json:"senderNonce,omitempty"`
	SenderBalance string  `json:"senderBalance,omitempty"`
	// At the end: the re-execution's gas used and state root when it completed.
	GasUsed   *uint64      `json:"gasUsed,omitempty"`
	StateRoot *common.Hash `json:"stateRoot,omitempty"`
	Error     string       `json:"error,omitempty"`
}

// TraceBlock executes block again on the head's state, which is its parent's when
// block is the one Import just refused for cause, with an EIP-3155 JSON tracer
// (evm.JSONTracer: a line per EVM instruction, a summary line per frame, RISC-V
// frames included as their summaries), and writes the trace to w. What is traced
// follows from cause:
//
//   - an invalid transaction (chain.ErrInvalidTx, which names the transaction's
//     hash): that transaction alone. It never ran, so its trace is its header line
//     with the error and the sender's nonce and balance when it was refused;
//   - any other failure (state root, receipts root, bloom, gas used...): the whole
//     block, one transaction after another, each after a header line naming it
//     ({"block","blockHash","txIndex","txHash","from","to"}), and the system calls'
//     frames after a {"systemCall":true} line. A receipts root or gas mismatch cannot
//     name its transaction without the other side's receipts, so every
//     transaction is traced.
//
// A last line gives the block, cause, and the gas used and state root the
// re-execution computed. A block that does not extend the head cannot be traced:
// only that last line is written. In memory, TraceBlock needs Options.TraceBad set
// at New (it rebuilds the head's state from a copy of the genesis state).
func (r *Replayer) TraceBlock(w io.Writer, block *types.Block, cause error) error {
	header := block.Header()
	last := traceLine{Block: block.NumberU64(), BlockHash: block.Hash()}
	if cause != nil {
		last.Error = cause.Error()
	}
	if block.ParentHash() != r.parent.Hash() {
		last.Error = strings.TrimSpace(last.Error + " (the block does not extend the head: not traced)")
		return writeLine(w, last)
	}
	db, root, err := r.headState(header)
	if err != nil {
		return err
	}
	cfg := r.proc.ChainConfig()
	txs := block.Transactions()
	senders, err := chain.RecoverSenders(types.MakeSigner(cfg, header.Number, header.Time), txs)
	if err != nil {
		last.Error = strings.TrimSpace(last.Error + " (senders: " + err.Error() + ")")
		return writeLine(w, last)
	}
	target := -1 // every transaction
	if errors.Is(cause, chain.ErrInvalidTx) {
		for i, tx := range txs {
			if strings.Contains(cause.Error(), tx.Hash().Hex()) {
				target = i
				break
			}
		}
	}
	seg := &segmenter{w: w, block: block, txs: txs, senders: senders, target: target, cur: -1}
	tracer := evm.NewJSONTracer(seg)
	cache := machine.NewCache(riscvengine.DefaultImageCacheSize)
	proc, err := chain.NewProcessor(chain.Config{Chain: cfg, Runtime: func(f host.Fork) (runtime.Config, error) {
		e, err := evm.New(evm.Config{Fork: f, Tracer: tracer})
		if err != nil {
			return runtime.Config{}, err
		}
		return runtime.Config{Fork: f, EVM: e, Tracer: tracer, RISCV: riscvengine.New(riscvengine.Config{Engine: r.opts.Engine, Fork: f, Cache: cache})}, nil
	}})
	if err != nil {
		return err
	}
	res, perr := proc.Process(block, seg.wrap(db), r.blockHash)
	if seg.err != nil {
		return seg.err
	}
	if err := tracer.Err(); err != nil {
		return err
	}
	if perr != nil && errors.Is(perr, chain.ErrInvalidTx) && seg.next < len(txs) {
		// Refused before it began: the state is the one it was refused on.
		i, tx := seg.next, txs[seg.next]
		h, from := tx.Hash(), senders[i]
		nonce := db.GetNonce(from)
		if err := writeLine(w, traceLine{Block: last.Block, BlockHash: last.BlockHash, TxIndex: &i, TxHash: &h, From: &from, To: tx.To(),
			SenderNonce: &nonce, SenderBalance: db.GetBalance(from).Dec(), Error: perr.Error()}); err != nil {
			return err
		}
	}
	if perr != nil {
		last.Error = strings.TrimSpace(last.Error + " (re-executed: " + perr.Error() + ")")
	} else {
		gas, st := res.GasUsed, root()
		last.GasUsed, last.StateRoot = &gas, &st
	}
	return writeLine(w, last)
}

// headState returns a state at the head (the parent of the block to trace) and a
// function computing its root after execution.
func (r *Replayer) headState(header *types.Header) (runtime.TxStateDB, func() common.Hash, error) {
	if d := r.disk; d != nil {
		if d.closed {
			return nil, nil, errors.New("the replayer is closed")
		}
		sdb, err := gstate.New(r.parent.Root, d.sdb)
		if err != nil {
			return nil, nil, fmt.Errorf("opening the parent's state: %w", err)
		}
		rules := r.proc.ChainConfig().Rules(header.Number, true, header.Time)
		return gethstate.New(sdb, rules), func() common.Hash { return sdb.IntermediateRoot(rules) }, nil
	}
	if r.bad == nil {
		return nil, nil, errors.New("tracing in memory needs Options.TraceBad set when the replay starts")
	}
	st := r.bad.genesis.Copy()
	hashes := map[uint64]common.Hash{0: r.bad.genesis.Root()}
	for k, v := range r.hashes {
		hashes[k] = v
	}
	for _, b := range r.bad.blocks {
		if _, err := r.proc.Process(b, st, func(n uint64) common.Hash { return hashes[n] }); err != nil {
			return nil, nil, fmt.Errorf("re-executing block %d: %w", b.NumberU64(), err)
		}
		hashes[b.NumberU64()] = b.Hash()
	}
	return st, st.Root, nil
}

func writeLine(w io.Writer, l traceLine) error {
	b, err := json.Marshal(l)
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

// segmenter cuts the trace of a block into its state transactions (each begins
// with BeginTx): system calls, the block's transactions, withdrawals. A state
// transaction is the block's transaction i when it raises the nonce of
// transaction i's sender past transaction i's nonce, which every transaction does
// before it runs any code and nothing else in a block does; the header line of a
// segment is written before its first trace line.
type segmenter struct {
	w       io.Writer
	block   *types.Block
	txs     types.Transactions
	senders []common.Address
	target  int // the one transaction to trace, or -1 for all

	next   int  // the next transaction of the block
	cur    int  // the current segment's transaction, -1 for a system call
	headed bool // the current segment's header is written
	err    error
}

// Write implements io.Writer for the tracer.
func (s *segmenter) Write(p []byte) (int, error) {
	if s.err != nil {
		return 0, s.err
	}
	if s.target >= 0 && s.cur != s.target {
		return len(p), nil
	}
	if !s.headed {
		s.headed = true
		l := traceLine{Block: s.block.NumberU64(), BlockHash: s.block.Hash(), SystemCall: s.cur < 0}
		if i := s.cur; i >= 0 {
			h, from := s.txs[i].Hash(), s.senders[i]
			l.TxIndex, l.TxHash, l.From, l.To = &i, &h, &from, s.txs[i].To()
		}
		if s.err = writeLine(s.w, l); s.err != nil {
			return 0, s.err
		}
	}
	n, err := s.w.Write(p)
	if err != nil {
		s.err = err
	}
	return n, err
}

func (s *segmenter) begin() { s.cur, s.headed = -1, false }

func (s *segmenter) nonce(a common.Address, n uint64) {
	if s.cur < 0 && !s.headed && s.next < len(s.txs) && a == s.senders[s.next] && n == s.txs[s.next].Nonce()+1 {
		s.cur = s.next
		s.next++
		if s.target < 0 || s.cur == s.target {
			s.Write(nil) // the header, even for a transaction that runs no code
		}
	}
}

// wrap returns db with BeginTx and SetNonce reported to s, keeping the optional
// interfaces the runtime looks for (runtime.TxPreparer, the EIP-7610 storage probe).
func (s *segmenter) wrap(db runtime.TxStateDB) runtime.TxStateDB {
	m := &marked{TxStateDB: db, seg: s}
	p, prep := db.(runtime.TxPreparer)
	q, probe := db.(storageProber)
	switch {
	case prep && probe:
		return &markedBoth{m, p, q}
	case prep:
		return &markedPreparer{m, p}
	case probe:
		return &markedProber{m, q}
	}
	return m
}

type storageProber interface{ HasStorage(host.Address) bool }

type marked struct {
	runtime.TxStateDB
	seg *segmenter
}

func (m *marked) BeginTx() { m.seg.begin(); m.TxStateDB.BeginTx() }

func (m *marked) SetNonce(a host.Address, n uint64) {
	m.seg.nonce(a, n)
	m.TxStateDB.SetNonce(a, n)
}

type markedPreparer struct {
	*marked
	runtime.TxPreparer
}

type markedProber struct {
	*marked
	storageProber
}

type markedBoth struct {
	*marked
	runtime.TxPreparer
	storageProber
}
