// Package host defines the boundary between hybridvm's execution engines (the EVM
// interpreter and the RISC-V machine) and the world they execute in: accounts, storage,
// transient storage, logs, access lists, refunds, block and transaction context, and
// nested calls and creates.
//
// It is modelled on EVMC's host interface, with go-ethereum's vm.StateDB vocabulary for the
// state half so that an adapter over a geth state is a thin wrapper. Engines see only the
// Host interface; the runtime implements it over any StateDB (the embedded state package,
// or a go-ethereum state through an adapter).
//
// It also holds the protocol rules and constants more than one engine needs, once:
// the gas schedule the EVM and the RISC-V syscalls share and the code size limits
// (gas.go), and SSTORE's net gas metering (sstore.go).
//
// Package host imports nothing from the project: it is the shared leaf every engine and
// state backend depends on.
package host

import (
	"github.com/ethereum/go-ethereum/common"
	"github.com/holiman/uint256"
)

// Address and Hash are go-ethereum's types, so geth-based code plugs in without copies.
type (
	Address = common.Address
	Hash    = common.Hash
)

// StateDB is the journaled world state an execution runs against. Every mutation is
// journaled so RevertToSnapshot undoes it exactly; access lists, refunds, logs and
// transient storage are journaled too. The methods follow go-ethereum's vm.StateDB.
type StateDB interface {
	// Exist reports whether the account exists (including one self-destructed in this
	// transaction). Empty reports EIP-161 emptiness (no code, zero nonce, zero balance).
	Exist(Address) bool
	Empty(Address) bool
	// CreateAccount creates an account (keeping any balance it already has).
	// CreateContract marks an account as created in the current transaction (EIP-6780).
	CreateAccount(Address)
	CreateContract(Address)

	GetBalance(Address) *uint256.Int
	AddBalance(Address, *uint256.Int)
	SubBalance(Address, *uint256.Int)

	GetNonce(Address) uint64
	SetNonce(Address, uint64)

	// GetCode returns the account's code; callers must not modify the slice.
	GetCode(Address) []byte
	GetCodeHash(Address) Hash
	GetCodeSize(Address) int
	SetCode(Address, []byte)

	// GetState is the current value of a storage slot; GetCommittedState is its value at
	// the start of the transaction (the "original value" of EIP-2200).
	GetState(Address, Hash) Hash
	GetCommittedState(Address, Hash) Hash
	SetState(Address, Hash, Hash)

	// Transient storage (EIP-1153): cleared at the end of each transaction.
	GetTransientState(Address, Hash) Hash
	SetTransientState(Address, Hash, Hash)

	// SelfDestruct marks the account for deletion at the end of the transaction and zeroes
	// its balance; HasSelfDestructed reports the mark. IsNewContract reports whether the
	// account was created in the current transaction (EIP-6780).
	SelfDestruct(Address)
	HasSelfDestructed(Address) bool
	IsNewContract(Address) bool

	AddRefund(uint64)
	SubRefund(uint64)
	GetRefund() uint64

	// EIP-2929/2930 access lists.
	AddressInAccessList(Address) bool
	SlotInAccessList(Address, Hash) (addressOK, slotOK bool)
	AddAddressToAccessList(Address)
	AddSlotToAccessList(Address, Hash)

	AddLog(*Log)

	Snapshot() int
	RevertToSnapshot(int)
}

// Host is what an engine executes against: the state, the block and transaction
// context, and nested calls. Call runs a complete child frame (CALL, CALLCODE,
// DELEGATECALL, STATICCALL, CREATE, CREATE2) of either kind of code, including its
// snapshot, value transfer and revert on failure; the calling engine has already
// charged its own gas for the call and decided the gas handed to the child.
type Host interface {
	StateDB
	TxContext() *TxContext
	// BlockHash returns the hash of the block with the given number, or the zero hash
	// when it is not one of the 256 most recent complete blocks.
	BlockHash(number uint64) Hash
	Call(msg *Message) Result
}

// Log is an event emitted by LOG0..LOG4 or the RISC-V LOG syscall.
type Log struct {
	Address Address
	Topics  []Hash
	Data    []byte
}

// InitcodeLimiter is implemented by hosts whose initcode size limit depends on the kind of
// code (the runtime: EIP-3860's MaxInitCodeSize for EVM initcode, more for RISC-V initcode,
// whose ELFs are larger). Engines creating contracts ask it when a create exceeds
// EIP-3860's limit; initcode may be just the code's first byte, which decides its kind.
type InitcodeLimiter interface {
	MaxInitCodeSize(initcode []byte) int
}
