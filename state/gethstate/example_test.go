package gethstate_test

import (
	"context"
	"fmt"
	"os"

	"github.com/ethereum/go-ethereum/common"
	gethcore "github.com/ethereum/go-ethereum/core/state"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/hybridvm/hybridvm"
	"github.com/hybridvm/hybridvm/host"
	"github.com/hybridvm/hybridvm/state/gethstate"
)

// A go-ethereum state runs a RISC-V contract through hybridvm: the contract's code and
// storage end up in geth's state, and geth computes the state root.
func Example() {
	sdb, err := gethcore.New(types.EmptyRootHash, gethcore.NewDatabaseForTesting())
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	rt, err := hybridvm.NewRuntime(ctx, hybridvm.Config{
		Fork:  hybridvm.ForkOsaka,
		State: gethstate.New(sdb, gethstate.RulesFor(host.Osaka)),
	})
	if err != nil {
		panic(err)
	}
	defer rt.Close(ctx)

	alice := common.HexToAddress("0xa11ce")
	initcode, err := os.ReadFile("../../examples/counter/counter.initcode")
	if err != nil {
		panic(err)
	}
	res, _ := rt.Create(ctx, hybridvm.CreateMsg{From: alice, Initcode: initcode, Gas: 5_000_000})
	counter := res.Address
	rt.Call(ctx, hybridvm.CallMsg{From: alice, To: counter, Input: crypto.Keccak256([]byte("increment()"))[:4], Gas: 100_000})

	// geth's own StateDB sees the RISC-V contract and its storage.
	fmt.Println("code starts with 0xFF:", sdb.GetCode(counter)[0] == 0xFF)
	fmt.Println("slot 0:", sdb.GetState(counter, common.Hash{}).Big())
	// Output:
	// code starts with 0xFF: true
	// slot 0: 1
}
