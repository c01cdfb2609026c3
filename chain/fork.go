package chain

import (
	"fmt"
	"math/big"

	"github.com/ethereum/go-ethereum/params"

	"github.com/hybridvm/hybridvm/host"
)

// ForkAt returns the hybridvm fork of the block with the given number and time
// under cfg. Blocks before Cancun are not supported (hybridvm's EVM starts at
// Cancun): they give ErrUnsupportedFork.
func ForkAt(cfg *params.ChainConfig, number, time uint64) (host.Fork, error) {
	n := new(big.Int).SetUint64(number)
	switch {
	case cfg.IsOsaka(n, time):
		return host.Osaka, nil
	case cfg.IsPrague(n, time):
		return host.Prague, nil
	case cfg.IsCancun(n, time):
		return host.Cancun, nil
	}
	return 0, fmt.Errorf("%w: block %d (time %d) is before Cancun", ErrUnsupportedFork, number, time)
}
