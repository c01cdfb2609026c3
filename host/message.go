package host

import (
	"errors"
	"fmt"

	"github.com/holiman/uint256"
)

// CallKind says how a frame was entered.
type CallKind uint8

// The kinds of frame.
const (
	KindCall CallKind = iota
	KindCallCode
	KindDelegateCall
	KindStaticCall
	KindCreate
	KindCreate2
)

var kindNames = [...]string{"CALL", "CALLCODE", "DELEGATECALL", "STATICCALL", "CREATE", "CREATE2"}

func (k CallKind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("CallKind(%d)", uint8(k))
}

// IsCreate reports whether the kind creates a contract.
func (k CallKind) IsCreate() bool { return k == KindCreate || k == KindCreate2 }

// MaxCallDepth is the deepest frame allowed: a call from a frame at this depth fails.
const MaxCallDepth = 1024

// Message describes one frame to run.
type Message struct {
	Kind CallKind
	// Static forbids state changes in this frame and all its children (STATICCALL and
	// everything below it).
	Static bool
	// Depth of the frame: 0 for the transaction's own frame.
	Depth int
	// Gas available to the frame.
	Gas int64
	// Recipient is the account whose storage, balance and address the frame uses. For a
	// create it is filled in by the host with the new address.
	Recipient Address
	// Sender is the caller (msg.sender in Solidity).
	Sender Address
	// CodeAddress is the account whose code runs; it differs from Recipient for
	// CALLCODE and DELEGATECALL.
	CodeAddress Address
	// Input is the call data; for a create it is the initcode.
	Input []byte
	// Value transferred (for DELEGATECALL: the apparent value, not transferred).
	Value uint256.Int
	// Salt of a CREATE2.
	Salt Hash
	// Code, when non-nil, is run instead of the code stored at CodeAddress (code
	// execution without deployment). It is ignored for creates, whose code is Input.
	Code []byte
}

// Status is how a frame ended.
type Status uint8

// The frame outcomes.
const (
	// StatusSuccess: the frame returned; its state changes stand.
	StatusSuccess Status = iota
	// StatusRevert: the frame reverted; its state changes are undone, its unused gas is
	// returned and its output is the revert data.
	StatusRevert
	// StatusFailure: an exceptional halt (out of gas, invalid instruction, guest fault,
	// ...): state changes undone and all the frame's gas consumed. Result.Err says why.
	StatusFailure
)

func (s Status) String() string {
	switch s {
	case StatusSuccess:
		return "success"
	case StatusRevert:
		return "revert"
	case StatusFailure:
		return "failure"
	}
	return fmt.Sprintf("Status(%d)", uint8(s))
}

// Result is the outcome of a frame.
type Result struct {
	Status Status
	// Err is the reason for a failure (nil on success; ErrExecutionReverted on revert).
	Err error
	// GasLeft is the gas the frame returns to its caller (zero after a failure).
	GasLeft int64
	// Output is the return data or revert data.
	Output []byte
	// CreateAddress is the address of the created contract (creates only).
	CreateAddress Address
	// Instructions counts the RISC-V instructions retired by the frame and all its
	// children (EVM frames add up their children's).
	Instructions uint64
}

// Failed returns a failure result with the given reason.
func Failed(err error) Result { return Result{Status: StatusFailure, Err: err} }

// Errors shared by engines and the runtime. Engines wrap or return them in Result.Err.
var (
	ErrOutOfGas                 = errors.New("out of gas")
	ErrExecutionReverted        = errors.New("execution reverted")
	ErrDepth                    = errors.New("max call depth exceeded")
	ErrInsufficientBalance      = errors.New("insufficient balance for transfer")
	ErrContractAddressCollision = errors.New("contract address collision")
	ErrWriteProtection          = errors.New("write protection")
	ErrMaxCodeSizeExceeded      = errors.New("max code size exceeded")
	ErrMaxInitCodeSizeExceeded  = errors.New("max initcode size exceeded")
	ErrInvalidCode              = errors.New("invalid code: must not begin with 0xef")
	ErrCodeStoreOutOfGas        = errors.New("contract creation code storage out of gas")
	ErrNonceUintOverflow        = errors.New("nonce uint64 overflow")
)

// MaxCodeSizeError is the failure of a create whose code of size bytes exceeds limit,
// worded as go-ethereum words it ("max code size exceeded: code size 24577 limit 24576"),
// so that results and traces read the same; it wraps ErrMaxCodeSizeExceeded.
func MaxCodeSizeError(size, limit int) error {
	return fmt.Errorf("%w: code size %d limit %d", ErrMaxCodeSizeExceeded, size, limit)
}
