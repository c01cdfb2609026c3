package host

import (
	"fmt"
	"strings"
)

// Fork names an Ethereum protocol revision. hybridvm implements Paris (the Merge) and
// later; the RISC-V syscalls charge the gas of their EVM counterparts under the selected
// fork. Forks are ordered: f >= Shanghai means "Shanghai's rules are active".
type Fork uint8

// The supported forks, in order.
const (
	Paris Fork = iota
	Shanghai
	Cancun
	Prague
	Osaka
)

// LatestFork is the default.
const LatestFork = Osaka

var forkNames = [...]string{"Paris", "Shanghai", "Cancun", "Prague", "Osaka"}

// forkAliases are other names of forks: the state tests' older fixtures call Paris
// "Merge".
var forkAliases = map[string]Fork{"merge": Paris}

func (f Fork) String() string {
	if int(f) < len(forkNames) {
		return forkNames[f]
	}
	return fmt.Sprintf("Fork(%d)", uint8(f))
}

// ParseFork returns the fork with the given name (case-insensitive; "Merge" is Paris).
func ParseFork(name string) (Fork, error) {
	for i, n := range forkNames {
		if strings.EqualFold(n, name) {
			return Fork(i), nil
		}
	}
	if f, ok := forkAliases[strings.ToLower(name)]; ok {
		return f, nil
	}
	return 0, fmt.Errorf("unknown fork %q (supported: %s)", name, strings.Join(forkNames[:], ", "))
}
