package chain

import (
	"errors"
	"math/big"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/trie"

	"github.com/hybridvm/hybridvm/host"
	"github.com/hybridvm/hybridvm/runtime"
)

// withHeader returns block with its header changed by edit (body kept).
func withHeader(block *types.Block, edit func(h *types.Header)) *types.Block {
	h := block.Header()
	edit(h)
	return block.WithSeal(h)
}

// withTxs returns block with other transactions, the transactions root
// recomputed.
func withTxs(block *types.Block, txs types.Transactions) *types.Block {
	h := block.Header()
	h.TxHash = types.DeriveSha(txs, trie.NewStackTrie(nil))
	return types.NewBlockWithHeader(h).WithBody(types.Body{Transactions: txs, Withdrawals: block.Withdrawals()})
}

// TestInsertRejects: each broken block is rejected with its reason and an
// error naming the block; the chain is left as it was, and the good block
// still imports afterwards.
func TestInsertRejects(t *testing.T) {
	cfg, genesis, st, blocks, _ := generate(t, host.Prague, 2)
	good := blocks[0]
	badSig := good.Transactions()[1]
	v, r, s := badSig.RawSignatureValues()
	sig := make([]byte, 65)
	r.FillBytes(sig[:32])
	new(big.Int).Add(s, big.NewInt(1)).FillBytes(sig[32:64]) // recovers to another key, or fails
	sig[64] = byte(v.Uint64())
	forged, err := badSig.WithSignature(types.LatestSigner(cfg), append(sig[:64:64], 0x05))
	if err != nil {
		t.Fatal(err)
	}
	txs := append(types.Transactions{}, good.Transactions()...)
	txs[1] = forged
	// A transaction replayed: its nonce is now too low.
	replayed := append(append(types.Transactions{}, good.Transactions()...), good.Transactions()[0])

	tests := []struct {
		name  string
		block *types.Block
		want  error
	}{
		{"does not link", blocks[1], ErrUnknownParent},
		{"wrong state root", withHeader(good, func(h *types.Header) { h.Root = common.Hash{1} }), ErrStateRoot},
		{"wrong receipts root", withHeader(good, func(h *types.Header) { h.ReceiptHash = common.Hash{1} }), ErrReceiptsRoot},
		{"wrong bloom", withHeader(good, func(h *types.Header) { h.Bloom[0] ^= 1 }), ErrBloom},
		{"wrong gas used", withHeader(good, func(h *types.Header) { h.GasUsed-- }), ErrGasUsed},
		{"wrong requests hash", withHeader(good, func(h *types.Header) { h.RequestsHash = &common.Hash{1} }), ErrRequestsHash},
		{"wrong transactions root", withHeader(good, func(h *types.Header) { h.TxHash = common.Hash{1} }), ErrTxRoot},
		{"wrong withdrawals root", withHeader(good, func(h *types.Header) { h.WithdrawalsHash = &common.Hash{1} }), ErrWithdrawalsRoot},
		{"wrong base fee", withHeader(good, func(h *types.Header) { h.BaseFee = big.NewInt(7) }), ErrInvalidBaseFee},
		{"wrong excess blob gas", withHeader(good, func(h *types.Header) { *h.ExcessBlobGas = 1 << 17 }), ErrExcessBlobGas},
		{"wrong blob gas used", withHeader(good, func(h *types.Header) { *h.BlobGasUsed = 0 }), ErrBlobGasUsed},
		{"timestamp not after the parent's", withHeader(good, func(h *types.Header) { h.Time = genesis.Time }), ErrInvalidTimestamp},
		{"wrong number", withHeader(good, func(h *types.Header) { h.Number = big.NewInt(2) }), ErrInvalidNumber},
		{"gas limit jump", withHeader(good, func(h *types.Header) { h.GasLimit *= 2 }), ErrInvalidGasLimit},
		{"extra data too long", withHeader(good, func(h *types.Header) { h.Extra = make([]byte, 33) }), ErrExtraDataTooLong},
		{"difficulty", withHeader(good, func(h *types.Header) { h.Difficulty = big.NewInt(1) }), ErrInvalidDifficulty},
		{"bad signature", withTxs(good, txs), ErrInvalidSender},
		{"invalid transaction", withTxs(good, replayed), runtime.ErrNonceTooLow},
	}
	c := newTestChain(t, cfg, genesis, st)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := c.Insert(tc.block)
			if !errors.Is(err, tc.want) {
				t.Fatalf("error %v, want %v", err, tc.want)
			}
			if !strings.Contains(err.Error(), tc.block.Hash().Hex()) {
				t.Errorf("error %q does not name the block", err)
			}
			if c.Head().Hash() != genesis.Hash() {
				t.Errorf("head moved to %x", c.Head().Hash())
			}
		})
	}
	if _, err := c.Insert(good); err != nil {
		t.Fatalf("the good block after the bad ones: %v", err)
	}
}

// TestNewChainWrongGenesis: a genesis whose state root is not the state's.
func TestNewChainWrongGenesis(t *testing.T) {
	cfg, genesis, st, _, _ := generate(t, host.Cancun, 1)
	proc, err := NewProcessor(Config{Chain: cfg, Runtime: evmRuntime})
	if err != nil {
		t.Fatal(err)
	}
	h := types.CopyHeader(genesis)
	h.Root = common.Hash{1}
	if _, err := NewChain(proc, h, st); !errors.Is(err, ErrStateRoot) || !strings.Contains(err.Error(), "genesis") {
		t.Fatalf("error %v, want a genesis state root mismatch", err)
	}
}

// TestUnsupportedFork: a chain that never merges is refused, not run with the
// wrong rules, and so is a proof-of-work block.
func TestUnsupportedFork(t *testing.T) {
	cfg, genesis, st, blocks, _ := generate(t, host.Paris, 1)
	pow := *cfg
	pow.TerminalTotalDifficulty, pow.MergeNetsplitBlock = nil, nil
	c := newTestChain(t, &pow, genesis, st)
	if _, err := c.Insert(blocks[0]); !errors.Is(err, ErrUnsupportedFork) {
		t.Fatalf("error %v, want ErrUnsupportedFork", err)
	}
	proc, err := NewProcessor(Config{Chain: cfg, Runtime: evmRuntime})
	if err != nil {
		t.Fatal(err)
	}
	mined := withHeader(blocks[0], func(h *types.Header) { h.Difficulty = big.NewInt(1) })
	if _, err := proc.Process(mined, st.Copy(), nil); !errors.Is(err, ErrUnsupportedFork) {
		t.Fatalf("difficulty 1: error %v, want ErrUnsupportedFork", err)
	}
}

// TestFieldsBeforeTheirFork: each fork's header fields are refused before it
// (go-ethereum's consensus/beacon rules), and required from it.
func TestFieldsBeforeTheirFork(t *testing.T) {
	_, genesis, _, blocks, _ := generate(t, host.Cancun, 1)
	cancun := blocks[0].Header()
	for _, tc := range []struct {
		name string
		fork host.Fork
		edit func(h *types.Header)
		want error
	}{
		{"Cancun header in Shanghai", host.Shanghai, func(h *types.Header) {}, ErrUnexpectedField},
		{"beacon root in Shanghai", host.Shanghai, func(h *types.Header) { h.ExcessBlobGas, h.BlobGasUsed = nil, nil }, ErrUnexpectedField},
		{"Shanghai header in Paris", host.Paris, func(h *types.Header) {
			h.ExcessBlobGas, h.BlobGasUsed, h.ParentBeaconRoot = nil, nil, nil
		}, ErrUnexpectedField},
		{"Shanghai header without withdrawals root", host.Shanghai, func(h *types.Header) {
			h.ExcessBlobGas, h.BlobGasUsed, h.ParentBeaconRoot, h.WithdrawalsHash = nil, nil, nil, nil
		}, ErrMissingField},
		{"valid Paris header", host.Paris, func(h *types.Header) {
			h.ExcessBlobGas, h.BlobGasUsed, h.ParentBeaconRoot, h.WithdrawalsHash = nil, nil, nil, nil
		}, nil},
		{"valid Shanghai header", host.Shanghai, func(h *types.Header) {
			h.ExcessBlobGas, h.BlobGasUsed, h.ParentBeaconRoot = nil, nil, nil
		}, nil},
	} {
		h := types.CopyHeader(cancun)
		tc.edit(h)
		err := VerifyHeader(gethConfig(tc.fork), genesis, h)
		if (tc.want == nil && err != nil) || (tc.want != nil && !errors.Is(err, tc.want)) {
			t.Errorf("%s: error %v, want %v", tc.name, err, tc.want)
		}
	}
}
