package evm

import (
	"errors"
	"fmt"

	"github.com/hybridvm/hybridvm/host"
)

// Errors that end a frame with an exceptional halt. Their messages are go-ethereum's, so
// traces and results read the same in both implementations. Out of gas, write protection and
// the max-initcode-size halt are the shared host errors.
var (
	ErrInvalidJump           = errors.New("invalid jump destination")
	ErrReturnDataOutOfBounds = errors.New("return data out of bounds")
	ErrGasUintOverflow       = errors.New("gas uint64 overflow")
	// ErrSstoreSentry is EIP-2200's rule that SSTORE needs more than the 2300 call stipend.
	ErrSstoreSentry = errors.New("not enough gas for reentrancy sentry")
)

// StackUnderflowError is an exceptional halt: an instruction needed more stack items than
// there were.
type StackUnderflowError struct{ Len, Required int }

func (e *StackUnderflowError) Error() string {
	return fmt.Sprintf("stack underflow (%d <=> %d)", e.Len, e.Required)
}

// StackOverflowError is an exceptional halt: an instruction would grow the stack beyond 1024.
type StackOverflowError struct{ Len, Limit int }

func (e *StackOverflowError) Error() string {
	return fmt.Sprintf("stack limit reached %d (%d)", e.Len, e.Limit)
}

// InvalidOpCodeError is an exceptional halt on an undefined instruction or INVALID (0xfe).
type InvalidOpCodeError struct{ Op OpCode }

func (e *InvalidOpCodeError) Error() string { return fmt.Sprintf("invalid opcode: %s", e.Op) }

// errStop is the internal token for a normal halt (STOP, RETURN, SELFDESTRUCT); it never
// leaves the package.
var errStop = errors.New("stop")

// gasErr wraps a failure of a dynamic gas computation the way go-ethereum reports it (its
// interpreter wraps such errors into "out of gas: <reason>"); both errors stay visible to
// errors.Is.
func gasErr(err error) error {
	return fmt.Errorf("%w: %w", host.ErrOutOfGas, err)
}
