package evm

import (
	"unsafe"

	"github.com/holiman/uint256"

	"github.com/hybridvm/hybridvm/host"
)

// runTraced is the traced interpreter loop. It walks the raw bytecode one instruction at a
// time and follows go-ethereum's per-instruction order — stack check, static gas, dynamic gas
// (memory size first), trace, memory expansion, execution — so that a tracer sees exactly
// the pc, gas, cost, stack, memory size and errors geth's tracer sees. It shares every
// instruction's semantics (the fork table's gas and execution functions) with the fast loop;
// only the control instructions (PUSH, JUMP, JUMPI, PC, GAS, JUMPDEST) are implemented here
// from the code rather than from the analysed stream.
func (f *frame) runTraced(gas int64, t Tracer) (int64, error) {
	return f.runSteps(0, unsafe.Pointer(&f.stack[0]), gas, t)
}

// runSteps is the per-instruction loop, starting at pc with the stack pointer sp. With a nil
// tracer it is the fast loop's fallback for a block it could not enter (see run): replaying
// the block one instruction at a time halts exactly where and why go-ethereum halts.
func (f *frame) runSteps(pc uint64, sp unsafe.Pointer, gas int64, t Tracer) (int64, error) {
	code := f.code
	p := f.prog
	depth := f.msg.Depth + 1
	var scope *Scope
	if t != nil {
		scope = &Scope{f: f}
	}

	for {
		if f.stop.Load() { // the traced loop checks the cancel flag at every instruction
			return 0, host.ErrCanceled
		}
		op := STOP
		if pc < uint64(len(code)) {
			op = OpCode(code[pc])
		}
		s := &f.tbl.ops[op]
		before := uint64(gas)
		cost := s.gas
		emit := func(err error) {
			if t != nil {
				scope.sp = sp
				t.OnOpcode(pc, op, before, cost, scope, depth, err)
			}
		}

		if h := f.height(sp); h < int(s.pops) {
			err := &StackUnderflowError{Len: h, Required: int(s.pops)}
			emit(err)
			return 0, err
		} else if h+int(s.pushes)-int(s.pops) > stackLimit {
			err := &StackOverflowError{Len: h, Limit: stackLimit + int(s.pops) - int(s.pushes)}
			emit(err)
			return 0, err
		}
		if s.gas > uint64(gas) {
			emit(host.ErrOutOfGas)
			return 0, host.ErrOutOfGas
		}
		gas -= int64(s.gas)
		if s.gasFn != nil {
			f.gas = gas
			dyn, err := s.gasFn(f, sp)
			if err != nil {
				f.newMemSize = 0
				emit(err)
				return 0, err
			}
			cost += dyn
			if dyn > uint64(gas) || f.memTooLarge() {
				f.newMemSize = 0
				emit(host.ErrOutOfGas)
				return 0, host.ErrOutOfGas
			}
			gas -= int64(dyn)
		}
		emit(nil)
		if f.newMemSize != 0 {
			f.expandMem()
		}

		var err error
		next := pc + 1
		switch {
		case (op == PUSH0 && s.defined) || pushSize(op) > 0: // PUSH0 is undefined before Shanghai
			n := pushSize(op)
			*slot(sp) = pushValue(code, int(pc), n)
			sp = unsafe.Add(sp, 32)
			next = pc + 1 + uint64(n)
		case op == JUMP:
			sp = unsafe.Add(sp, -32)
			if !f.tracedJump(p, slot(sp), &next) {
				err = ErrInvalidJump
			}
		case op == JUMPI:
			sp = unsafe.Add(sp, -64)
			if !slot(sp).IsZero() && !f.tracedJump(p, arg(sp, -2), &next) {
				err = ErrInvalidJump
			}
		case op == PC:
			slot(sp).SetUint64(pc)
			sp = unsafe.Add(sp, 32)
		case op == GAS:
			slot(sp).SetUint64(uint64(gas))
			sp = unsafe.Add(sp, 32)
		case op == JUMPDEST:
		default:
			f.gas = gas
			err = s.exec(f, sp)
			gas = f.gas
			// A fault trace shows the stack as the failure left it: go-ethereum's LOG and
			// TSTORE refuse a static frame before taking their operands, every other
			// instruction after.
			if err != host.ErrWriteProtection {
				sp = unsafe.Add(sp, s.delta)
			}
		}
		if err != nil {
			if err == errStop {
				return gas, nil
			}
			emit(err) // geth's OnFault: same step, state after the failure
			if err == host.ErrExecutionReverted {
				return gas, err
			}
			return 0, err
		}
		pc = next
	}
}

// tracedJump sets *next to dst when it is a JUMPDEST.
func (f *frame) tracedJump(p *program, dst *uint256.Int, next *uint64) bool {
	if _, ok := p.jumpTarget(dst); !ok {
		return false
	}
	*next = dst[0]
	return true
}
