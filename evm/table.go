package evm

import (
	"fmt"
	"slices"
	"sync"
	"unsafe"

	"github.com/hybridvm/hybridvm/host"
)

// gasFunc computes an instruction's dynamic gas (memory expansion included) before it runs.
// Like go-ethereum's it may touch the access list and the refund counter (EIP-2929 warming,
// EIP-2200 refunds) and it may read f.gas (the gas left after the static cost), but it never
// changes the stack, memory or f.gas. A memory expansion it charges for is recorded in
// f.newMemSize and performed after the charge succeeds.
type gasFunc func(f *frame, sp unsafe.Pointer) (uint64, error)

// execFunc executes an instruction whose gas has been paid: it reads its operands below sp
// and writes its result (if any) in place of the deepest one; the caller moves sp by the
// instruction's stack delta. It may change f.gas (calls and creates hand gas to the child and
// take back what is left). It returns errStop for a normal halt, host.ErrExecutionReverted
// for REVERT, or the reason for an exceptional halt.
type execFunc func(f *frame, sp unsafe.Pointer) error

// Flags saying how analysis and the loops treat an instruction.
const (
	// flagTerminal: execution never falls through to the next instruction (STOP, RETURN,
	// REVERT, INVALID, SELFDESTRUCT, JUMP, undefined opcodes). Ends the basic block.
	flagTerminal = 1 << iota
	// flagEndsBlock: the next instruction starts a new basic block. JUMPI, because its
	// fall-through is a block like any other; GAS, SSTORE (EIP-2200's 2300 sentry) and the
	// CALL and CREATE families (EIP-150's 63/64), because they observe the exact gas left, which
	// must not yet include the static gas of the instructions after them.
	flagEndsBlock
	// flagControl: the loops implement the instruction themselves (PUSHn, JUMP, JUMPI, PC,
	// JUMPDEST, GAS); it has no execFunc.
	flagControl
)

// opSpec is everything the interpreter knows about one opcode in one fork.
type opSpec struct {
	defined bool
	flags   uint8
	pops    int8
	pushes  int8
	delta   int // (pushes - pops) * 32: how the stack pointer moves
	gas     uint64
	gasFn   gasFunc
	exec    execFunc
}

// forkTable is one fork's instruction set.
type forkTable struct {
	fork host.Fork
	ops  [256]opSpec
}

// def is the helper the table builders use: a defined instruction.
func def(gas uint64, pops, pushes int, exec execFunc) opSpec {
	return opSpec{defined: true, gas: gas, pops: int8(pops), pushes: int8(pushes), exec: exec}
}

// withGas returns s with a dynamic-gas function.
func (s opSpec) withGas(g gasFunc) opSpec { s.gasFn = g; return s }

// with returns s with extra flags.
func (s opSpec) with(flags uint8) opSpec { s.flags |= flags; return s }

// invalidExec is the execution of an undefined opcode.
func invalidExec(op OpCode) execFunc {
	return func(f *frame, sp unsafe.Pointer) error { return &InvalidOpCodeError{Op: op} }
}

// finish fills the derived fields and undefined entries and checks the table's invariants
// (habit: facts in tables, validated at start-up). A broken table is a programming error.
func (t *forkTable) finish() *forkTable {
	for i := range t.ops {
		s := &t.ops[i]
		op := OpCode(i)
		if !s.defined {
			*s = opSpec{flags: flagTerminal, exec: invalidExec(op)}
		}
		s.delta = (int(s.pushes) - int(s.pops)) * 32
		switch {
		case s.flags&flagControl != 0 && s.exec != nil:
			panic(fmt.Sprintf("BUG: %s fork: control instruction %s has an execFunc", t.fork, op))
		case s.flags&flagControl == 0 && s.exec == nil:
			panic(fmt.Sprintf("BUG: %s fork: %s has no execFunc", t.fork, op))
		case s.pops < 0 || s.pops > 17 || s.pushes < 0 || s.pushes > 1+17:
			panic(fmt.Sprintf("BUG: %s fork: %s has stack effect %d/%d", t.fork, op, s.pops, s.pushes))
		case s.flags&flagTerminal != 0 && s.flags&flagEndsBlock != 0:
			panic(fmt.Sprintf("BUG: %s fork: %s is both terminal and block-ending", t.fork, op))
		case slices.Contains(internalCodes, uint8(op)) && s.defined:
			panic(fmt.Sprintf("BUG: %s fork: %s collides with an internal dispatch code", t.fork, op))
		}
	}
	return t
}

// tables returns the finished table of every supported fork, indexed by host.Fork.
// They are built on first use, not at package initialisation, so that processes that
// never run EVM code (hybridvm exec, version) do not pay for them at start-up.
var tables = sync.OnceValue(func() [host.LatestFork + 1]*forkTable {
	paris := newParisTable()
	shanghai := newShanghaiTable(paris)
	cancun := newCancunTable(shanghai)
	prague := newPragueTable(cancun)
	osaka := newOsakaTable(prague)
	return [...]*forkTable{host.Paris: paris, host.Shanghai: shanghai, host.Cancun: cancun, host.Prague: prague, host.Osaka: osaka}
})

// tableFor returns the instruction table of a fork.
func tableFor(fork host.Fork) (*forkTable, error) {
	if fork > host.LatestFork {
		return nil, fmt.Errorf("evm: unsupported fork %s (supported: Paris, Shanghai, Cancun, Prague, Osaka)", fork)
	}
	return tables()[fork], nil
}
