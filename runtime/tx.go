package runtime

import (
	"fmt"
	"math"

	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/params"
	"github.com/holiman/uint256"

	"github.com/hybridvm/hybridvm/host"
)

// txPlan is what validation works out for a valid transaction.
type txPlan struct {
	intrinsic uint64
	floor     uint64 // EIP-7623 (Prague on), else 0
	gasPrice  uint256.Int
	buy       uint256.Int // gas * price + blob gas * blob base fee: debited up front
	blobGas   uint64
	blobFee   uint256.Int
	need      uint256.Int // the balance the sender must hold (checkFunds)
	after     uint256.Int // buy + value
}

// ApplyTransaction validates and runs tx in block blk against the runtime's
// state, which must implement TxStateDB. An invalid transaction returns an error
// (wrapping one of the Err* reasons) and leaves the state untouched. A valid one
// is finalised (FinaliseTx) and its receipt returned; blk.GasUsed and
// blk.BlobGasUsed grow by what it used.
func (r *Runtime) ApplyTransaction(tx *Transaction, blk *Block) (Receipt, error) {
	db, ok := r.StateDB.(TxStateDB)
	if !ok {
		return Receipt{}, ErrNotTxState
	}
	plan := &r.plan
	*plan = txPlan{}
	if err := r.validate(tx, blk, plan); err != nil {
		return Receipt{}, err
	}

	// From here on the transaction is valid: nothing below can make it invalid.
	db.BeginTx()
	r.SetContext(host.TxContext{
		Origin:      tx.From,
		GasPrice:    plan.gasPrice,
		BlobHashes:  tx.BlobHashes,
		Coinbase:    blk.Coinbase,
		Number:      blk.Number,
		Timestamp:   blk.Timestamp,
		GasLimit:    blk.GasLimit,
		PrevRandao:  blk.PrevRandao,
		ChainID:     blk.ChainID,
		BaseFee:     blk.BaseFee,
		BlobBaseFee: plan.blobFee,
	}, blk.GetHash)
	db.SubBalance(tx.From, &plan.buy)
	r.warmAccessList(db, tx, blk)

	gas := int64(tx.Gas - plan.intrinsic) // validate bounds tx.Gas by math.MaxInt64
	msg := &r.txMsg
	*msg = host.Message{Gas: gas, Sender: tx.From, Input: tx.Data, Value: tx.Value}
	if tx.To == nil {
		msg.Kind = host.KindCreate // the create bumps the sender's nonce
	} else {
		db.SetNonce(tx.From, tx.Nonce+1)
		if r.cfg.Fork >= host.Prague {
			r.applyAuthorizations(db, tx, blk)
			// Warm the delegation target now that the delegations are final.
			if target, ok := host.ParseDelegation(db.GetCode(*tx.To)); ok {
				db.AddAddressToAccessList(target)
			}
		}
		msg.Kind = host.KindCall
		msg.Recipient, msg.CodeAddress = *tx.To, *tx.To
	}
	res := r.Call(msg)

	// Refund (EIP-3529: at most a fifth of the gas used), then the calldata
	// floor (EIP-7623).
	gasLeft := uint64(max(res.GasLeft, 0))
	used := tx.Gas - gasLeft
	refund := min(used/params.RefundQuotientEIP3529, db.GetRefund())
	used -= refund
	gasLeft += refund
	if used < plan.floor {
		used = plan.floor
		gasLeft = tx.Gas - used
	}
	// Return the unused gas to the sender; pay the priority fee to the coinbase
	// (the base fee is burnt).
	amount, n := &r.scratch[0], &r.scratch[1]
	amount.Mul(n.SetUint64(gasLeft), &plan.gasPrice)
	db.AddBalance(tx.From, amount)
	amount.Sub(&plan.gasPrice, &blk.BaseFee) // the tip per gas
	amount.Mul(amount, n.SetUint64(used))
	db.AddBalance(blk.Coinbase, amount)

	rc := Receipt{Status: res.Status, Err: res.Err, GasUsed: used, Output: res.Output, Logs: db.Logs(), Instructions: res.Instructions}
	if res.Status == host.StatusSuccess && tx.To == nil {
		rc.ContractAddress = res.CreateAddress
	}
	db.FinaliseTx()
	blk.GasUsed += used
	blk.BlobGasUsed += plan.blobGas
	return rc, nil
}

// validate applies every validity rule, in go-ethereum's order (which decides
// the error reported when several apply), and fills in plan.
func (r *Runtime) validate(tx *Transaction, blk *Block, plan *txPlan) error {
	db := r.StateDB
	fork := r.cfg.Fork
	switch tx.Type {
	case LegacyTxType, AccessListTxType, DynamicFeeTxType:
	case BlobTxType:
		if fork < host.Cancun {
			return fmt.Errorf("%w: blob transaction before Cancun", ErrTxTypeNotSupported)
		}
	case SetCodeTxType:
		if fork < host.Prague {
			return fmt.Errorf("%w: set-code transaction before Prague", ErrTxTypeNotSupported)
		}
	default:
		return fmt.Errorf("%w: type %d", ErrTxTypeNotSupported, tx.Type)
	}
	if tx.Type == BlobTxType {
		plan.blobGas = uint64(len(tx.BlobHashes)) * BlobGasPerBlob
		if limit := uint64(MaxBlobsPerBlock(fork)) * BlobGasPerBlob; plan.blobGas > limit || blk.BlobGasUsed > limit-plan.blobGas {
			return fmt.Errorf("%w: %d blobs, block limit %d", ErrBlobGasLimitReached, len(tx.BlobHashes), MaxBlobsPerBlock(fork))
		}
	}
	// Nonce (EIP-2681 caps it below 2^64-1).
	switch n := db.GetNonce(tx.From); {
	case n < tx.Nonce:
		return fmt.Errorf("%w: address %x, tx: %d state: %d", ErrNonceTooHigh, tx.From, tx.Nonce, n)
	case n > tx.Nonce:
		return fmt.Errorf("%w: address %x, tx: %d state: %d", ErrNonceTooLow, tx.From, tx.Nonce, n)
	case n == math.MaxUint64:
		return fmt.Errorf("%w: address %x, nonce: %d", ErrNonceMax, tx.From, n)
	}
	if fork >= host.Osaka && tx.Gas > params.MaxTxGas { // EIP-7825
		return fmt.Errorf("%w: cap %d, tx %d", ErrGasLimitTooHigh, params.MaxTxGas, tx.Gas)
	}
	if tx.Gas > math.MaxInt64 {
		return fmt.Errorf("%w: %d does not fit the frame gas counter", ErrGasLimitTooHigh, tx.Gas)
	}
	// EIP-3607: only accounts without code (or with only a delegation) send.
	if code := db.GetCode(tx.From); len(code) > 0 {
		if _, delegated := host.ParseDelegation(code); !delegated {
			return fmt.Errorf("%w: address %x, code size %d", ErrSenderNoEOA, tx.From, len(code))
		}
	}
	// EIP-1559 fee caps.
	if tx.GasFeeCap.Lt(&tx.GasTipCap) {
		return fmt.Errorf("%w: tip %s, fee cap %s", ErrTipAboveFeeCap, tx.GasTipCap.Dec(), tx.GasFeeCap.Dec())
	}
	if tx.GasFeeCap.Lt(&blk.BaseFee) {
		return fmt.Errorf("%w: fee cap %s, base fee %s", ErrFeeCapTooLow, tx.GasFeeCap.Dec(), blk.BaseFee.Dec())
	}
	if tx.Type == BlobTxType {
		if tx.To == nil {
			return ErrBlobTxCreate
		}
		if len(tx.BlobHashes) == 0 {
			return ErrMissingBlobHashes
		}
		if fork >= host.Osaka && len(tx.BlobHashes) > maxBlobsPerTxOsaka {
			return fmt.Errorf("%w: %d, limit %d", ErrTooManyBlobs, len(tx.BlobHashes), maxBlobsPerTxOsaka)
		}
		for i, h := range tx.BlobHashes {
			if !isValidBlobHash(h) {
				return fmt.Errorf("%w: blob %d version %#x", ErrInvalidBlobHash, i, h[0])
			}
		}
	}
	plan.blobFee = r.blobBaseFee(blk.ExcessBlobGas)
	if plan.blobGas > 0 && tx.BlobFeeCap.Lt(&plan.blobFee) {
		return fmt.Errorf("%w: fee cap %s, blob base fee %s", ErrBlobFeeCapTooLow, tx.BlobFeeCap.Dec(), plan.blobFee.Dec())
	}
	if tx.Type == SetCodeTxType {
		if tx.To == nil {
			return ErrSetCodeTxCreate
		}
		if len(tx.AuthList) == 0 {
			return ErrEmptyAuthList
		}
	}
	if tx.To == nil {
		if limit := r.MaxInitCodeSize(tx.Data); len(tx.Data) > limit {
			return fmt.Errorf("%w: size %d, limit %d", ErrMaxInitCodeSizeExceeded, len(tx.Data), limit)
		}
	}
	if blk.GasUsed > blk.GasLimit || tx.Gas > blk.GasLimit-blk.GasUsed {
		return fmt.Errorf("%w: tx gas %d, block gas left %d", ErrGasLimitReached, tx.Gas, blk.GasLimit-min(blk.GasUsed, blk.GasLimit))
	}

	// Effective gas price: min(fee cap, base fee + tip).
	plan.gasPrice.Add(&blk.BaseFee, &tx.GasTipCap)
	if plan.gasPrice.Gt(&tx.GasFeeCap) || plan.gasPrice.Lt(&blk.BaseFee) { // second test: overflow
		plan.gasPrice = tx.GasFeeCap
	}
	if err := r.checkFunds(tx, plan); err != nil {
		return err
	}

	var err error
	plan.intrinsic, err = IntrinsicGas(fork, tx.Data, tx.AccessList, len(tx.AuthList), tx.To == nil)
	if err != nil {
		return err
	}
	if tx.Gas < plan.intrinsic {
		return fmt.Errorf("%w: have %d, want %d", ErrIntrinsicGas, tx.Gas, plan.intrinsic)
	}
	if fork >= host.Prague {
		if plan.floor, err = FloorDataGas(tx.Data); err != nil {
			return err
		}
		if tx.Gas < plan.floor {
			return fmt.Errorf("%w: have %d, want %d", ErrFloorDataGas, tx.Gas, plan.floor)
		}
	}
	return nil
}

// checkFunds is go-ethereum's buyGas test: the sender must hold gas * fee cap +
// value (+ blob gas * blob fee cap), and is then debited gas * price (+ blob gas *
// blob base fee), computed into plan.buy.
func (r *Runtime) checkFunds(tx *Transaction, plan *txPlan) error {
	gas := uint256.NewInt(tx.Gas)
	need := &plan.need
	if _, of := plan.buy.MulOverflow(gas, &plan.gasPrice); of {
		return fmt.Errorf("%w: %w", ErrInsufficientFunds, ErrGasPriceProductOverflow)
	}
	if _, of := need.MulOverflow(gas, &tx.GasFeeCap); of {
		return fmt.Errorf("%w: %w", ErrInsufficientFunds, ErrGasPriceProductOverflow)
	}
	if _, of := need.AddOverflow(need, &tx.Value); of {
		return fmt.Errorf("%w: required balance exceeds 256 bits", ErrInsufficientFunds)
	}
	if plan.blobGas > 0 {
		bg := uint256.NewInt(plan.blobGas)
		var capCost, feeCost uint256.Int
		_, of1 := capCost.MulOverflow(bg, &tx.BlobFeeCap)
		_, of2 := need.AddOverflow(need, &capCost)
		_, of3 := feeCost.MulOverflow(bg, &plan.blobFee)
		_, of4 := plan.buy.AddOverflow(&plan.buy, &feeCost)
		if of1 || of2 || of3 || of4 {
			return fmt.Errorf("%w: required balance exceeds 256 bits", ErrInsufficientFunds)
		}
	}
	if !r.balanceAtLeast(tx.From, need) {
		bal := r.StateDB.GetBalance(tx.From)
		return fmt.Errorf("%w: address %x have %s want %s", ErrInsufficientFunds, tx.From, bal.Dec(), need.Dec())
	}
	// The value itself must still be there after the gas is bought (go-ethereum
	// checks this separately; with the check above it can only fail when the fee
	// cap is below the price, which validation excludes): balance - buy >= value,
	// that is balance >= buy + value, which cannot overflow as need covers it.
	after := &plan.after
	after.Add(&plan.buy, &tx.Value)
	if !r.balanceAtLeast(tx.From, after) {
		return fmt.Errorf("%w: address %x", ErrInsufficientFundsForTransfer, tx.From)
	}
	return nil
}

// warmAccessList warms what EIP-2929 and EIP-2930 make warm from the start: the
// sender, the recipient, the precompiles, the coinbase (EIP-3651, Shanghai on) and
// the transaction's access list.
// A state that sets its access list up itself (the go-ethereum adapter, whose
// access list only its Prepare can reset) is asked to through TxPreparer.
func (r *Runtime) warmAccessList(db host.StateDB, tx *Transaction, blk *Block) {
	if p, ok := db.(TxPreparer); ok {
		p.PrepareTx(tx.From, blk.Coinbase, tx.To, r.precompiles.addresses)
	} else {
		db.AddAddressToAccessList(tx.From)
		if tx.To != nil {
			db.AddAddressToAccessList(*tx.To)
		}
		if w, ok := db.(PrecompileWarmer); ok {
			w.WarmPrecompiles(r.precompiles.addresses)
		} else {
			for _, p := range r.precompiles.addresses {
				db.AddAddressToAccessList(p)
			}
		}
	}
	for i := range tx.AccessList {
		e := &tx.AccessList[i]
		db.AddAddressToAccessList(e.Address)
		for _, k := range e.StorageKeys {
			db.AddSlotToAccessList(e.Address, k)
		}
	}
	if r.cfg.Fork >= host.Shanghai {
		db.AddAddressToAccessList(blk.Coinbase)
	}
}

// applyAuthorizations installs the EIP-7702 delegations of a set-code
// transaction. Invalid authorizations are skipped, not errors.
func (r *Runtime) applyAuthorizations(db host.StateDB, tx *Transaction, blk *Block) {
	for i := range tx.AuthList {
		auth := &tx.AuthList[i]
		authority, ok := r.validAuthority(db, auth, blk)
		if !ok {
			continue
		}
		// The intrinsic gas charged 25000 per authorization, assuming a new
		// account; an existing one gets the difference back.
		if db.Exist(authority) {
			db.AddRefund(params.CallNewAccountGas - params.TxAuthTupleGas)
		}
		db.SetNonce(authority, auth.Nonce+1)
		old, delegated := host.ParseDelegation(db.GetCode(authority))
		if auth.Address == (host.Address{}) {
			if delegated { // delegating to zero clears the delegation
				db.SetCode(authority, nil)
			}
			continue
		}
		if !delegated || old != auth.Address {
			db.SetCode(authority, host.DelegationDesignator(auth.Address))
		}
	}
}

// validAuthority checks an authorization (chain id, nonce, signature, authority
// without code other than a delegation, matching nonce) and recovers its signer.
// The signer is warmed even when the authorization turns out invalid later.
func (r *Runtime) validAuthority(db host.StateDB, auth *types.SetCodeAuthorization, blk *Block) (host.Address, bool) {
	if !auth.ChainID.IsZero() && !auth.ChainID.Eq(&blk.ChainID) {
		return host.Address{}, false
	}
	if auth.Nonce == math.MaxUint64 { // EIP-2681
		return host.Address{}, false
	}
	authority, err := auth.Authority()
	if err != nil {
		return host.Address{}, false
	}
	db.AddAddressToAccessList(authority)
	if code := db.GetCode(authority); len(code) > 0 {
		if _, ok := host.ParseDelegation(code); !ok {
			return host.Address{}, false
		}
	}
	if db.GetNonce(authority) != auth.Nonce {
		return host.Address{}, false
	}
	return authority, true
}
