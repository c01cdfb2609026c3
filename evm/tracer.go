package evm

import (
	"unsafe"

	"github.com/holiman/uint256"

	"github.com/hybridvm/hybridvm/host"
)

// Tracer observes execution, in the shape of go-ethereum's OnOpcode/OnFault/OnExit hooks
// (EIP-3155). A tracer set in Config makes every frame run on the traced loop, which charges
// and checks per instruction exactly like go-ethereum, so the values a tracer sees (gas before
// the instruction, its cost) are the ones geth reports.
type Tracer interface {
	// OnOpcode is called for each instruction after its gas has been charged and before it
	// executes (gas is the gas before the instruction, cost what it was charged, including
	// for calls the gas handed to the child). When the instruction fails before executing
	// (stack, gas), it is called once with err set. When it fails while executing (invalid
	// jump, REVERT, invalid opcode...) it is called a second time with err set and the
	// stack and memory as the failure left them (geth's OnFault). depth is 1 for the
	// transaction's frame.
	OnOpcode(pc uint64, op OpCode, gas, cost uint64, scope *Scope, depth int, err error)
	// OnExit is called when a frame ends — by whoever runs frames (the runtime's Call), not
	// by Execute: like go-ethereum's EVM.Call and EVM.Create, the caller knows the frame's
	// final outcome (after a create's code deposit) and also ends frames that never reach
	// an interpreter (precompiles, failed depth or balance checks, other engines). depth is
	// msg.Depth (0 for the transaction's frame); gasUsed is msg.Gas minus the gas returned;
	// reverted is true for any outcome but success.
	OnExit(depth int, output []byte, gasUsed uint64, err error, reverted bool)
}

// Scope gives a tracer a view of the executing frame. It is valid only during the call.
type Scope struct {
	f  *frame
	sp unsafe.Pointer
}

// Stack returns the stack, bottom first.
func (s *Scope) Stack() []uint256.Int {
	return unsafe.Slice(&s.f.stack[0], s.f.height(s.sp))
}

// Memory returns the frame's memory.
func (s *Scope) Memory() []byte { return s.f.mem }

// ReturnData returns the return data buffer (of the last call or create).
func (s *Scope) ReturnData() []byte { return s.f.retData }

// Address returns the executing account.
func (s *Scope) Address() host.Address { return s.f.self }

// Host returns the host the frame executes against (for the refund counter, storage...).
func (s *Scope) Host() host.Host { return s.f.host }
