package blocktest

import (
	"math/big"

	"github.com/ethereum/go-ethereum/params"
)

// networks are the chain configurations of the test networks hybridvm can run
// (the blockchain tests' "network" field): every fork from Paris (the Merge) on,
// at genesis or at time 15,000 for the transition networks. Their values are
// those of the ethereum/tests and execution-spec-tests network definitions.
var networks = map[string]func() *params.ChainConfig{
	"Paris":    func() *params.ChainConfig { return mergedConfig(nil, nil, nil, nil) },
	"Merge":    func() *params.ChainConfig { return mergedConfig(nil, nil, nil, nil) },
	"Shanghai": func() *params.ChainConfig { return mergedConfig(u64(0), nil, nil, nil) },
	"Cancun":   func() *params.ChainConfig { return mergedConfig(u64(0), u64(0), nil, nil) },
	"Prague":   func() *params.ChainConfig { return mergedConfig(u64(0), u64(0), u64(0), nil) },
	"Osaka":    func() *params.ChainConfig { return mergedConfig(u64(0), u64(0), u64(0), u64(0)) },
	"ParisToShanghaiAtTime15k": func() *params.ChainConfig {
		return mergedConfig(u64(15_000), nil, nil, nil)
	},
	"ShanghaiToCancunAtTime15k": func() *params.ChainConfig {
		return mergedConfig(u64(0), u64(15_000), nil, nil)
	},
	"CancunToPragueAtTime15k": func() *params.ChainConfig {
		return mergedConfig(u64(0), u64(0), u64(15_000), nil)
	},
	"PragueToOsakaAtTime15k": func() *params.ChainConfig {
		return mergedConfig(u64(0), u64(0), u64(0), u64(15_000))
	},
}

func u64(v uint64) *uint64 { return &v }

// mergedConfig is mainnet's chain id and deposit contract with every fork up to
// Paris at genesis, and Shanghai, Cancun, Prague and Osaka at the times given (nil:
// never).
func mergedConfig(shanghai, cancun, prague, osaka *uint64) *params.ChainConfig {
	zero := big.NewInt(0)
	cfg := &params.ChainConfig{
		ChainID:                 big.NewInt(1),
		HomesteadBlock:          zero,
		EIP150Block:             zero,
		EIP155Block:             zero,
		EIP158Block:             zero,
		ByzantiumBlock:          zero,
		ConstantinopleBlock:     zero,
		PetersburgBlock:         zero,
		IstanbulBlock:           zero,
		MuirGlacierBlock:        zero,
		BerlinBlock:             zero,
		LondonBlock:             zero,
		ArrowGlacierBlock:       zero,
		MergeNetsplitBlock:      zero,
		TerminalTotalDifficulty: zero,
		ShanghaiTime:            shanghai,
		CancunTime:              cancun,
		PragueTime:              prague,
		OsakaTime:               osaka,
		DepositContractAddress:  params.MainnetChainConfig.DepositContractAddress,
	}
	if cancun != nil {
		cfg.BlobScheduleConfig = &params.BlobScheduleConfig{Cancun: params.DefaultCancunBlobConfig}
	}
	if prague != nil { // Osaka keeps Prague's blob parameters
		cfg.BlobScheduleConfig.Prague = params.DefaultPragueBlobConfig
	}
	return cfg
}
