package chain

import (
	"fmt"
	"math/big"

	"github.com/ethereum/go-ethereum/params"

	"github.com/hybridvm/hybridvm/host"
)

// ForkAt returns the hybridvm fork of the block with the given number and time
// under cfg. Paris is every block from London on of a chain that merges (its
// configuration has a terminal total difficulty); proof-of-work blocks are not
// supported (Process rejects a nonzero difficulty), nor are blocks of a chain
// that never merges or before London: they give ErrUnsupportedFork.
func ForkAt(cfg *params.ChainConfig, number, time uint64) (host.Fork, error) {
	n := new(big.Int).SetUint64(number)
	switch {
	case cfg.IsOsaka(n, time):
		return host.Osaka, nil
	case cfg.IsPrague(n, time):
		return host.Prague, nil
	case cfg.IsCancun(n, time):
		return host.Cancun, nil
	case cfg.IsShanghai(n, time):
		return host.Shanghai, nil
	case cfg.IsLondon(n) && cfg.TerminalTotalDifficulty != nil:
		return host.Paris, nil
	}
	return 0, fmt.Errorf("%w: block %d (time %d) is before Paris (the Merge)", ErrUnsupportedFork, number, time)
}
