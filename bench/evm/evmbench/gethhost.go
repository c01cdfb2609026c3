package evmbench

import (
	"github.com/ethereum/go-ethereum/core/state"

	"github.com/hybridvm/hybridvm/host"
	"github.com/hybridvm/hybridvm/state/gethstate"
)

// gethHost is a host.Host over go-ethereum's state.StateDB (through state/gethstate), so
// that both engines of a benchmark run against the same state implementation. Nested
// calls are not supported (no benchmark program makes one); a call fails as an
// exceptional halt with errNoCalls, which the output check would report.
type gethHost struct {
	*gethstate.State
	tx host.TxContext
}

var _ host.Host = (*gethHost)(nil)

func newGethHost(sdb *state.StateDB, tx host.TxContext) *gethHost {
	return &gethHost{State: gethstate.New(sdb, gethstate.RulesFor(host.LatestFork)), tx: tx}
}

func (g *gethHost) TxContext() *host.TxContext   { return &g.tx }
func (g *gethHost) BlockHash(n uint64) host.Hash { return host.Hash{} }

func (g *gethHost) Call(msg *host.Message) host.Result {
	return host.Result{Status: host.StatusFailure, Err: errNoCalls}
}
