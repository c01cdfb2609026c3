package evmbench

import (
	"github.com/ethereum/go-ethereum/core/state"
	"github.com/ethereum/go-ethereum/core/tracing"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/holiman/uint256"

	"github.com/hybridvm/hybridvm/host"
)

// gethHost is a host.Host over go-ethereum's state.StateDB, so that both engines of a
// benchmark run against the same state implementation. Nested calls are not supported (no
// benchmark program makes one); a call fails as an exceptional halt with errNoCalls, which
// the output check would report.
type gethHost struct {
	db *state.StateDB
	tx host.TxContext
}

var _ host.Host = (*gethHost)(nil)

func (g *gethHost) Exist(a host.Address) bool              { return g.db.Exist(a) }
func (g *gethHost) Empty(a host.Address) bool              { return g.db.Empty(a) }
func (g *gethHost) CreateAccount(a host.Address)           { g.db.CreateAccount(a) }
func (g *gethHost) CreateContract(a host.Address)          { g.db.CreateContract(a) }
func (g *gethHost) GetBalance(a host.Address) *uint256.Int { return g.db.GetBalance(a) }
func (g *gethHost) AddBalance(a host.Address, v *uint256.Int) {
	g.db.AddBalance(a, v, tracing.BalanceChangeUnspecified)
}
func (g *gethHost) SubBalance(a host.Address, v *uint256.Int) {
	g.db.SubBalance(a, v, tracing.BalanceChangeUnspecified)
}
func (g *gethHost) GetNonce(a host.Address) uint64 { return g.db.GetNonce(a) }
func (g *gethHost) SetNonce(a host.Address, n uint64) {
	g.db.SetNonce(a, n, tracing.NonceChangeUnspecified)
}
func (g *gethHost) GetCode(a host.Address) []byte        { return g.db.GetCode(a) }
func (g *gethHost) GetCodeHash(a host.Address) host.Hash { return g.db.GetCodeHash(a) }
func (g *gethHost) GetCodeSize(a host.Address) int       { return g.db.GetCodeSize(a) }
func (g *gethHost) SetCode(a host.Address, c []byte) {
	g.db.SetCode(a, c, tracing.CodeChangeUnspecified)
}
func (g *gethHost) GetState(a host.Address, k host.Hash) host.Hash { return g.db.GetState(a, k) }
func (g *gethHost) GetCommittedState(a host.Address, k host.Hash) host.Hash {
	return g.db.GetCommittedState(a, k)
}
func (g *gethHost) SetState(a host.Address, k, v host.Hash) { g.db.SetState(a, k, v) }
func (g *gethHost) GetTransientState(a host.Address, k host.Hash) host.Hash {
	return g.db.GetTransientState(a, k)
}
func (g *gethHost) SetTransientState(a host.Address, k, v host.Hash) {
	g.db.SetTransientState(a, k, v)
}
func (g *gethHost) SelfDestruct(a host.Address)             { g.db.SelfDestruct(a) }
func (g *gethHost) HasSelfDestructed(a host.Address) bool   { return g.db.HasSelfDestructed(a) }
func (g *gethHost) IsNewContract(a host.Address) bool       { return g.db.IsNewContract(a) }
func (g *gethHost) AddRefund(n uint64)                      { g.db.AddRefund(n) }
func (g *gethHost) SubRefund(n uint64)                      { g.db.SubRefund(n) }
func (g *gethHost) GetRefund() uint64                       { return g.db.GetRefund() }
func (g *gethHost) AddressInAccessList(a host.Address) bool { return g.db.AddressInAccessList(a) }
func (g *gethHost) SlotInAccessList(a host.Address, k host.Hash) (bool, bool) {
	return g.db.SlotInAccessList(a, k)
}
func (g *gethHost) AddAddressToAccessList(a host.Address) { g.db.AddAddressToAccessList(a) }
func (g *gethHost) AddSlotToAccessList(a host.Address, k host.Hash) {
	g.db.AddSlotToAccessList(a, k)
}
func (g *gethHost) AddLog(l *host.Log) {
	g.db.AddLog(&types.Log{Address: l.Address, Topics: l.Topics, Data: l.Data})
}
func (g *gethHost) Snapshot() int                { return g.db.Snapshot() }
func (g *gethHost) RevertToSnapshot(id int)      { g.db.RevertToSnapshot(id) }
func (g *gethHost) TxContext() *host.TxContext   { return &g.tx }
func (g *gethHost) BlockHash(n uint64) host.Hash { return host.Hash{} }

func (g *gethHost) Call(msg *host.Message) host.Result {
	return host.Result{Status: host.StatusFailure, Err: errNoCalls}
}
