package evmbridge

import (
	"math"

	"github.com/holiman/uint256"

	"github.com/hybridvm/hybridvm/guest"
	"github.com/hybridvm/hybridvm/host"
)

// maxInitcode is the limit on initcode a RISC-V frame may pass to CREATE: the
// runtime's, when it tells (see host.InitcodeLimiter); else twice the default
// code limit for RISC-V initcode, and for EVM initcode EIP-3860's from Shanghai
// and none before.
func (f *Frame) maxInitcode(initcode []byte) uint64 {
	if l, ok := f.Host.(host.InitcodeLimiter); ok {
		return uint64(l.MaxInitCodeSize(initcode))
	}
	if guest.IsRISCV(initcode) {
		return 2 * host.DefaultMaxRISCVCodeSize
	}
	if f.Fork < host.Shanghai {
		return math.MaxUint64
	}
	return host.MaxInitCodeSize
}

// childGas hands all but one 64th of the gas left to a child (EIP-150).
func (f *Frame) childGas() int64 {
	g := f.St.Gas - f.St.Gas/64
	f.St.Gas -= g
	return g
}

func sysCall(f *Frame) error         { return f.call(host.KindCall) }
func sysStaticCall(f *Frame) error   { return f.call(host.KindStaticCall) }
func sysDelegateCall(f *Frame) error { return f.call(host.KindDelegateCall) }

// call performs CALL (target A-word in a0..a2, value a3, input a4/a5), STATICCALL (as
// CALL; the value is ignored) and DELEGATECALL (target, input a4/a5) and puts 1 in a0
// when the child succeeded, 0 otherwise (fixed: Hybrid gave no flag). The output is
// then available through RETURNDATASIZE/RETURNDATACOPY.
func (f *Frame) call(kind host.CallKind) error {
	x := &f.St.X
	target := addrWord(x)
	var value uint256.Int
	if kind == host.KindCall {
		value.SetUint64(x[13])
		if !value.IsZero() {
			if err := f.static(); err != nil {
				return err
			}
		}
	}
	input, err := f.read(x[14], x[15])
	if err != nil {
		return err
	}
	if err := f.copyCost(0, uint64(len(input))); err != nil {
		return err
	}
	if err := f.accessAccount(target); err != nil {
		return err
	}
	if f.Fork >= host.Prague {
		// EIP-7702: calling a delegated account also pays for touching its delegate.
		if d, ok := host.ParseDelegation(f.Host.GetCode(target)); ok {
			if err := f.accessAccount(d); err != nil {
				return err
			}
		}
	}
	if !value.IsZero() {
		cost := uint64(host.GasCallValue)
		if f.Host.Empty(target) {
			cost += host.GasNewAccount // EIP-161: only a value transfer can create an account
		}
		if err := f.use(cost); err != nil {
			return err
		}
	}
	gas := f.childGas()
	if !value.IsZero() {
		gas += host.CallStipend
	}
	msg := &host.Message{
		Kind:        kind,
		Static:      f.Msg.Static || kind == host.KindStaticCall,
		Depth:       f.Msg.Depth + 1,
		Gas:         gas,
		Recipient:   target,
		Sender:      f.self(),
		CodeAddress: target,
		Input:       clone(input),
		Value:       value,
	}
	if kind == host.KindDelegateCall {
		// The delegate runs in this frame's context: its storage, its caller, its value.
		msg.Recipient, msg.Sender, msg.Value = f.self(), f.Msg.Sender, f.Msg.Value
	}
	res := f.Host.Call(msg)
	f.St.Gas += res.GasLeft
	f.ChildInstructions += res.Instructions
	f.ReturnData = res.Output
	x[10] = 0
	if res.Status == host.StatusSuccess {
		x[10] = 1
	}
	return nil
}

func sysCreate(f *Frame) error  { return f.create(host.KindCreate) }
func sysCreate2(f *Frame) error { return f.create(host.KindCreate2) }

// create performs CREATE (value a0, initcode a1/a2) and CREATE2 (salt in a3..a6) and
// puts 1 in a0 on success; RETURN_CREATE_ADDRESS then gives the new address.
func (f *Frame) create(kind host.CallKind) error {
	x := &f.St.X
	if err := f.static(); err != nil {
		return err
	}
	var value uint256.Int
	value.SetUint64(x[10])
	initcode, err := f.read(x[11], x[12])
	if err != nil {
		return err
	}
	n := uint64(len(initcode))
	if limit := f.maxInitcode(initcode); n > limit {
		return f.fault(0, "initcode of %d bytes exceeds the %d-byte limit", n, limit)
	}
	cost := uint64(host.GasCreate)
	if f.Fork >= host.Shanghai { // EIP-3860
		cost += host.GasInitcodeWord * words(n)
	}
	var salt host.Hash
	if kind == host.KindCreate2 {
		cost += host.GasKeccakWord * words(n) // hashing the initcode for the address
		salt = wordAt(x, 13)
	}
	if err := f.use(cost); err != nil {
		return err
	}
	msg := &host.Message{
		Kind:   kind,
		Static: false,
		Depth:  f.Msg.Depth + 1,
		Gas:    f.childGas(),
		Sender: f.self(),
		Input:  clone(initcode),
		Value:  value,
		Salt:   salt,
	}
	res := f.Host.Call(msg)
	f.St.Gas += res.GasLeft
	f.ChildInstructions += res.Instructions
	f.Created = host.Address{}
	f.ReturnData = nil
	x[10] = 0
	switch res.Status {
	case host.StatusSuccess:
		f.Created = res.CreateAddress
		x[10] = 1
	case host.StatusRevert:
		f.ReturnData = res.Output
	}
	return nil
}
