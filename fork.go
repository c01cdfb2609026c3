package hybridvm

import (
	"fmt"

	"github.com/hybridvm/hybridvm/host"
)

// Fork selects a Runtime's protocol rules. The zero value, ForkLatest, is the newest
// fork hybridvm implements (host.LatestFork: Osaka), so a zero Config follows new forks
// as hybridvm adds them; name a fork to pin the rules.
type Fork uint8

// The forks.
const (
	// ForkLatest is host.LatestFork.
	ForkLatest Fork = iota
	ForkParis
	ForkShanghai
	ForkCancun
	ForkPrague
	ForkOsaka
)

// ForkOf returns the Fork naming f.
func ForkOf(f host.Fork) Fork { return Fork(f) + 1 }

// ParseFork returns the fork with the given name ("Paris", "Shanghai", "Cancun",
// "Prague", "Osaka", case-insensitive; "Merge" is Paris; "latest" is ForkLatest).
func ParseFork(name string) (Fork, error) {
	if name == "latest" {
		return ForkLatest, nil
	}
	f, err := host.ParseFork(name)
	if err != nil {
		return 0, err
	}
	return ForkOf(f), nil
}

// Host returns the protocol revision f stands for, ForkLatest resolved.
func (f Fork) Host() host.Fork {
	if f == ForkLatest {
		return host.LatestFork
	}
	return host.Fork(f - 1)
}

func (f Fork) String() string {
	if f == ForkLatest {
		return "latest"
	}
	if f.Host() > host.LatestFork {
		return fmt.Sprintf("Fork(%d)", uint8(f))
	}
	return f.Host().String()
}
