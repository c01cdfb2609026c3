package evm

import (
	"math"
	"unsafe"

	"github.com/holiman/uint256"

	"github.com/hybridvm/hybridvm/host"
)

// The CALL and CREATE families and SELFDESTRUCT. This package charges all caller-side gas and
// makes the static-frame checks; host.Host.Call runs the child frame (depth and balance
// checks, snapshot, value transfer, precompiles, code resolution, create rules).

// callShape says where a call's operands are: CALL and CALLCODE carry a value.
// args is the operand count; the success flag replaces the deepest operand.
type callShape struct{ value, inOff, inSize, outOff, outSize, args int }

func shapeOf(kind host.CallKind) callShape {
	if kind == host.KindCall || kind == host.KindCallCode {
		return callShape{2, 3, 4, 5, 6, 7}
	}
	return callShape{-1, 2, 3, 4, 5, 6}
}

// gasCallFn returns the dynamic gas of a CALL-family instruction: memory expansion for the
// input and output ranges, EIP-2929's cold surcharge, the value-transfer cost (9000) and, for
// CALL, the new-account cost (25000) when value goes to an empty account (EIP-161), EIP-7702's
// cost of resolving a delegation designator (Prague on), and finally the gas handed to the
// child: all but one 64th of what is left, capped by the requested amount (EIP-150). The
// child's gas is recorded in f.callGas.
//
// The two variants differ only when the gas cannot cover the costs before the child's share,
// which is an exceptional halt either way; they are kept apart so that a trace reports the
// same cost and error as go-ethereum, whose pre-7702 code computes the 63/64 share from a
// wrapped-around difference and lets the final charge fail.
func gasCallFn(kind host.CallKind, eip7702 bool) gasFunc {
	sh := shapeOf(kind)
	return func(f *frame, sp unsafe.Pointer) (uint64, error) {
		inEnd, ok := memEnd(arg(sp, sh.inOff), arg(sp, sh.inSize))
		if !ok {
			return 0, ErrGasUintOverflow
		}
		outEnd, ok := memEnd(arg(sp, sh.outOff), arg(sp, sh.outSize))
		if !ok {
			return 0, ErrGasUintOverflow
		}
		transfers := sh.value >= 0 && !arg(sp, sh.value).IsZero()
		staticViolation := kind == host.KindCall && transfers && f.msg.Static
		if staticViolation && eip7702 {
			// From Prague, before the target is even warmed.
			return 0, gasErr(host.ErrWriteProtection)
		}
		avail := uint64(f.gas)
		addr := addrOf(arg(sp, 1))

		var cold uint64
		if !f.host.AddressInAccessList(addr) {
			f.host.AddAddressToAccessList(addr)
			cold = gasColdAccountXtra
			if cold > avail {
				return 0, gasErr(host.ErrOutOfGas)
			}
			avail -= cold
		}
		if staticViolation {
			// Before Prague, after the cold surcharge was found payable.
			return 0, gasErr(host.ErrWriteProtection)
		}
		intrinsic, err := f.memGas(max(inEnd, outEnd))
		if err != nil {
			return 0, err
		}
		if transfers {
			intrinsic += host.GasCallValue
		}
		if kind == host.KindCall {
			// Check what is known so far before reading state for the new-account cost.
			if intrinsic > avail {
				return 0, gasErr(host.ErrOutOfGas)
			}
			if transfers && f.host.Empty(addr) {
				intrinsic += host.GasNewAccount
			}
		}
		req := arg(sp, 0)
		if !eip7702 {
			left := avail - intrinsic // may wrap around: then the charge below fails
			child := left - left/64
			if req.IsUint64() && req[0] < child {
				child = req[0]
			}
			total := cold + intrinsic + child
			if total < child {
				return 0, gasErr(ErrGasUintOverflow)
			}
			f.callGas = int64(child)
			return total, nil
		}
		if intrinsic > avail {
			return 0, gasErr(host.ErrOutOfGas)
		}
		avail -= intrinsic
		var deleg uint64
		if target, ok := host.ParseDelegation(f.host.GetCode(addr)); ok {
			if f.host.AddressInAccessList(target) {
				deleg = host.GasWarmAccess
			} else {
				f.host.AddAddressToAccessList(target)
				deleg = host.GasColdAccount
			}
			if deleg > avail {
				return 0, gasErr(host.ErrOutOfGas)
			}
			avail -= deleg
		}
		child := avail - avail/64
		if req.IsUint64() && req[0] < child {
			child = req[0]
		}
		f.callGas = int64(child)
		return cold + intrinsic + deleg + child, nil
	}
}

// execCall runs the child frame through the host and handles its result: the success flag,
// the output copied to memory (not after an exceptional halt), the return data buffer and the
// gas given back.
func execCall(kind host.CallKind) execFunc {
	sh := shapeOf(kind)
	return func(f *frame, sp unsafe.Pointer) error {
		addr := addrOf(arg(sp, 1))
		input := f.memCopyOut(arg(sp, sh.inOff).Uint64(), arg(sp, sh.inSize).Uint64())
		// Memory ranges fit in 64 bits: the gas function charged for them.
		outOff, outSize := arg(sp, sh.outOff).Uint64(), arg(sp, sh.outSize).Uint64()
		msg := &host.Message{
			Kind:   kind,
			Static: f.msg.Static || kind == host.KindStaticCall,
			Depth:  f.msg.Depth + 1,
			Gas:    f.callGas,
			Input:  input,
		}
		switch kind {
		case host.KindCall, host.KindStaticCall:
			msg.Recipient, msg.Sender, msg.CodeAddress = addr, f.self, addr
		case host.KindCallCode:
			msg.Recipient, msg.Sender, msg.CodeAddress = f.self, f.self, addr
		case host.KindDelegateCall:
			msg.Recipient, msg.Sender, msg.CodeAddress = f.self, f.msg.Sender, addr
			msg.Value = f.msg.Value // the apparent value
		}
		if sh.value >= 0 {
			msg.Value = *arg(sp, sh.value)
			if !msg.Value.IsZero() {
				msg.Gas += host.CallStipend
			}
		}
		f.callGas = 0
		f.slots.reset() // the child may write this account's storage or un-warm slots
		res := f.host.Call(msg)

		out := arg(sp, sh.args-1)
		if res.Status == host.StatusSuccess {
			out.SetOne()
		} else {
			out.Clear()
		}
		if res.Status == host.StatusFailure {
			f.retData = nil
		} else {
			f.retData = res.Output
			if outSize > 0 {
				n := min(outSize, uint64(len(res.Output)))
				copy(f.mem[outOff:outOff+n], res.Output)
			}
		}
		f.gas += res.GasLeft
		f.childInstrs += res.Instructions
		if f.stop.Load() { // cancelled while the child ran: fail this frame too
			return host.ErrCanceled
		}
		return nil
	}
}

// initcodeLimit is the initcode size limit the host sets for the initcode at memory offset
// off (RISC-V initcode, starting with 0xFF, may be larger than EIP-3860's: see
// host.InitcodeLimiter); when the host does not say, EIP-3860's limit from Shanghai and none
// before.
func (f *frame) initcodeLimit(off *uint256.Int, eip3860 bool) uint64 {
	l, ok := f.host.(host.InitcodeLimiter)
	if !ok {
		if !eip3860 {
			return math.MaxUint64
		}
		return host.MaxInitCodeSize
	}
	var first [1]byte
	if off.IsUint64() && off[0] < uint64(len(f.mem)) {
		first[0] = f.mem[off[0]]
	}
	return uint64(l.MaxInitCodeSize(first[:]))
}

// gasCreateFn is CREATE's and CREATE2's dynamic gas: memory expansion for the initcode, for
// CREATE2 6 per word for hashing it, and from Shanghai (eip3860) 2 more per initcode word.
// Initcode over the host's limit (from Shanghai, 49152 bytes for EVM initcode: EIP-3860) is an
// exceptional halt; so is a create in a static frame.
func gasCreateFn(kind host.CallKind, eip3860 bool) gasFunc {
	perWord := uint64(0)
	if eip3860 {
		perWord = host.GasInitcodeWord
	}
	if kind == host.KindCreate2 {
		perWord += host.GasKeccakWord
	}
	return func(f *frame, sp unsafe.Pointer) (uint64, error) {
		size := arg(sp, 2)
		end, ok := memEnd(arg(sp, 1), size)
		if !ok {
			return 0, ErrGasUintOverflow
		}
		if f.msg.Static {
			return 0, gasErr(host.ErrWriteProtection)
		}
		g, err := f.memGas(end)
		if err != nil {
			return 0, err
		}
		if size[0] > host.MaxInitCodeSize && size[0] > f.initcodeLimit(arg(sp, 1), eip3860) {
			return 0, gasErr(initCodeSizeError(size[0]))
		}
		return g + toWords(size[0])*perWord, nil
	}
}

// execCreate hands all but one 64th of the gas left to the child (EIP-150) and pushes the new
// address, or zero when the create failed or reverted. Return data is the child's output only
// when it reverted.
func execCreate(kind host.CallKind) execFunc {
	return func(f *frame, sp unsafe.Pointer) error {
		value, off, size := arg(sp, 0), arg(sp, 1), arg(sp, 2)
		msg := &host.Message{
			Kind:   kind,
			Depth:  f.msg.Depth + 1,
			Sender: f.self,
			Input:  f.memCopyOut(off.Uint64(), size.Uint64()),
			Value:  *value,
		}
		out := size
		if kind == host.KindCreate2 {
			msg.Salt = arg(sp, 3).Bytes32()
			out = arg(sp, 3)
		}
		child := f.gas - f.gas/64
		f.gas -= child
		msg.Gas = child
		f.slots.reset() // the initcode may call back into this account
		res := f.host.Call(msg)
		if res.Status == host.StatusSuccess {
			out.SetBytes20(res.CreateAddress[:])
		} else {
			out.Clear()
		}
		if res.Status == host.StatusRevert {
			f.retData = res.Output
		} else {
			f.retData = nil
		}
		f.gas += res.GasLeft
		f.childInstrs += res.Instructions
		if f.stop.Load() { // cancelled while the child ran: fail this frame too
			return host.ErrCanceled
		}
		return nil
	}
}

// gasSelfdestructFn: EIP-2929's cold surcharge for the beneficiary (2600, checked before any
// state is read) and 25000 when the beneficiary is empty and the balance is not zero
// (EIP-161). No refund since EIP-3529. A static frame cannot self-destruct.
func gasSelfdestructFn(f *frame, sp unsafe.Pointer) (uint64, error) {
	if f.msg.Static {
		return 0, gasErr(host.ErrWriteProtection)
	}
	beneficiary := addrOf(arg(sp, 0))
	var cost uint64
	if !f.host.AddressInAccessList(beneficiary) {
		f.host.AddAddressToAccessList(beneficiary)
		cost = host.GasColdAccount
		if cost > uint64(f.gas) {
			return 0, gasErr(host.ErrOutOfGas)
		}
	}
	if f.host.Empty(beneficiary) && !f.host.GetBalance(f.self).IsZero() {
		cost += host.GasNewAccount
	}
	return cost, nil
}

// execSelfdestruct6780 is EIP-6780's SELFDESTRUCT: the balance moves to the beneficiary; the
// account is deleted only when it was created in this transaction (then a balance sent to
// itself is burnt).
func execSelfdestruct6780(f *frame, sp unsafe.Pointer) error {
	h := f.host
	beneficiary := addrOf(arg(sp, 0))
	var balance uint256.Int
	balance.Set(h.GetBalance(f.self))
	if h.IsNewContract(f.self) {
		if beneficiary != f.self {
			h.AddBalance(beneficiary, &balance)
		}
		h.SubBalance(f.self, &balance)
		h.SelfDestruct(f.self)
	} else if beneficiary != f.self {
		h.SubBalance(f.self, &balance)
		h.AddBalance(beneficiary, &balance)
	}
	f.traceSelfdestruct()
	return errStop
}

// traceSelfdestruct reports SELFDESTRUCT's transfer the way go-ethereum does: as a frame one
// level down that ends at once, using no gas (its JSON logger prints a summary line for it).
func (f *frame) traceSelfdestruct() {
	if t := f.evm.cfg.Tracer; t != nil {
		t.OnExit(f.msg.Depth+1, nil, 0, nil, false)
	}
}

// execSelfdestructLegacy is SELFDESTRUCT before EIP-6780 (Paris and Shanghai): move the
// balance, always delete the account (at the end of the transaction; a balance sent to itself
// is burnt).
func execSelfdestructLegacy(f *frame, sp unsafe.Pointer) error {
	h := f.host
	beneficiary := addrOf(arg(sp, 0))
	var balance uint256.Int
	balance.Set(h.GetBalance(f.self))
	if beneficiary != f.self {
		h.AddBalance(beneficiary, &balance)
	}
	h.SubBalance(f.self, &balance)
	h.SelfDestruct(f.self)
	f.traceSelfdestruct()
	return errStop
}
