package host

import (
	"fmt"
	"strings"
)

// Fork names an Ethereum protocol revision. hybridvm implements Cancun and later; the
// RISC-V syscalls charge the gas of their EVM counterparts under the selected fork.
type Fork uint8

// The supported forks, in order.
const (
	Cancun Fork = iota
	Prague
	Osaka
)

// LatestFork is the default.
const LatestFork = Osaka

var forkNames = [...]string{"Cancun", "Prague", "Osaka"}

func (f Fork) String() string {
	if int(f) < len(forkNames) {
		return forkNames[f]
	}
	return fmt.Sprintf("Fork(%d)", uint8(f))
}

// ParseFork returns the fork with the given name (case-insensitive).
func ParseFork(name string) (Fork, error) {
	for i, n := range forkNames {
		if strings.EqualFold(n, name) {
			return Fork(i), nil
		}
	}
	return 0, fmt.Errorf("unknown fork %q (supported: %s)", name, strings.Join(forkNames[:], ", "))
}
