package hybridvm

import (
	"context"
	"errors"
	"fmt"

	"github.com/holiman/uint256"

	"github.com/hybridvm/hybridvm/host"
	"github.com/hybridvm/hybridvm/runtime"
)

// Status is how a call ended.
type Status = host.Status

// The outcomes.
const (
	StatusSuccess = host.StatusSuccess
	StatusRevert  = host.StatusRevert
	StatusFailure = host.StatusFailure
)

// Result is the outcome of a Call, Create or ExecuteCode.
type Result struct {
	Status Status
	// Err says why the execution reverted or failed (nil on success): a revert, out of
	// gas, an invalid instruction, a guest fault...
	Err error
	// Output is the return data (for a revert, the revert data).
	Output []byte
	// GasUsed is the gas the execution consumed (before refunds); Refund is the refund
	// counter at its end (EIP-3529), which a transaction would apply capped at a fifth
	// of its gas.
	GasUsed uint64
	Refund  uint64
	// Logs emitted (none unless the call succeeded).
	Logs []*Log
	// Instructions counts the RISC-V instructions retired, all frames included.
	Instructions uint64
	// Address is the new contract's address (Create only, on success).
	Address Address
}

// CallMsg is a call of a deployed contract.
type CallMsg struct {
	From, To Address
	Input    []byte
	Value    *uint256.Int
	Gas      uint64
	// ReadOnly discards every state change when the call ends. It needs a state that
	// can delimit transactions (as state.State and state/gethstate can); on another
	// the call fails with ErrReadOnlyUnsupported before it runs.
	ReadOnly bool
}

// CreateMsg deploys a contract from initcode (EVM initcode, or RISC-V initcode: docs/abi.md).
type CreateMsg struct {
	From     Address
	Initcode []byte
	Value    *uint256.Int
	Gas      uint64
	// Salt, when set, makes the create a CREATE2 (address from the salt and initcode).
	Salt *Hash
}

// ExecMsg runs code without deploying it, in the context (address, storage, balance)
// of an existing account: the idea of the HyVM. Input is the calldata, kept separate
// from the code.
type ExecMsg struct {
	From Address
	// As is the account whose context the code runs in.
	As    Address
	Code  []byte
	Input []byte
	Value *uint256.Int
	Gas   uint64
	// ReadOnly discards every state change when the execution ends; as in CallMsg, it
	// needs a state that can delimit transactions.
	ReadOnly bool
}

// ErrReadOnlyUnsupported is returned for a ReadOnly call on a state that cannot
// delimit transactions (has no BeginTx, FinaliseTx and DiscardTx), so its changes could
// not be discarded.
var ErrReadOnlyUnsupported = errors.New("hybridvm: ReadOnly needs a state that can delimit transactions (BeginTx/FinaliseTx/DiscardTx)")

// MaxGas bounds the gas of one call.
const MaxGas = 1 << 62

// Call calls a deployed contract.
func (r *Runtime) Call(ctx context.Context, m CallMsg) (*Result, error) {
	msg := &host.Message{Kind: host.KindCall, Sender: m.From, Recipient: m.To, CodeAddress: m.To, Input: m.Input}
	return r.run(ctx, msg, m.Value, m.Gas, m.ReadOnly)
}

// Create deploys a contract.
func (r *Runtime) Create(ctx context.Context, m CreateMsg) (*Result, error) {
	msg := &host.Message{Kind: host.KindCreate, Sender: m.From, Input: m.Initcode}
	if m.Salt != nil {
		msg.Kind, msg.Salt = host.KindCreate2, *m.Salt
	}
	return r.run(ctx, msg, m.Value, m.Gas, false)
}

// ExecuteCode runs code in the context of account m.As without deploying it.
func (r *Runtime) ExecuteCode(ctx context.Context, m ExecMsg) (*Result, error) {
	if m.Code == nil {
		m.Code = []byte{}
	}
	msg := &host.Message{Kind: host.KindCall, Sender: m.From, Recipient: m.As, CodeAddress: m.As, Input: m.Input, Code: m.Code}
	return r.run(ctx, msg, m.Value, m.Gas, m.ReadOnly)
}

// run executes one top-level frame as a transaction of its own: the sender, the
// recipient, the precompiles and (from Shanghai) the coinbase start warm (EIP-2929/3651), and the state
// is finalised (or, read-only, discarded) at the end.
//
// A call stopped by its context returns the Result (failed, with host.ErrCanceled and
// the context's error in Result.Err) and an error wrapping both, so errors.Is(err,
// context.Canceled) or context.DeadlineExceeded holds; the transaction is discarded.
func (r *Runtime) run(ctx context.Context, msg *host.Message, value *uint256.Int, gas uint64, readOnly bool) (*Result, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if gas > MaxGas {
		return nil, fmt.Errorf("hybridvm: gas %d exceeds the maximum %d", gas, uint64(MaxGas))
	}
	if value != nil {
		msg.Value = *value
	}
	msg.Gas = int64(gas)
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return nil, ErrClosed
	}
	txs, canTx := r.db.(txState)
	if readOnly && !canTx {
		return nil, ErrReadOnlyUnsupported
	}
	cancel := r.rt.CancelFlag()
	cancel.Store(false)
	stop := context.AfterFunc(ctx, func() { cancel.Store(true) })
	defer stop()

	blk := r.cfg.Block
	fillBlock(&blk)
	blk.Origin = msg.Sender
	r.rt.SetContext(blk, r.cfg.BlockHash)

	if canTx {
		txs.BeginTx()
	}
	db := r.db
	var dest *Address
	if !msg.Kind.IsCreate() {
		dest = &msg.Recipient
	}
	if p, ok := db.(runtime.TxPreparer); ok {
		p.PrepareTx(msg.Sender, blk.Coinbase, dest, runtime.Precompiles(r.fork))
	} else {
		db.AddAddressToAccessList(msg.Sender)
		if dest != nil {
			db.AddAddressToAccessList(*dest)
		}
		if r.fork >= host.Shanghai { // EIP-3651
			db.AddAddressToAccessList(blk.Coinbase)
		}
		if w, ok := db.(runtime.PrecompileWarmer); ok {
			w.WarmPrecompiles(runtime.Precompiles(r.fork))
		} else {
			for _, p := range runtime.Precompiles(r.fork) {
				db.AddAddressToAccessList(p)
			}
		}
	}

	res := r.rt.Call(msg)
	out := &Result{
		Status:       res.Status,
		Err:          res.Err,
		Output:       res.Output,
		GasUsed:      uint64(msg.Gas - res.GasLeft),
		Instructions: res.Instructions,
	}
	if res.Status == host.StatusSuccess && msg.Kind.IsCreate() {
		out.Address = res.CreateAddress
	}
	var err error
	if errors.Is(res.Err, host.ErrCanceled) && ctx.Err() != nil {
		out.Err = fmt.Errorf("%w: %w", res.Err, ctx.Err())
		err = fmt.Errorf("hybridvm: call stopped: %w", out.Err)
	}
	if canTx {
		out.Refund = txs.GetRefund()
	}
	if ls, ok := db.(logState); ok && res.Status == host.StatusSuccess {
		out.Logs = append([]*Log(nil), ls.Logs()...) // the state reuses its log list
	}
	if canTx {
		if readOnly || err != nil {
			txs.DiscardTx()
		} else {
			txs.FinaliseTx()
		}
	}
	return out, err
}

// fillBlock gives the zero fields of a block context DefaultBlock's values.
func fillBlock(b *host.TxContext) {
	if b.Number == 0 {
		b.Number = DefaultBlock.Number
	}
	if b.Timestamp == 0 {
		b.Timestamp = DefaultBlock.Timestamp
	}
	if b.GasLimit == 0 {
		b.GasLimit = DefaultBlock.GasLimit
	}
	if b.ChainID.IsZero() {
		b.ChainID = DefaultBlock.ChainID
	}
}
