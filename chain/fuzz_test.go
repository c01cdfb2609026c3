package chain

import (
	"testing"

	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/rlp"

	"github.com/hybridvm/hybridvm/host"
)

// FuzzInsertRLP: any bytes either fail to decode as a block or import with an
// error or a result, never a panic. The seeds are go-ethereum-generated Prague
// blocks (every transaction type, requests), whole and cut short.
func FuzzInsertRLP(f *testing.F) {
	cfg, genesis, st, blocks, _ := generate(f, host.Prague, 2)
	for _, b := range blocks {
		enc, err := rlp.EncodeToBytes(b)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(enc)
		f.Add(enc[:len(enc)/2])
	}
	proc, err := NewProcessor(Config{Chain: cfg, Runtime: evmRuntime})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var b types.Block
		if rlp.DecodeBytes(data, &b) != nil {
			return
		}
		c, err := NewChain(proc, genesis, st.Copy())
		if err != nil {
			t.Fatal(err)
		}
		c.Insert(&b) //nolint:errcheck // only panics matter
	})
}
