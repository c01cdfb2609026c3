package chain

import (
	"crypto/ecdsa"
	"encoding/binary"
	"encoding/json"
	"math/big"
	"reflect"
	"slices"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/consensus/beacon"
	"github.com/ethereum/go-ethereum/consensus/ethash"
	"github.com/ethereum/go-ethereum/core"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/params"
	"github.com/holiman/uint256"

	"github.com/hybridvm/hybridvm/evm"
	"github.com/hybridvm/hybridvm/host"
	"github.com/hybridvm/hybridvm/runtime"
	"github.com/hybridvm/hybridvm/state"
)

// The tests below generate chains with go-ethereum (core.GenerateChain, which
// executes every block with go-ethereum's own state processor, system calls
// included) and import them into a Chain: every header field execution
// computes (state root, receipts root, bloom, gas used, requests hash) must
// come out the same, and so must every receipt.

var (
	keyA, _ = crypto.HexToECDSA("b71c71a67e1177ad4e901695e1b4b9ee17ae16c6668d313eac2f96dbcda3f291")
	keyB, _ = crypto.HexToECDSA("8a1f9a8f95be41cd7ccb6168179afb4504aefe388d1e14474d32c45c72ce7b7a")
	addrA   = crypto.PubkeyToAddress(keyA.PublicKey)
	addrB   = crypto.PubkeyToAddress(keyB.PublicKey)
	// logger emits LOG1(topic 0x01..) of its calldata and stores BLOCKHASH(NUMBER-1)
	// at slot NUMBER.
	loggerAddr = common.HexToAddress("0x1000000000000000000000000000000000000001")
	loggerCode = common.FromHex("0x366000600037" + "7f0100000000000000000000000000000000000000000000000000000000000000" + "3660" + "00a1" + "600143034043" + "55" + "00")
	// depositAddr stands for the deposit contract: it emits its calldata as a
	// DepositEvent (EIP-6110's topic), so requests come out of logs.
	depositAddr = common.HexToAddress("0x2000000000000000000000000000000000000002")
	depositCode = common.FromHex("0x366000600037" + "7f649bbc62d0e31342afea4e5cd82d4049e7e1ee912fc0889aa790803be39038c5" + "3660" + "00a1" + "00")
	// destructor, holding storage, self-destructs to its caller: before Cancun that
	// deletes it with its storage (the next block's call finds no account); from
	// Cancun (EIP-6780) only its balance moves.
	destructorAddr = common.HexToAddress("0x3000000000000000000000000000000000000003")
	destructorCode = common.FromHex("0x33ff")
	// coinbaseProbe reads the coinbase's balance: cold in Paris, warm from
	// Shanghai (EIP-3651), so the gas used tells the forks apart.
	coinbaseProbeAddr = common.HexToAddress("0x4000000000000000000000000000000000000004")
	coinbaseProbeCode = common.FromHex("0x41315000")
)

func evmRuntime(f host.Fork) (runtime.Config, error) {
	eng, err := evm.New(evm.Config{Fork: f})
	return runtime.Config{EVM: eng}, err
}

// gethConfig is a merged chain with fork (Paris, Shanghai, Cancun or Prague) at
// genesis.
func gethConfig(fork host.Fork) *params.ChainConfig {
	cfg := *params.MergedTestChainConfig
	cfg.DepositContractAddress = depositAddr
	cfg.PragueTime, cfg.OsakaTime = nil, nil
	cfg.BPO1Time, cfg.BPO2Time, cfg.BPO3Time, cfg.BPO4Time, cfg.BPO5Time, cfg.AmsterdamTime = nil, nil, nil, nil, nil, nil
	zero := uint64(0)
	if fork < host.Cancun {
		cfg.CancunTime = nil
	}
	if fork < host.Shanghai {
		cfg.ShanghaiTime = nil
	}
	if fork >= host.Prague {
		cfg.PragueTime = &zero
	}
	cfg.BlobScheduleConfig = &params.BlobScheduleConfig{Cancun: params.DefaultCancunBlobConfig, Prague: params.DefaultPragueBlobConfig}
	return &cfg
}

func genesisSpec(cfg *params.ChainConfig) *core.Genesis {
	funds := new(big.Int).Mul(big.NewInt(1_000_000), big.NewInt(params.Ether))
	return &core.Genesis{
		Config:   cfg,
		GasLimit: 30_000_000,
		BaseFee:  big.NewInt(params.InitialBaseFee),
		Alloc: types.GenesisAlloc{
			addrA:                            {Balance: funds},
			addrB:                            {Balance: funds},
			loggerAddr:                       {Code: loggerCode, Balance: big.NewInt(0)},
			depositAddr:                      {Code: depositCode, Balance: big.NewInt(0)},
			destructorAddr:                   {Code: destructorCode, Balance: big.NewInt(5), Nonce: 1, Storage: map[common.Hash]common.Hash{{1}: {2}, {3}: {4}}},
			coinbaseProbeAddr:                {Code: coinbaseProbeCode, Balance: big.NewInt(0)},
			params.BeaconRootsAddress:        {Code: params.BeaconRootsCode, Nonce: 1, Balance: big.NewInt(0)},
			params.HistoryStorageAddress:     {Code: params.HistoryStorageCode, Nonce: 1, Balance: big.NewInt(0)},
			params.WithdrawalQueueAddress:    {Code: params.WithdrawalQueueCode, Nonce: 1, Balance: big.NewInt(0)},
			params.ConsolidationQueueAddress: {Code: params.ConsolidationQueueCode, Nonce: 1, Balance: big.NewInt(0)},
		},
	}
}

// depositData is an ABI-encoded DepositEvent (576 bytes) with recognisable fields.
func depositData(index uint64) []byte {
	d := make([]byte, 576)
	word := func(i int, v uint64) { binary.BigEndian.PutUint64(d[i*32+24:], v) }
	word(0, 160) // offsets of the five byte strings
	word(1, 256)
	word(2, 320)
	word(3, 384)
	word(4, 512)
	word(5, 48) // pubkey
	for i := range 48 {
		d[192+i] = byte(i + 1)
	}
	word(8, 32) // withdrawal credentials
	d[288] = 0x01
	word(10, 8) // amount
	binary.LittleEndian.PutUint64(d[352:], 32_000_000_000)
	word(12, 96) // signature
	d[416] = 0xaa
	word(16, 8) // index
	binary.LittleEndian.PutUint64(d[544:], index)
	return d
}

func signed(t testing.TB, cfg *params.ChainConfig, key *ecdsa.PrivateKey, data types.TxData) *types.Transaction {
	t.Helper()
	tx, err := types.SignNewTx(key, types.LatestSigner(cfg), data)
	if err != nil {
		t.Fatal(err)
	}
	return tx
}

// workload adds a mix of transactions of every type the fork has to block i.
func workload(t testing.TB, cfg *params.ChainConfig, fork host.Fork) func(int, *core.BlockGen) {
	chainID := uint256.MustFromBig(cfg.ChainID)
	return func(i int, b *core.BlockGen) {
		fee := new(big.Int).Add(b.BaseFee(), big.NewInt(2))
		tip := big.NewInt(1)
		b.AddTx(signed(t, cfg, keyA, &types.LegacyTx{Nonce: b.TxNonce(addrA), To: &addrB, Value: big.NewInt(1000), Gas: 21000, GasPrice: fee}))
		b.AddTx(signed(t, cfg, keyA, &types.DynamicFeeTx{ChainID: cfg.ChainID, Nonce: b.TxNonce(addrA), To: &loggerAddr, Gas: 100_000, GasFeeCap: fee, GasTipCap: tip, Data: []byte{byte(i), 1, 2, 3}}))
		b.AddTx(signed(t, cfg, keyB, &types.AccessListTx{ChainID: cfg.ChainID, Nonce: b.TxNonce(addrB), To: &loggerAddr, Gas: 100_000, GasPrice: fee,
			AccessList: types.AccessList{{Address: loggerAddr, StorageKeys: []common.Hash{{1}}}}}))
		// A creation whose initcode reverts, and one that deploys the logger.
		b.AddTx(signed(t, cfg, keyB, &types.DynamicFeeTx{ChainID: cfg.ChainID, Nonce: b.TxNonce(addrB), Gas: 100_000, GasFeeCap: fee, GasTipCap: tip, Data: common.FromHex("0x60006000fd")}))
		b.AddTx(signed(t, cfg, keyB, &types.DynamicFeeTx{ChainID: cfg.ChainID, Nonce: b.TxNonce(addrB), Gas: 200_000, GasFeeCap: fee, GasTipCap: tip,
			Data: append(common.FromHex("0x60"+"2d"+"80600c6000396000f3"), loggerCode...)}))
		b.AddTx(signed(t, cfg, keyA, &types.DynamicFeeTx{ChainID: cfg.ChainID, Nonce: b.TxNonce(addrA), To: &destructorAddr, Gas: 100_000, GasFeeCap: fee, GasTipCap: tip, Value: big.NewInt(1)}))
		b.AddTx(signed(t, cfg, keyB, &types.DynamicFeeTx{ChainID: cfg.ChainID, Nonce: b.TxNonce(addrB), To: &coinbaseProbeAddr, Gas: 100_000, GasFeeCap: fee, GasTipCap: tip}))
		if fork < host.Shanghai {
			return
		}
		b.AddWithdrawal(&types.Withdrawal{Validator: 5, Address: common.Address{0x77}, Amount: 1_000_000_000})
		b.AddWithdrawal(&types.Withdrawal{Validator: 6, Address: common.Address{0x78}, Amount: 0}) // touches an empty account
		if fork < host.Cancun {
			return
		}
		blobFee := uint256.NewInt(1_000_000)
		b.AddTx(signed(t, cfg, keyA, &types.BlobTx{ChainID: chainID, Nonce: b.TxNonce(addrA), To: loggerAddr, Gas: 100_000,
			GasFeeCap: uint256.MustFromBig(fee), GasTipCap: uint256.NewInt(1), BlobFeeCap: blobFee,
			BlobHashes: []common.Hash{{0x01, byte(i)}, {0x01, 0xff}}}))
		if fork < host.Prague {
			return
		}
		auth, err := types.SignSetCode(keyB, types.SetCodeAuthorization{ChainID: *chainID, Address: loggerAddr, Nonce: b.TxNonce(addrB) + 1})
		if err != nil {
			t.Fatal(err)
		}
		b.AddTx(signed(t, cfg, keyB, &types.SetCodeTx{ChainID: chainID, Nonce: b.TxNonce(addrB), To: addrB, Gas: 200_000,
			GasFeeCap: uint256.MustFromBig(fee), GasTipCap: uint256.NewInt(1), AuthList: []types.SetCodeAuthorization{auth}, Data: []byte{9}}))
		b.AddTx(signed(t, cfg, keyA, &types.DynamicFeeTx{ChainID: cfg.ChainID, Nonce: b.TxNonce(addrA), To: &depositAddr, Gas: 200_000, GasFeeCap: fee, GasTipCap: tip, Data: depositData(uint64(i))}))
		// An EIP-7002 withdrawal request (pubkey ‖ amount) and an EIP-7251
		// consolidation request (source ‖ target pubkeys), paying 1 wei fees and more.
		b.AddTx(signed(t, cfg, keyA, &types.DynamicFeeTx{ChainID: cfg.ChainID, Nonce: b.TxNonce(addrA), To: &params.WithdrawalQueueAddress, Gas: 300_000, GasFeeCap: fee, GasTipCap: tip,
			Value: big.NewInt(10), Data: append(make([]byte, 48), 0, 0, 0, 0, 0, 0, 0, byte(i+1))}))
		b.AddTx(signed(t, cfg, keyA, &types.DynamicFeeTx{ChainID: cfg.ChainID, Nonce: b.TxNonce(addrA), To: &params.ConsolidationQueueAddress, Gas: 300_000, GasFeeCap: fee, GasTipCap: tip,
			Value: big.NewInt(10), Data: append(make([]byte, 95), byte(i+1))}))
	}
}

// generate makes n blocks with go-ethereum and returns the genesis header, our
// genesis state, the blocks and go-ethereum's receipts.
func generate(t testing.TB, fork host.Fork, n int) (*params.ChainConfig, *types.Header, *state.State, []*types.Block, []types.Receipts) {
	t.Helper()
	cfg := gethConfig(fork)
	spec := genesisSpec(cfg)
	_, blocks, receipts := core.GenerateChainWithGenesis(spec, beacon.New(ethash.NewFaker()), n, workload(t, cfg, fork))
	allocJSON, err := json.Marshal(spec.Alloc)
	if err != nil {
		t.Fatal(err)
	}
	st, err := state.ParseAlloc(allocJSON)
	if err != nil {
		t.Fatal(err)
	}
	return cfg, spec.ToBlock().Header(), st, blocks, receipts
}

func newTestChain(t *testing.T, cfg *params.ChainConfig, genesis *types.Header, st *state.State) *Chain {
	t.Helper()
	proc, err := NewProcessor(Config{Chain: cfg, Runtime: evmRuntime})
	if err != nil {
		t.Fatal(err)
	}
	c, err := NewChain(proc, genesis, st)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestGethGeneratedChains(t *testing.T) {
	for _, fork := range []host.Fork{host.Paris, host.Shanghai, host.Cancun, host.Prague} {
		t.Run(fork.String(), func(t *testing.T) {
			prague := fork >= host.Prague
			cfg, genesis, st, blocks, want := generate(t, fork, 4)
			c := newTestChain(t, cfg, genesis, st)
			var requests int
			for i, b := range blocks {
				res, err := c.Insert(b)
				if err != nil {
					t.Fatalf("block %d: %v", i+1, err)
				}
				compareReceipts(t, i+1, res.Receipts, want[i])
				requests += len(res.Requests)
				if prague && len(res.Requests) != 3 {
					t.Errorf("block %d: %d request lists, want 3 (deposits, withdrawals, consolidations)", i+1, len(res.Requests))
				}
			}
			// Before Cancun the destructor went with its code and storage in block 1
			// (the later blocks' 1 wei made a plain account there); from Cancun it stays.
			end := c.State(c.Head().Hash())
			var slots int
			end.StorageOf(destructorAddr, func(_, _ common.Hash) { slots++ })
			if kept := len(end.GetCode(destructorAddr)) > 0 || slots > 0; kept != (fork >= host.Cancun) {
				t.Errorf("destructor's code or storage kept: %v (%d slots)", kept, slots)
			}
			if c.Head().Hash() != blocks[len(blocks)-1].Hash() {
				t.Errorf("head %x, want the last block", c.Head().Hash())
			}
			t.Logf("%d blocks, %d transactions each, %d request lists", len(blocks), len(blocks[0].Transactions()), requests)
		})
	}
}

func compareReceipts(t *testing.T, block int, got, want types.Receipts) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("block %d: %d receipts, want %d", block, len(got), len(want))
	}
	for i := range got {
		g, w := got[i], want[i]
		pairs := []struct {
			name      string
			got, want any
		}{
			{"type", g.Type, w.Type},
			{"status", g.Status, w.Status},
			{"cumulative gas", g.CumulativeGasUsed, w.CumulativeGasUsed},
			{"gas used", g.GasUsed, w.GasUsed},
			{"blob gas used", g.BlobGasUsed, w.BlobGasUsed},
			{"bloom", g.Bloom, w.Bloom},
			{"contract address", g.ContractAddress, w.ContractAddress},
			{"tx hash", g.TxHash, w.TxHash},
			{"logs", len(g.Logs), len(w.Logs)},
		}
		for _, p := range pairs {
			if !reflect.DeepEqual(p.got, p.want) {
				t.Errorf("block %d receipt %d: %s %v, want %v", block, i, p.name, p.got, p.want)
			}
		}
		for j := range min(len(g.Logs), len(w.Logs)) {
			if gl, wl := g.Logs[j], w.Logs[j]; gl.Address != wl.Address || !slices.Equal(gl.Topics, wl.Topics) || string(gl.Data) != string(wl.Data) || gl.Index != wl.Index {
				t.Errorf("block %d receipt %d log %d: %+v, want %+v", block, i, j, gl, wl)
			}
		}
	}
}
