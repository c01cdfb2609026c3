package evm

import (
	"maps"

	"github.com/ethereum/go-ethereum/crypto"
	"github.com/holiman/uint256"

	"github.com/hybridvm/hybridvm/host"
)

// testHost is a map-backed, journaled host.Host for tests. Its Call runs nested frames with a
// test EVM, following go-ethereum's order (depth, balance, snapshot, transfer, precompile or
// code, revert on failure; creates: nonce, address, collision, code deposit) closely enough
// to compare nested executions with geth in differential tests. It is not a runtime: no
// transaction-level processing, no RISC-V.
type testHost struct {
	accounts  map[host.Address]*testAccount
	committed map[host.Address]map[host.Hash]host.Hash // storage at the start of the "transaction"
	transient map[host.Address]map[host.Hash]host.Hash
	accAddr   map[host.Address]bool
	accSlot   map[host.Address]map[host.Hash]bool
	refund    uint64
	logs      []*host.Log
	journal   []func()
	tx        host.TxContext

	evm         *EVM
	precompiles map[host.Address]precompile
	// writes records every storage and transient key written, for comparisons.
	writes map[host.Address]map[host.Hash]bool
	// testMsg, when set, is the message unit tests execute (see run).
	testMsg *host.Message
	// hashCode makes nested calls pass code hashes (exercising the analysis cache).
	hashCode bool
}

// precompile is the part of a precompiled contract the test host needs (go-ethereum's
// vm.PrecompiledContract satisfies it).
type precompile interface {
	RequiredGas(input []byte) uint64
	Run(input []byte) ([]byte, error)
}

type testAccount struct {
	balance    uint256.Int
	nonce      uint64
	code       []byte
	storage    map[host.Hash]host.Hash
	created    bool // created in this transaction (EIP-6780)
	destructed bool
}

func newTestHost() *testHost {
	return &testHost{
		accounts:  map[host.Address]*testAccount{},
		committed: map[host.Address]map[host.Hash]host.Hash{},
		transient: map[host.Address]map[host.Hash]host.Hash{},
		accAddr:   map[host.Address]bool{},
		accSlot:   map[host.Address]map[host.Hash]bool{},
		writes:    map[host.Address]map[host.Hash]bool{},
		tx: host.TxContext{
			Number: 1000, Timestamp: 1700000000, GasLimit: 30_000_000,
			ChainID: *uint256.NewInt(1),
		},
	}
}

// setAccount installs a pre-state account (its storage becomes the committed storage).
func (h *testHost) setAccount(a host.Address, balance uint64, code []byte, storage map[host.Hash]host.Hash) {
	acc := &testAccount{code: code, storage: maps.Clone(storage)}
	if acc.storage == nil {
		acc.storage = map[host.Hash]host.Hash{}
	}
	acc.balance.SetUint64(balance)
	if len(code) > 0 {
		acc.nonce = 1
	}
	h.accounts[a] = acc
	h.committed[a] = maps.Clone(acc.storage)
}

// getOrNew returns the account, creating an empty one (journaled) when missing.
func (h *testHost) getOrNew(a host.Address) *testAccount {
	if acc := h.accounts[a]; acc != nil {
		return acc
	}
	acc := &testAccount{storage: map[host.Hash]host.Hash{}}
	h.accounts[a] = acc
	h.journal = append(h.journal, func() { delete(h.accounts, a) })
	return acc
}

func (h *testHost) Exist(a host.Address) bool { return h.accounts[a] != nil }

func (h *testHost) Empty(a host.Address) bool {
	acc := h.accounts[a]
	return acc == nil || (acc.nonce == 0 && acc.balance.IsZero() && len(acc.code) == 0)
}

func (h *testHost) CreateAccount(a host.Address) {
	prev := h.accounts[a]
	acc := &testAccount{storage: map[host.Hash]host.Hash{}}
	if prev != nil {
		acc.balance = prev.balance
	}
	h.accounts[a] = acc
	h.journal = append(h.journal, func() {
		if prev == nil {
			delete(h.accounts, a)
		} else {
			h.accounts[a] = prev
		}
	})
}

func (h *testHost) CreateContract(a host.Address) {
	acc := h.getOrNew(a)
	if !acc.created {
		acc.created = true
		h.journal = append(h.journal, func() { acc.created = false })
	}
}

func (h *testHost) GetBalance(a host.Address) *uint256.Int {
	if acc := h.accounts[a]; acc != nil {
		return new(uint256.Int).Set(&acc.balance)
	}
	return new(uint256.Int)
}

func (h *testHost) setBalance(a host.Address, v *uint256.Int) {
	acc := h.getOrNew(a)
	prev := acc.balance
	acc.balance = *v
	h.journal = append(h.journal, func() { acc.balance = prev })
}

func (h *testHost) AddBalance(a host.Address, v *uint256.Int) {
	h.setBalance(a, new(uint256.Int).Add(h.GetBalance(a), v))
}

func (h *testHost) SubBalance(a host.Address, v *uint256.Int) {
	h.setBalance(a, new(uint256.Int).Sub(h.GetBalance(a), v))
}

func (h *testHost) GetNonce(a host.Address) uint64 {
	if acc := h.accounts[a]; acc != nil {
		return acc.nonce
	}
	return 0
}

func (h *testHost) SetNonce(a host.Address, n uint64) {
	acc := h.getOrNew(a)
	prev := acc.nonce
	acc.nonce = n
	h.journal = append(h.journal, func() { acc.nonce = prev })
}

func (h *testHost) GetCode(a host.Address) []byte {
	if acc := h.accounts[a]; acc != nil {
		return acc.code
	}
	return nil
}

func (h *testHost) GetCodeHash(a host.Address) host.Hash {
	acc := h.accounts[a]
	if acc == nil {
		return host.Hash{}
	}
	return crypto.Keccak256Hash(acc.code)
}

func (h *testHost) GetCodeSize(a host.Address) int { return len(h.GetCode(a)) }

func (h *testHost) SetCode(a host.Address, code []byte) {
	acc := h.getOrNew(a)
	prev := acc.code
	acc.code = code
	h.journal = append(h.journal, func() { acc.code = prev })
}

func (h *testHost) GetState(a host.Address, k host.Hash) host.Hash {
	if acc := h.accounts[a]; acc != nil {
		return acc.storage[k]
	}
	return host.Hash{}
}

func (h *testHost) GetCommittedState(a host.Address, k host.Hash) host.Hash {
	if acc := h.accounts[a]; acc != nil && acc.created {
		return host.Hash{} // storage of a contract created in this transaction starts empty
	}
	return h.committed[a][k]
}

func (h *testHost) record(a host.Address, k host.Hash) {
	if h.writes[a] == nil {
		h.writes[a] = map[host.Hash]bool{}
	}
	h.writes[a][k] = true
}

func (h *testHost) SetState(a host.Address, k, v host.Hash) {
	h.record(a, k)
	acc := h.getOrNew(a)
	prev, had := acc.storage[k]
	acc.storage[k] = v
	h.journal = append(h.journal, func() {
		if had {
			acc.storage[k] = prev
		} else {
			delete(acc.storage, k)
		}
	})
}

func (h *testHost) GetTransientState(a host.Address, k host.Hash) host.Hash {
	return h.transient[a][k]
}

func (h *testHost) SetTransientState(a host.Address, k, v host.Hash) {
	h.record(a, k)
	m := h.transient[a]
	if m == nil {
		m = map[host.Hash]host.Hash{}
		h.transient[a] = m
	}
	prev := m[k]
	m[k] = v
	h.journal = append(h.journal, func() { m[k] = prev })
}

func (h *testHost) SelfDestruct(a host.Address) {
	acc := h.accounts[a]
	if acc == nil {
		return
	}
	prevD, prevB := acc.destructed, acc.balance
	acc.destructed = true
	acc.balance.Clear()
	h.journal = append(h.journal, func() { acc.destructed, acc.balance = prevD, prevB })
}

func (h *testHost) HasSelfDestructed(a host.Address) bool {
	acc := h.accounts[a]
	return acc != nil && acc.destructed
}

func (h *testHost) IsNewContract(a host.Address) bool {
	acc := h.accounts[a]
	return acc != nil && acc.created
}

func (h *testHost) AddRefund(g uint64) {
	prev := h.refund
	h.refund += g
	h.journal = append(h.journal, func() { h.refund = prev })
}

func (h *testHost) SubRefund(g uint64) {
	if g > h.refund {
		panic("BUG: refund counter below zero")
	}
	prev := h.refund
	h.refund -= g
	h.journal = append(h.journal, func() { h.refund = prev })
}

func (h *testHost) GetRefund() uint64 { return h.refund }

func (h *testHost) AddressInAccessList(a host.Address) bool { return h.accAddr[a] }

func (h *testHost) SlotInAccessList(a host.Address, k host.Hash) (bool, bool) {
	return h.accAddr[a], h.accSlot[a][k]
}

func (h *testHost) AddAddressToAccessList(a host.Address) {
	if !h.accAddr[a] {
		h.accAddr[a] = true
		h.journal = append(h.journal, func() { delete(h.accAddr, a) })
	}
}

func (h *testHost) AddSlotToAccessList(a host.Address, k host.Hash) {
	h.AddAddressToAccessList(a)
	m := h.accSlot[a]
	if m == nil {
		m = map[host.Hash]bool{}
		h.accSlot[a] = m
	}
	if !m[k] {
		m[k] = true
		h.journal = append(h.journal, func() { delete(m, k) })
	}
}

func (h *testHost) AddLog(l *host.Log) {
	h.logs = append(h.logs, l)
	n := len(h.logs) - 1
	h.journal = append(h.journal, func() { h.logs = h.logs[:n] })
}

func (h *testHost) Snapshot() int { return len(h.journal) }

func (h *testHost) RevertToSnapshot(id int) {
	for len(h.journal) > id {
		undo := h.journal[len(h.journal)-1]
		h.journal = h.journal[:len(h.journal)-1]
		undo()
	}
}

func (h *testHost) TxContext() *host.TxContext { return &h.tx }

// BlockHash is the test chain's hash of block n (the same function the geth side uses).
func (h *testHost) BlockHash(n uint64) host.Hash { return testBlockHash(n) }

func testBlockHash(n uint64) host.Hash {
	return crypto.Keccak256Hash([]byte("block"), uint256.NewInt(n).Bytes())
}

// Call runs a nested frame the way go-ethereum's EVM.Call/CallCode/DelegateCall/StaticCall/
// Create do, and reports its end to the tracer as geth does (every frame, including those
// that never reach the interpreter).
func (h *testHost) Call(msg *host.Message) host.Result {
	res := h.call(msg)
	if t := h.evm.Tracer(); t != nil {
		t.OnExit(msg.Depth, res.Output, uint64(msg.Gas-res.GasLeft), res.Err, res.Status != host.StatusSuccess)
	}
	return res
}

func (h *testHost) call(msg *host.Message) host.Result {
	if msg.Depth > host.MaxCallDepth {
		return host.Result{Status: host.StatusFailure, Err: host.ErrDepth, GasLeft: msg.Gas}
	}
	if msg.Kind.IsCreate() {
		return h.create(msg)
	}
	transfers := msg.Kind == host.KindCall || msg.Kind == host.KindCallCode
	if transfers && h.GetBalance(msg.Sender).Lt(&msg.Value) {
		return host.Result{Status: host.StatusFailure, Err: host.ErrInsufficientBalance, GasLeft: msg.Gas}
	}
	snap := h.Snapshot()
	pc, isPre := h.precompiles[msg.CodeAddress]
	if msg.Kind == host.KindCall {
		if !h.Exist(msg.Recipient) {
			if !isPre && msg.Value.IsZero() {
				return host.Result{Status: host.StatusSuccess, GasLeft: msg.Gas}
			}
			h.CreateAccount(msg.Recipient)
		}
		h.SubBalance(msg.Sender, &msg.Value)
		h.AddBalance(msg.Recipient, &msg.Value)
	}
	var res host.Result
	if isPre {
		need := pc.RequiredGas(msg.Input)
		if need > uint64(msg.Gas) {
			res = host.Failed(host.ErrOutOfGas)
		} else if out, err := pc.Run(msg.Input); err != nil {
			res = host.Failed(err)
		} else {
			res = host.Result{Status: host.StatusSuccess, GasLeft: msg.Gas - int64(need), Output: out}
		}
	} else {
		code := h.GetCode(msg.CodeAddress)
		if h.evm.Fork() >= host.Prague {
			if target, ok := host.ParseDelegation(code); ok {
				code = h.GetCode(target)
			}
		}
		var hash host.Hash
		if h.hashCode {
			hash = crypto.Keccak256Hash(code)
		}
		res = h.evm.Execute(h, msg, code, hash)
	}
	if res.Status != host.StatusSuccess {
		h.RevertToSnapshot(snap)
	}
	return res
}

func (h *testHost) create(msg *host.Message) host.Result {
	fail := func(err error) host.Result {
		return host.Result{Status: host.StatusFailure, Err: err, GasLeft: msg.Gas}
	}
	if h.GetBalance(msg.Sender).Lt(&msg.Value) {
		return fail(host.ErrInsufficientBalance)
	}
	nonce := h.GetNonce(msg.Sender)
	if nonce+1 < nonce {
		return fail(host.ErrNonceUintOverflow)
	}
	var addr host.Address
	if msg.Kind == host.KindCreate {
		addr = crypto.CreateAddress(msg.Sender, nonce)
	} else {
		addr = crypto.CreateAddress2(msg.Sender, msg.Salt, crypto.Keccak256(msg.Input))
	}
	h.SetNonce(msg.Sender, nonce+1)
	h.AddAddressToAccessList(addr) // before the snapshot: stays warm even if the create fails
	if acc := h.accounts[addr]; acc != nil && (acc.nonce != 0 || len(acc.code) != 0) {
		res := host.Failed(host.ErrContractAddressCollision)
		res.CreateAddress = addr
		return res
	}
	snap := h.Snapshot()
	if !h.Exist(addr) {
		h.CreateAccount(addr)
	}
	h.CreateContract(addr)
	h.SetNonce(addr, 1)
	h.SubBalance(msg.Sender, &msg.Value)
	h.AddBalance(addr, &msg.Value)

	child := *msg
	child.Recipient, child.CodeAddress = addr, addr
	res := h.evm.Execute(h, &child, msg.Input, host.Hash{})
	res.CreateAddress = addr
	if res.Status == host.StatusSuccess {
		// Code deposit, in go-ethereum's order: EIP-3541's 0xEF prefix, 200 gas a byte,
		// EIP-170's size limit. On failure the output is still the code (for traces).
		code := res.Output
		cost := int64(len(code)) * 200
		switch {
		case len(code) > 0 && code[0] == 0xef:
			res = host.Failed(host.ErrInvalidCode)
		case cost > res.GasLeft:
			res = host.Failed(host.ErrCodeStoreOutOfGas)
		case len(code) > 24576:
			res = host.Failed(host.MaxCodeSizeError(len(code), 24576))
		default:
			res.GasLeft -= cost
			if len(code) > 0 {
				h.SetCode(addr, code)
			}
		}
		res.Output, res.CreateAddress = code, addr
	}
	if res.Status != host.StatusSuccess {
		h.RevertToSnapshot(snap)
	}
	return res
}
