package runtime

import (
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/hybridvm/hybridvm/host"
)

// codeDepositGas is the gas per byte of deployed code (the yellow paper's
// G_codedeposit).
const codeDepositGas = 200

// CreateAddress returns the address of a CREATE by sender with the given nonce:
// keccak256(rlp([sender, nonce]))[12:].
func CreateAddress(sender host.Address, nonce uint64) host.Address {
	return crypto.CreateAddress(sender, nonce)
}

// Create2Address returns the address of a CREATE2 (EIP-1014):
// keccak256(0xff ‖ sender ‖ salt ‖ keccak256(initcode))[12:].
func Create2Address(sender host.Address, salt, initCodeHash host.Hash) host.Address {
	return crypto.CreateAddress2(sender, salt, initCodeHash[:])
}

// create runs CREATE and CREATE2 frames in the order of go-ethereum's
// EVM.create: address, pre-checks, sender nonce, warm address, collision check,
// snapshot, account creation, value transfer, initcode, code checks and deposit.
// It fills in msg.Recipient and msg.CodeAddress with the new address.
func (r *Runtime) create(msg *host.Message) host.Result {
	db := r.StateDB
	initcode := msg.Input
	nonce := db.GetNonce(msg.Sender)
	var addr host.Address
	if msg.Kind == host.KindCreate {
		addr = CreateAddress(msg.Sender, nonce)
	} else {
		addr = Create2Address(msg.Sender, msg.Salt, crypto.Keccak256Hash(initcode))
	}
	// Pre-checks fail the create without consuming its gas.
	if msg.Depth > host.MaxCallDepth {
		return host.Result{Status: host.StatusFailure, Err: host.ErrDepth, GasLeft: msg.Gas}
	}
	if !r.balanceAtLeast(msg.Sender, &msg.Value) {
		return host.Result{Status: host.StatusFailure, Err: host.ErrInsufficientBalance, GasLeft: msg.Gas}
	}
	if nonce+1 < nonce { // EIP-2681
		return host.Result{Status: host.StatusFailure, Err: host.ErrNonceUintOverflow, GasLeft: msg.Gas}
	}
	db.SetNonce(msg.Sender, nonce+1)

	// Warm the new address before the snapshot: a failed create keeps it warm
	// (EIP-2929).
	db.AddAddressToAccessList(addr)

	// Collision (EIP-684, EIP-7610): an account with a nonce, code or storage
	// cannot be created over; the create consumes all its gas.
	if db.GetNonce(addr) != 0 || hasCode(db.GetCodeHash(addr)) || (r.hasStorage != nil && r.hasStorage(addr)) {
		return host.Result{Status: host.StatusFailure, Err: host.ErrContractAddressCollision}
	}

	snap := db.Snapshot()
	if !db.Exist(addr) {
		db.CreateAccount(addr)
	}
	// The account is now a contract created in this transaction (EIP-6780), with
	// nonce 1 (EIP-161), before its initcode runs.
	db.CreateContract(addr)
	db.SetNonce(addr, 1)
	db.SubBalance(msg.Sender, &msg.Value)
	db.AddBalance(addr, &msg.Value)

	msg.Recipient = addr
	msg.CodeAddress = addr
	var res host.Result
	if len(initcode) == 0 {
		res = host.Result{Status: host.StatusSuccess, GasLeft: msg.Gas}
	} else {
		// Initcode runs with the zero hash: engines do not cache its analysis.
		res = r.engineFor(initcode).Execute(r, msg, initcode, host.Hash{})
	}
	if res.Status == host.StatusSuccess {
		res = r.deposit(addr, res)
	}
	res = r.finishFrame(snap, res)
	if res.Status == host.StatusSuccess {
		res.CreateAddress = addr
	} else {
		res.CreateAddress = host.Address{}
	}
	return res
}

// hasCode reports whether a code hash (from GetCodeHash) is that of non-empty
// code: the zero hash means no account, EmptyCodeHash an account without code.
func hasCode(h host.Hash) bool {
	return h != (host.Hash{}) && h != types.EmptyCodeHash
}

// deposit checks the code an initcode returned and stores it: EVM code must not
// start with 0xEF (EIP-3541), each byte costs codeDepositGas, and the code must
// fit the size limit (EIP-170 for EVM code, the configured RISC-V limit for code
// starting with 0xFF when RISC-V is enabled).
func (r *Runtime) deposit(addr host.Address, res host.Result) host.Result {
	code := res.Output
	riscv := r.isRISCV(code)
	if !riscv && len(code) > 0 && code[0] == 0xEF {
		return failedDeposit(res, host.ErrInvalidCode)
	}
	cost := int64(len(code)) * codeDepositGas
	if res.GasLeft < cost {
		return failedDeposit(res, host.ErrCodeStoreOutOfGas)
	}
	res.GasLeft -= cost
	limit := host.MaxCodeSize
	if riscv {
		limit = r.maxRISCV
	}
	if len(code) > limit {
		return failedDeposit(res, host.MaxCodeSizeError(len(code), limit))
	}
	if len(code) > 0 {
		r.StateDB.SetCode(addr, code)
	}
	return res
}

// failedDeposit turns a successful initcode result into a failure, keeping what
// the frame reports besides its outcome (the instruction count).
func failedDeposit(res host.Result, err error) host.Result {
	res.Status, res.Err, res.GasLeft = host.StatusFailure, err, 0
	return res
}
