package blocktest

import (
	"encoding/json"
	"fmt"
	"math/big"
	"slices"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/common/math"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/hybridvm/hybridvm/state"
)

// Test is one named blockchain test of a file.
type Test struct {
	Name    string
	File    string
	Network string
	Genesis Header
	// Pre is the genesis state (every run works on a copy).
	Pre    *state.State
	Blocks []Block
	// LastBlockHash is the expected head.
	LastBlockHash common.Hash
	// Post is the expected head state (nil when the test gives only its root,
	// PostStateHash).
	Post          *state.State
	PostStateHash *common.Hash
}

// Block is one block of a test: its RLP, and either its expected header (a
// valid block) or the exception it must be rejected with.
type Block struct {
	RLP             []byte
	Header          *Header // nil for a block that must be rejected
	ExpectException string
}

// Header is a block header as the tests write it (field names of
// ethereum/tests, not go-ethereum's JSON).
type Header struct {
	ParentHash            common.Hash           `json:"parentHash"`
	UncleHash             common.Hash           `json:"uncleHash"`
	Coinbase              common.Address        `json:"coinbase"`
	StateRoot             common.Hash           `json:"stateRoot"`
	TransactionsTrie      common.Hash           `json:"transactionsTrie"`
	ReceiptTrie           common.Hash           `json:"receiptTrie"`
	Bloom                 types.Bloom           `json:"bloom"`
	Difficulty            *math.HexOrDecimal256 `json:"difficulty"`
	Number                *math.HexOrDecimal256 `json:"number"`
	GasLimit              math.HexOrDecimal64   `json:"gasLimit"`
	GasUsed               math.HexOrDecimal64   `json:"gasUsed"`
	Timestamp             math.HexOrDecimal64   `json:"timestamp"`
	ExtraData             hexutil.Bytes         `json:"extraData"`
	MixHash               common.Hash           `json:"mixHash"`
	Nonce                 types.BlockNonce      `json:"nonce"`
	BaseFeePerGas         *math.HexOrDecimal256 `json:"baseFeePerGas"`
	WithdrawalsRoot       *common.Hash          `json:"withdrawalsRoot"`
	BlobGasUsed           *math.HexOrDecimal64  `json:"blobGasUsed"`
	ExcessBlobGas         *math.HexOrDecimal64  `json:"excessBlobGas"`
	ParentBeaconBlockRoot *common.Hash          `json:"parentBeaconBlockRoot"`
	RequestsHash          *common.Hash          `json:"requestsHash"`
	Hash                  common.Hash           `json:"hash"`
}

// ToHeader returns the go-ethereum header the fields describe.
func (h *Header) ToHeader() *types.Header {
	out := &types.Header{
		ParentHash:       h.ParentHash,
		UncleHash:        h.UncleHash,
		Coinbase:         h.Coinbase,
		Root:             h.StateRoot,
		TxHash:           h.TransactionsTrie,
		ReceiptHash:      h.ReceiptTrie,
		Bloom:            h.Bloom,
		Difficulty:       bigOf(h.Difficulty),
		Number:           bigOf(h.Number),
		GasLimit:         uint64(h.GasLimit),
		GasUsed:          uint64(h.GasUsed),
		Time:             uint64(h.Timestamp),
		Extra:            slices.Clone(h.ExtraData),
		MixDigest:        h.MixHash,
		Nonce:            h.Nonce,
		WithdrawalsHash:  h.WithdrawalsRoot,
		ParentBeaconRoot: h.ParentBeaconBlockRoot,
		RequestsHash:     h.RequestsHash,
	}
	if h.BaseFeePerGas != nil {
		out.BaseFee = bigOf(h.BaseFeePerGas)
	}
	if h.BlobGasUsed != nil {
		v := uint64(*h.BlobGasUsed)
		out.BlobGasUsed = &v
	}
	if h.ExcessBlobGas != nil {
		v := uint64(*h.ExcessBlobGas)
		out.ExcessBlobGas = &v
	}
	return out
}

func bigOf(v *math.HexOrDecimal256) *big.Int {
	if v == nil {
		return new(big.Int)
	}
	return new(big.Int).Set((*big.Int)(v))
}

type testJSON struct {
	Network       string          `json:"network"`
	Genesis       *Header         `json:"genesisBlockHeader"`
	Pre           json.RawMessage `json:"pre"`
	Blocks        []blockJSON     `json:"blocks"`
	LastBlockHash *common.Hash    `json:"lastblockhash"`
	PostState     json.RawMessage `json:"postState"`
	PostStateHash *common.Hash    `json:"postStateHash"`
}

type blockJSON struct {
	RLP             string  `json:"rlp"`
	Header          *Header `json:"blockHeader"`
	ExpectException string  `json:"expectException"`
}

// ParseFile parses a file of blockchain tests (a JSON object of named tests),
// in name order. file names the tests' origin in results.
func ParseFile(file string, data []byte) ([]*Test, error) {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	names := make([]string, 0, len(raw))
	for n := range raw {
		names = append(names, n)
	}
	slices.Sort(names)
	tests := make([]*Test, 0, len(names))
	for _, name := range names {
		t, err := parseTest(name, file, raw[name])
		if err != nil {
			return nil, fmt.Errorf("%s: test %s: %w", file, name, err)
		}
		tests = append(tests, t)
	}
	return tests, nil
}

func parseTest(name, file string, data []byte) (*Test, error) {
	var j testJSON
	if err := json.Unmarshal(data, &j); err != nil {
		return nil, err
	}
	switch {
	case j.Genesis == nil:
		return nil, fmt.Errorf("no genesisBlockHeader")
	case j.Pre == nil:
		return nil, fmt.Errorf("no pre")
	case j.LastBlockHash == nil:
		return nil, fmt.Errorf("no lastblockhash")
	case j.PostState == nil && j.PostStateHash == nil:
		return nil, fmt.Errorf("neither postState nor postStateHash")
	}
	t := &Test{Name: name, File: file, Network: j.Network, Genesis: *j.Genesis, LastBlockHash: *j.LastBlockHash, PostStateHash: j.PostStateHash}
	var err error
	if t.Pre, err = state.ParseAlloc(j.Pre); err != nil {
		return nil, fmt.Errorf("pre: %w", err)
	}
	if j.PostState != nil {
		if t.Post, err = state.ParseAlloc(j.PostState); err != nil {
			return nil, fmt.Errorf("postState: %w", err)
		}
	}
	for i, b := range j.Blocks {
		rlp, err := hexutil.Decode(b.RLP)
		if err != nil {
			// A garbled hex string is an undecodable block: only a block
			// expected invalid may have one (checked when run).
			rlp = nil
			if b.Header != nil {
				return nil, fmt.Errorf("block %d: rlp: %w", i, err)
			}
		}
		t.Blocks = append(t.Blocks, Block{RLP: rlp, Header: b.Header, ExpectException: b.ExpectException})
	}
	return t, nil
}
