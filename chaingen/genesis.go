package chaingen

import (
	"crypto/ecdsa"
	"encoding/binary"
	"fmt"
	"math/big"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/params"
)

// Forks a chain can be generated for.
var forks = []string{"Paris", "Shanghai", "Cancun", "Prague", "Osaka"}

// chainConfig returns a post-merge configuration with every fork up to fork active
// from genesis.
func chainConfig(fork string) (*params.ChainConfig, error) {
	c := *params.MergedTestChainConfig
	c.BlobScheduleConfig = &params.BlobScheduleConfig{Cancun: params.DefaultCancunBlobConfig, Prague: params.DefaultPragueBlobConfig}
	switch fork {
	case "Paris":
		c.ShanghaiTime, c.CancunTime, c.PragueTime, c.OsakaTime, c.BlobScheduleConfig = nil, nil, nil, nil, nil
	case "Shanghai":
		c.CancunTime, c.PragueTime, c.OsakaTime, c.BlobScheduleConfig = nil, nil, nil, nil
	case "Cancun":
		c.PragueTime, c.OsakaTime = nil, nil
		c.BlobScheduleConfig.Prague = nil
	case "Prague":
		c.OsakaTime = nil
	case "Osaka":
	default:
		return nil, fmt.Errorf("chaingen: unknown fork %q (want one of %v)", fork, forks)
	}
	return &c, nil
}

// Block geometry: blocks carry about TargetGas of transactions (Options.BlockGas)
// under a gas limit of twice that, so the EIP-1559 base fee stays where it starts.
const TargetGas = 30_000_000

// keys derives n private keys from seed: key i is keccak256(seed ‖ i), as a secp256k1
// scalar.
func keys(seed int64, n int) ([]*ecdsa.PrivateKey, error) {
	out := make([]*ecdsa.PrivateKey, n)
	var buf [16]byte
	binary.BigEndian.PutUint64(buf[:8], uint64(seed))
	for i := range out {
		binary.BigEndian.PutUint64(buf[8:], uint64(i))
		k, err := crypto.ToECDSA(crypto.Keccak256(buf[:]))
		if err != nil {
			return nil, fmt.Errorf("chaingen: key %d: %w", i, err)
		}
		out[i] = k
	}
	return out, nil
}

// slot returns the storage slot of mapping[key] for a mapping at slot p.
func slot(key common.Hash, p common.Hash) common.Hash {
	return crypto.Keccak256Hash(key[:], p[:])
}

func addrKey(a common.Address) common.Hash { return common.BytesToHash(a[:]) }
func num(v uint64) common.Hash             { return common.BigToHash(new(big.Int).SetUint64(v)) }
func big10(exp int64) *big.Int             { return new(big.Int).Exp(big.NewInt(10), big.NewInt(exp), nil) }

// genesis builds the genesis: every sender funded, the contracts deployed with their
// storage set.
func genesis(cfg *params.ChainConfig, senders []common.Address, gasLimit uint64) (*core.Genesis, error) {
	token, err := loadContract("Token")
	if err != nil {
		return nil, err
	}
	pool, err := loadContract("Pool")
	if err != nil {
		return nil, err
	}
	nft, err := loadContract("Collectible")
	if err != nil {
		return nil, err
	}
	ledger, err := loadContract("Ledger")
	if err != nil {
		return nil, err
	}
	alloc := types.GenesisAlloc{}
	funds := big10(24)
	for _, s := range senders {
		alloc[s] = types.Account{Balance: funds}
	}
	// Two tokens: every sender holds 10^30 of each and lets the pool spend it; the
	// pool holds 10^27 of each, its reserves.
	maxU := common.MaxHash
	reserve := common.BigToHash(big10(27))
	for _, t := range []common.Address{token0Addr, token1Addr} {
		st := map[common.Hash]common.Hash{}
		bal := common.BigToHash(big10(30))
		for _, s := range senders {
			st[slot(addrKey(s), num(0))] = bal
			st[slot(addrKey(poolAddr), slot(addrKey(s), num(1)))] = maxU
		}
		st[slot(addrKey(poolAddr), num(0))] = reserve
		supply := new(big.Int).Mul(big10(30), big.NewInt(int64(len(senders))))
		st[num(2)] = common.BigToHash(supply.Add(supply, big10(27)))
		alloc[t] = types.Account{Code: token.Runtime, Storage: st, Balance: new(big.Int)}
	}
	alloc[poolAddr] = types.Account{Code: pool.Runtime, Balance: new(big.Int), Storage: map[common.Hash]common.Hash{
		num(0): reserve, num(1): reserve, num(2): addrKey(token0Addr), num(3): addrKey(token1Addr),
	}}
	alloc[nftAddr] = types.Account{Code: nft.Runtime, Balance: new(big.Int)}
	alloc[ledgerAddr] = types.Account{Code: ledger.Runtime, Balance: new(big.Int)}
	counter, err := loadContract("Counter")
	if err != nil {
		return nil, err
	}
	// The hot workload's one counter (Counter's count is slot 0, starting at 1).
	alloc[hotAddr] = types.Account{Code: counter.Runtime, Balance: new(big.Int), Storage: map[common.Hash]common.Hash{num(0): num(1)}}
	// The system contracts, as on mainnet.
	alloc[params.BeaconRootsAddress] = types.Account{Code: params.BeaconRootsCode, Nonce: 1, Balance: new(big.Int)}
	if cfg.PragueTime != nil {
		alloc[params.HistoryStorageAddress] = types.Account{Code: params.HistoryStorageCode, Nonce: 1, Balance: new(big.Int)}
		alloc[params.WithdrawalQueueAddress] = types.Account{Code: params.WithdrawalQueueCode, Nonce: 1, Balance: new(big.Int)}
		alloc[params.ConsolidationQueueAddress] = types.Account{Code: params.ConsolidationQueueCode, Nonce: 1, Balance: new(big.Int)}
	}
	return &core.Genesis{
		Config:     cfg,
		Alloc:      alloc,
		GasLimit:   gasLimit,
		BaseFee:    big.NewInt(params.InitialBaseFee),
		Difficulty: big.NewInt(0),
		Timestamp:  1_700_000_000,
	}, nil
}
