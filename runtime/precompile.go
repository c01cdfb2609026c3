package runtime

import (
	"sync"

	"github.com/ethereum/go-ethereum/core/vm"

	"github.com/hybridvm/hybridvm/host"
)

// precompile is go-ethereum's precompiled-contract interface (its
// implementations are used through its exported API; the cryptography is not
// ours).
type precompile = vm.PrecompiledContract

// precompileSet indexes a fork's precompiles by the low two bytes of their
// address (all of them live below 0x0200), so a lookup is one compare of the
// high 18 bytes and an array load instead of a map lookup on every call.
type precompileSet struct {
	byIndex   [0x200]precompile
	addresses []host.Address
}

func (s *precompileSet) get(a host.Address) precompile {
	for _, b := range a[:18] {
		if b != 0 {
			return nil
		}
	}
	i := int(a[18])<<8 | int(a[19])
	if i >= len(s.byIndex) {
		return nil
	}
	return s.byIndex[i]
}

// precompileSets returns the lookup tables of every fork, built on first use rather than
// at package initialisation (processes that run no EVM code never build them).
var precompileSets = sync.OnceValue(func() [host.LatestFork + 1]*precompileSet {
	var sets [host.LatestFork + 1]*precompileSet
	for fork, m := range map[host.Fork]vm.PrecompiledContracts{
		host.Paris:    vm.PrecompiledContractsBerlin, // unchanged from Berlin to Shanghai
		host.Shanghai: vm.PrecompiledContractsBerlin,
		host.Cancun:   vm.PrecompiledContractsCancun,
		host.Prague:   vm.PrecompiledContractsPrague,
		host.Osaka:    vm.PrecompiledContractsOsaka,
	} {
		s := &precompileSet{}
		for addr, p := range m {
			i := int(addr[18])<<8 | int(addr[19])
			for _, b := range addr[:18] {
				if b != 0 {
					panic("BUG: runtime: precompile address above 0xffff: " + addr.Hex())
				}
			}
			if i >= len(s.byIndex) {
				panic("BUG: runtime: precompile address outside the lookup table: " + addr.Hex())
			}
			s.byIndex[i] = p
			s.addresses = append(s.addresses, addr)
		}
		sets[fork] = s
	}
	return sets
})

func precompilesFor(f host.Fork) *precompileSet { return precompileSets()[f] }

// Precompiles returns the addresses of the fork's precompiles (warm from the start
// of every transaction, EIP-2929).
func Precompiles(f host.Fork) []host.Address {
	if f > host.LatestFork {
		return nil
	}
	return precompileSets()[f].addresses
}

// IsPrecompile reports whether addr is a precompile in fork f.
func IsPrecompile(f host.Fork, addr host.Address) bool {
	return f <= host.LatestFork && precompileSets()[f].get(addr) != nil
}
