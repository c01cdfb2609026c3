// Package gethstate adapts any go-ethereum vm.StateDB to host.StateDB, so a geth-based
// program runs RISC-V and EVM contracts through hybridvm against its own state:
//
//	sdb, _ := state.New(root, db)                    // go-ethereum's core/state
//	rt, _ := hybridvm.NewRuntime(ctx, hybridvm.Config{State: gethstate.New(sdb, params.Rules{...})})
//
// Every call is forwarded; go-ethereum keeps the journal, the access list, the refund
// counter and the logs. Transactions are delimited with BeginTx/FinaliseTx/DiscardTx as
// for the embedded state (see hybridvm.Runtime), and FinaliseTx runs geth's Finalise.
//
// Package gethstate imports host from the project, and go-ethereum.
package gethstate

import (
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/tracing"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/ethereum/go-ethereum/params"
	"github.com/holiman/uint256"

	"github.com/hybridvm/hybridvm/host"
)

// State is a host.StateDB over a go-ethereum vm.StateDB.
type State struct {
	db    vm.StateDB
	rules params.Rules
	// The current transaction: the snapshot DiscardTx returns to, its index (geth keys
	// logs by transaction), and whether one is open.
	txSnap  int
	txIndex int
	inTx    bool
	// transient lists the transient slots written in the transaction: go-ethereum
	// clears transient storage in Prepare, host.StateDB at the end of the transaction.
	transient []transientSlot
}

type transientSlot struct {
	addr host.Address
	key  host.Hash
}

// New returns an adapter over db; rules are those go-ethereum's Finalise applies at the
// end of each transaction (EIP-158 deletion of empty accounts and so on).
func New(db vm.StateDB, rules params.Rules) *State { return &State{db: db, rules: rules} }

// DB returns the adapted state.
func (s *State) DB() vm.StateDB { return s.db }

var _ host.StateDB = (*State)(nil)

func (s *State) Exist(a host.Address) bool              { return s.db.Exist(a) }
func (s *State) Empty(a host.Address) bool              { return s.db.Empty(a) }
func (s *State) CreateAccount(a host.Address)           { s.db.CreateAccount(a) }
func (s *State) CreateContract(a host.Address)          { s.db.CreateContract(a) }
func (s *State) GetBalance(a host.Address) *uint256.Int { return s.db.GetBalance(a) }
func (s *State) AddBalance(a host.Address, v *uint256.Int) {
	s.db.AddBalance(a, v, tracing.BalanceChangeUnspecified)
}
func (s *State) SubBalance(a host.Address, v *uint256.Int) {
	s.db.SubBalance(a, v, tracing.BalanceChangeUnspecified)
}
func (s *State) GetNonce(a host.Address) uint64 { return s.db.GetNonce(a) }
func (s *State) SetNonce(a host.Address, n uint64) {
	s.db.SetNonce(a, n, tracing.NonceChangeUnspecified)
}
func (s *State) GetCode(a host.Address) []byte        { return s.db.GetCode(a) }
func (s *State) GetCodeHash(a host.Address) host.Hash { return s.db.GetCodeHash(a) }
func (s *State) GetCodeSize(a host.Address) int       { return s.db.GetCodeSize(a) }
func (s *State) SetCode(a host.Address, code []byte) {
	s.db.SetCode(a, code, tracing.CodeChangeUnspecified)
}
func (s *State) GetState(a host.Address, k host.Hash) host.Hash { return s.db.GetState(a, k) }
func (s *State) GetCommittedState(a host.Address, k host.Hash) host.Hash {
	_, committed := s.db.GetStateAndCommittedState(a, k)
	return committed
}
func (s *State) SetState(a host.Address, k, v host.Hash) { s.db.SetState(a, k, v) }
func (s *State) GetTransientState(a host.Address, k host.Hash) host.Hash {
	return s.db.GetTransientState(a, k)
}
func (s *State) SetTransientState(a host.Address, k, v host.Hash) {
	s.transient = append(s.transient, transientSlot{a, k})
	s.db.SetTransientState(a, k, v)
}

// SelfDestruct marks the account and zeroes its balance, which is host.StateDB's
// contract (go-ethereum's SelfDestruct leaves the balance to its caller).
func (s *State) SelfDestruct(a host.Address) {
	if b := s.db.GetBalance(a); !b.IsZero() {
		s.db.SubBalance(a, b.Clone(), tracing.BalanceDecreaseSelfdestructBurn)
	}
	s.db.SelfDestruct(a)
}
func (s *State) HasSelfDestructed(a host.Address) bool { return s.db.HasSelfDestructed(a) }
func (s *State) IsNewContract(a host.Address) bool     { return s.db.IsNewContract(a) }
func (s *State) AddRefund(g uint64)                    { s.db.AddRefund(g) }
func (s *State) SubRefund(g uint64)                    { s.db.SubRefund(g) }
func (s *State) GetRefund() uint64                     { return s.db.GetRefund() }
func (s *State) AddressInAccessList(a host.Address) bool {
	return s.db.AddressInAccessList(a)
}
func (s *State) SlotInAccessList(a host.Address, k host.Hash) (bool, bool) {
	return s.db.SlotInAccessList(a, k)
}
func (s *State) AddAddressToAccessList(a host.Address)           { s.db.AddAddressToAccessList(a) }
func (s *State) AddSlotToAccessList(a host.Address, k host.Hash) { s.db.AddSlotToAccessList(a, k) }
func (s *State) AddLog(l *host.Log) {
	s.db.AddLog(&types.Log{Address: l.Address, Topics: l.Topics, Data: l.Data})
}
func (s *State) Snapshot() int          { return s.db.Snapshot() }
func (s *State) RevertToSnapshot(i int) { s.db.RevertToSnapshot(i) }

// txHash is the key geth files a transaction's logs under; hybridvm's calls have no
// transaction hash, so the adapter numbers them.
func txHash(i int) common.Hash {
	return common.BigToHash(new(uint256.Int).SetUint64(uint64(i) + 1).ToBig())
}

// contextSetter and logGetter are implemented by go-ethereum's *state.StateDB.
type (
	contextSetter interface {
		SetTxContext(thash common.Hash, ti int, blockAccessIndex uint32)
	}
	logGetter interface {
		GetLogs(hash common.Hash, blockNumber uint64, blockHash common.Hash, blockTime uint64) []*types.Log
	}
)

// BeginTx starts a transaction: a fresh access list and refund counter (go-ethereum
// clears them in Finalise) and a new key for its logs.
func (s *State) BeginTx() {
	if s.inTx {
		s.FinaliseTx()
	}
	s.txIndex++
	if cs, ok := s.db.(contextSetter); ok {
		cs.SetTxContext(txHash(s.txIndex), s.txIndex, 0)
	}
	s.txSnap = s.db.Snapshot()
	s.inTx = true
}

// PrepareTx starts the transaction's access list (the sender, the destination, the
// precompiles and, from Shanghai, the coinbase are warm) and clears transient storage,
// with go-ethereum's Prepare. go-ethereum has no other way to empty its access list, so
// callers that run transactions through the adapter call PrepareTx after BeginTx (the
// hybridvm.Runtime and runtime.Runtime.ApplyTransaction do).
func (s *State) PrepareTx(sender, coinbase host.Address, dest *host.Address, precompiles []host.Address) {
	s.db.Prepare(s.rules, sender, coinbase, dest, precompiles, nil)
}

// FinaliseTx ends the transaction with go-ethereum's Finalise, after clearing the
// transient storage it wrote (EIP-1153).
func (s *State) FinaliseTx() {
	for _, t := range s.transient {
		s.db.SetTransientState(t.addr, t.key, host.Hash{})
	}
	s.transient = s.transient[:0]
	s.db.Finalise(s.rules)
	s.inTx = false
}

// DiscardTx undoes the transaction's changes.
func (s *State) DiscardTx() {
	if s.inTx {
		s.db.RevertToSnapshot(s.txSnap)
	}
	s.FinaliseTx()
}

// Logs returns the current transaction's logs when the state keeps them by transaction
// (go-ethereum's *state.StateDB does).
func (s *State) Logs() []*host.Log {
	lg, ok := s.db.(logGetter)
	if !ok {
		return nil
	}
	var out []*host.Log
	for _, l := range lg.GetLogs(txHash(s.txIndex), 0, common.Hash{}, 0) {
		out = append(out, &host.Log{Address: l.Address, Topics: l.Topics, Data: l.Data})
	}
	return out
}

// RulesFor returns go-ethereum's rules for a hybridvm fork (everything up to it active).
func RulesFor(f host.Fork) params.Rules {
	return params.Rules{
		IsHomestead: true, IsEIP150: true, IsEIP155: true, IsEIP158: true, IsEIP2929: true,
		IsByzantium: true, IsConstantinople: true, IsPetersburg: true, IsIstanbul: true,
		IsBerlin: true, IsLondon: true, IsMerge: true,
		IsShanghai: f >= host.Shanghai, IsCancun: f >= host.Cancun,
		IsPrague: f >= host.Prague, IsOsaka: f >= host.Osaka,
	}
}
