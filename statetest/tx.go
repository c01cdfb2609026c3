package statetest

import (
	"errors"
	"fmt"

	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/hybridvm/hybridvm/host"
	"github.com/hybridvm/hybridvm/runtime"
)

// Reasons a test's transaction cannot even be encoded: the test expects them as
// invalid transactions.
var (
	errValueOverflow = errors.New("transaction value exceeds 256 bits")
	errNonceOverflow = errors.New("transaction nonce exceeds 2^64-1")
)

func senderFromKey(hexKey string) (host.Address, error) {
	b, err := parseHexBytes(hexKey)
	if err != nil {
		return host.Address{}, err
	}
	key, err := crypto.ToECDSA(b)
	if err != nil {
		return host.Address{}, fmt.Errorf("invalid private key: %w", err)
	}
	return crypto.PubkeyToAddress(key.PublicKey), nil
}

// build makes the transaction of one post entry. The type follows from the fields
// present, as go-ethereum's runner decides by them: an authorization list makes a
// set-code transaction, blob hashes a blob transaction, maxFeePerGas a
// dynamic-fee one, access lists an access-list one.
func (tt *TxTemplate) build(p *PostEntry) (*runtime.Transaction, error) {
	if !tt.Nonce.IsUint64() {
		return nil, errNonceOverflow
	}
	val := tt.Value[p.Val]
	if val == nil {
		return nil, errValueOverflow
	}
	tx := &runtime.Transaction{
		From:  tt.Sender,
		To:    tt.To,
		Nonce: tt.Nonce.Uint64(),
		Value: *val,
		Gas:   tt.GasLimit[p.Gas],
		Data:  tt.Data[p.Data],
	}
	switch {
	case tt.HasAuths:
		tx.Type = runtime.SetCodeTxType
	case tt.HasBlobs:
		tx.Type = runtime.BlobTxType
	case tt.MaxFee != nil:
		tx.Type = runtime.DynamicFeeTxType
	case tt.HasAccess:
		tx.Type = runtime.AccessListTxType
	default:
		tx.Type = runtime.LegacyTxType
	}
	if tt.MaxFee != nil {
		tx.GasFeeCap = *tt.MaxFee
		tx.GasTipCap = *tt.MaxFee
		if tt.MaxTip != nil {
			tx.GasTipCap = *tt.MaxTip
		}
	} else {
		tx.GasFeeCap = *tt.GasPrice
		tx.GasTipCap = *tt.GasPrice
	}
	if tt.HasAccess {
		for _, t := range tt.AccessLists[p.Data] {
			tx.AccessList = append(tx.AccessList, types.AccessTuple{Address: t.Address, StorageKeys: t.Keys})
		}
	}
	if tt.HasBlobs {
		tx.BlobHashes = tt.BlobHashes
		tx.BlobFeeCap = *tt.BlobFeeCap
	}
	for _, a := range tt.Auths {
		tx.AuthList = append(tx.AuthList, types.SetCodeAuthorization{
			ChainID: a.ChainID, Address: a.Address, Nonce: a.Nonce, V: a.V, R: a.R, S: a.S,
		})
	}
	return tx, nil
}
