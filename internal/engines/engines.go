// Package engines builds the runtime configurations the block layer runs
// with: one EVM per fork (shared by every runtime of that fork: it is safe for
// concurrent use) and a RISC-V engine per runtime over one shared image cache.
// chain takes such a function (chain.Config.Runtime) rather than importing
// the engines itself, so that packages like blocktest link no RISC-V machine.
//
// It imports evm, host, machine, riscvengine and runtime.
package engines

import (
	"github.com/hybridvm/hybridvm/evm"
	"github.com/hybridvm/hybridvm/host"
	"github.com/hybridvm/hybridvm/machine"
	"github.com/hybridvm/hybridvm/riscvengine"
	"github.com/hybridvm/hybridvm/runtime"
)

// Runtimes returns a chain.Config.Runtime: for each call, a configuration with
// the fork's EVM (made once per fork) and a new RISC-V engine of the given kind
// over cache. The returned function is not safe for concurrent use (chain's
// processor calls it from one goroutine).
func Runtimes(engine machine.Engine, cache *machine.Cache) func(host.Fork) (runtime.Config, error) {
	evms := map[host.Fork]*evm.EVM{}
	return func(f host.Fork) (runtime.Config, error) {
		e, ok := evms[f]
		if !ok {
			var err error
			if e, err = evm.New(evm.Config{Fork: f}); err != nil {
				return runtime.Config{}, err
			}
			evms[f] = e
		}
		return runtime.Config{Fork: f, EVM: e, RISCV: riscvengine.New(riscvengine.Config{Engine: engine, Fork: f, Cache: cache})}, nil
	}
}
