package evm

import (
	"unsafe"

	"github.com/hybridvm/hybridvm/host"
)

// Stack manipulation and halting instructions. PUSHn, JUMP, JUMPI, PC, GAS and JUMPDEST have
// no execFunc: each loop implements them (the fast loop from the analysed stream, the traced
// loop from the raw code).

func opPop(sp unsafe.Pointer) {}

// dupOp returns DUPn: copy the n-th item to the top.
func dupOp(n int) func(sp unsafe.Pointer) {
	return func(sp unsafe.Pointer) { *slot(sp) = *arg(sp, n-1) }
}

// swapOp returns SWAPn: exchange the top with the (n+1)-th item.
func swapOp(n int) func(sp unsafe.Pointer) {
	return func(sp unsafe.Pointer) {
		a, b := arg(sp, 0), arg(sp, n)
		*a, *b = *b, *a
	}
}

func execStop(f *frame, sp unsafe.Pointer) error { return errStop }

// gasReturn charges RETURN's and REVERT's memory expansion.
func gasReturn(f *frame, sp unsafe.Pointer) (uint64, error) {
	end, ok := memEnd(arg(sp, 0), arg(sp, 1))
	if !ok {
		return 0, ErrGasUintOverflow
	}
	return f.memGas(end)
}

func execReturn(f *frame, sp unsafe.Pointer) error {
	f.output = f.memCopyOut(arg(sp, 0).Uint64(), arg(sp, 1).Uint64())
	return errStop
}

// execRevert is EIP-140's REVERT: halt, undo the frame's state changes, return the unused gas
// and the revert data.
func execRevert(f *frame, sp unsafe.Pointer) error {
	f.output = f.memCopyOut(arg(sp, 0).Uint64(), arg(sp, 1).Uint64())
	return host.ErrExecutionReverted
}

func execMsize(f *frame, sp unsafe.Pointer) error {
	slot(sp).SetUint64(uint64(len(f.mem)))
	return nil
}
