package chain

import (
	"errors"
	"fmt"
	"math/big"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/holiman/uint256"

	"github.com/hybridvm/hybridvm/runtime"
)

// ErrFieldOverflow is a transaction field (value, fee caps) beyond 256 bits.
var ErrFieldOverflow = errors.New("transaction field exceeds 256 bits")

// toRuntimeTx fills out with tx's content, from having been recovered already.
func toRuntimeTx(tx *types.Transaction, from common.Address, out *runtime.Transaction) error {
	*out = runtime.Transaction{
		Type:       tx.Type(),
		From:       from,
		To:         tx.To(),
		Nonce:      tx.Nonce(),
		Gas:        tx.Gas(),
		Data:       tx.Data(),
		AccessList: tx.AccessList(),
		BlobHashes: tx.BlobHashes(),
		AuthList:   tx.SetCodeAuthorizations(),
	}
	fields := []struct {
		name string
		v    *big.Int
		dst  *uint256.Int
	}{
		{"value", tx.Value(), &out.Value},
		{"max fee per gas", tx.GasFeeCap(), &out.GasFeeCap},
		{"max priority fee per gas", tx.GasTipCap(), &out.GasTipCap},
		{"max fee per blob gas", tx.BlobGasFeeCap(), &out.BlobFeeCap},
	}
	for _, f := range fields {
		if f.v == nil {
			continue
		}
		if f.v.Sign() < 0 || f.dst.SetFromBig(f.v) {
			return fmt.Errorf("%w: %s %v", ErrFieldOverflow, f.name, f.v)
		}
	}
	return nil
}
