package gethstate

import (
	"fmt"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	gethcore "github.com/ethereum/go-ethereum/core/state"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/holiman/uint256"

	"github.com/hybridvm/hybridvm/host"
	"github.com/hybridvm/hybridvm/state"
)

// TestAdapterMatchesEmbeddedState applies the same sequence of StateDB operations to the
// embedded state and to a go-ethereum state through the adapter, and compares what each
// reads back at every step, across snapshots, reverts and transaction boundaries.
func TestAdapterMatchesEmbeddedState(t *testing.T) {
	sdb, err := gethcore.New(types.EmptyRootHash, gethcore.NewDatabaseForTesting())
	if err != nil {
		t.Fatal(err)
	}
	type txDB interface {
		host.StateDB
		BeginTx()
		FinaliseTx()
		GetRefund() uint64
	}
	dbs := []txDB{state.New(), New(sdb, RulesFor(host.Osaka))}
	a, b := common.HexToAddress("0xaa"), common.HexToAddress("0xbb")
	k := common.HexToHash("0x01")
	steps := []struct {
		name string
		do   func(db txDB)
	}{
		{"begin", func(db txDB) { db.BeginTx() }},
		{"fund a", func(db txDB) { db.CreateAccount(a); db.AddBalance(a, uint256.NewInt(100)) }},
		{"code and storage", func(db txDB) {
			db.SetNonce(a, 1)
			db.SetCode(a, []byte{1, 2})
			db.SetState(a, k, common.HexToHash("0x05"))
		}},
		{"snapshot, change, revert", func(db txDB) {
			s := db.Snapshot()
			db.SetState(a, k, common.HexToHash("0x06"))
			db.SubBalance(a, uint256.NewInt(30))
			db.AddRefund(7)
			db.RevertToSnapshot(s)
		}},
		{"transfer", func(db txDB) { db.SubBalance(a, uint256.NewInt(40)); db.AddBalance(b, uint256.NewInt(40)) }},
		{"access list", func(db txDB) { db.AddSlotToAccessList(b, k) }},
		{"transient", func(db txDB) { db.SetTransientState(a, k, common.HexToHash("0x09")) }},
		{"finalise", func(db txDB) { db.FinaliseTx() }},
		{"second tx", func(db txDB) {
			db.BeginTx()
			if p, ok := db.(interface {
				PrepareTx(sender, coinbase host.Address, dest *host.Address, precompiles []host.Address)
			}); ok {
				p.PrepareTx(a, a, nil, nil)
			}
			db.SetState(a, k, common.HexToHash("0x07"))
		}},
		{"self-destruct a created contract", func(db txDB) {
			c := common.HexToAddress("0xcc")
			db.CreateAccount(c)
			db.CreateContract(c)
			db.AddBalance(c, uint256.NewInt(9))
			db.SelfDestruct(c)
		}},
	}
	for _, s := range steps {
		var views [2]string
		for i, db := range dbs {
			s.do(db)
			_, slotWarm := db.SlotInAccessList(b, k)
			views[i] = fmt.Sprint(db.Exist(a), db.Empty(b), db.GetBalance(a), db.GetBalance(b), db.GetNonce(a),
				db.GetCode(a), db.GetCodeHash(a), db.GetState(a, k), db.GetCommittedState(a, k),
				db.GetTransientState(a, k), db.GetRefund(), slotWarm,
				db.GetBalance(common.HexToAddress("0xcc")), db.HasSelfDestructed(common.HexToAddress("0xcc")))
		}
		if views[0] != views[1] {
			t.Fatalf("after %q:\nembedded %s\ngeth     %s", s.name, views[0], views[1])
		}
	}
}
