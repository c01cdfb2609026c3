package runtime

import (
	"github.com/holiman/uint256"

	"github.com/hybridvm/hybridvm/host"
)

var zeroValue uint256.Int

// call runs CALL, CALLCODE, DELEGATECALL and STATICCALL frames, in the order of
// go-ethereum's EVM.Call and its siblings.
func (r *Runtime) call(msg *host.Message) host.Result {
	if msg.Depth > host.MaxCallDepth {
		return host.Result{Status: host.StatusFailure, Err: host.ErrDepth, GasLeft: msg.Gas}
	}
	db := r.StateDB
	// Value checks: CALL only when value moves; CALLCODE always (it "moves" value
	// to itself, so it only needs the balance). DELEGATECALL and STATICCALL carry no
	// value of their own.
	switch msg.Kind {
	case host.KindCall:
		if !msg.Value.IsZero() && !r.balanceAtLeast(msg.Sender, &msg.Value) {
			return host.Result{Status: host.StatusFailure, Err: host.ErrInsufficientBalance, GasLeft: msg.Gas}
		}
	case host.KindCallCode:
		if !r.balanceAtLeast(msg.Sender, &msg.Value) {
			return host.Result{Status: host.StatusFailure, Err: host.ErrInsufficientBalance, GasLeft: msg.Gas}
		}
	}
	snap := db.Snapshot()

	var p precompile
	if msg.Code == nil {
		p = r.precompiles.get(msg.CodeAddress)
	}
	switch msg.Kind {
	case host.KindCall:
		if !db.Exist(msg.Recipient) {
			// EIP-158: a zero-value call to nothing does nothing (not even create
			// an empty account), unless there is code to run.
			if p == nil && msg.Value.IsZero() && msg.Code == nil {
				return host.Result{Status: host.StatusSuccess, GasLeft: msg.Gas}
			}
			db.CreateAccount(msg.Recipient)
		}
		// Always transfer, even zero: adding zero touches an empty recipient, which
		// EIP-161 then deletes at the end of the transaction.
		db.SubBalance(msg.Sender, &msg.Value)
		db.AddBalance(msg.Recipient, &msg.Value)
	case host.KindStaticCall:
		// A static call touches its target too (go-ethereum does, and
		// stRevertTest/RevertPrecompiledTouchExactOOG depends on it).
		db.AddBalance(msg.Recipient, &zeroValue)
	}

	var res host.Result
	if p != nil {
		res = runPrecompile(p, msg)
	} else {
		code, hash := r.resolveCode(msg)
		if len(code) == 0 {
			res = host.Result{Status: host.StatusSuccess, GasLeft: msg.Gas}
		} else {
			res = r.engineFor(code).Execute(r, msg, code, hash)
		}
	}
	return r.finishFrame(snap, res)
}

// finishFrame undoes a frame that did not succeed: a revert keeps its gas left,
// a failure consumes all of it.
func (r *Runtime) finishFrame(snap int, res host.Result) host.Result {
	switch res.Status {
	case host.StatusSuccess:
	case host.StatusRevert:
		r.StateDB.RevertToSnapshot(snap)
		if res.Err == nil {
			res.Err = host.ErrExecutionReverted
		}
	default:
		r.StateDB.RevertToSnapshot(snap)
		res.Status = host.StatusFailure
		res.GasLeft = 0
		if res.Err == nil {
			res.Err = host.ErrOutOfGas // an engine must say why; never report success
		}
	}
	return res
}

// resolveCode returns the code the frame runs and its hash: msg.Code when given
// (with the zero hash: not to be cached), else the code at msg.CodeAddress,
// following one EIP-7702 delegation (Prague on).
func (r *Runtime) resolveCode(msg *host.Message) ([]byte, host.Hash) {
	if msg.Code != nil {
		return msg.Code, host.Hash{}
	}
	db := r.StateDB
	code := db.GetCode(msg.CodeAddress)
	if r.cfg.Fork >= host.Prague {
		if target, ok := host.ParseDelegation(code); ok {
			return db.GetCode(target), db.GetCodeHash(target)
		}
	}
	return code, db.GetCodeHash(msg.CodeAddress)
}

// runPrecompile charges the precompile's gas and runs it. An error from the
// precompile (bad input) is a failure consuming all the frame's gas, as in
// go-ethereum.
func runPrecompile(p precompile, msg *host.Message) host.Result {
	gas := max(msg.Gas, 0)
	cost := p.RequiredGas(msg.Input)
	if cost > uint64(gas) {
		return host.Result{Status: host.StatusFailure, Err: host.ErrOutOfGas}
	}
	out, err := p.Run(msg.Input)
	if err != nil {
		return host.Result{Status: host.StatusFailure, Err: err}
	}
	return host.Result{Status: host.StatusSuccess, GasLeft: gas - int64(cost), Output: out}
}
