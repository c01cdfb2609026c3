package chain_test

import (
	"fmt"

	"github.com/ethereum/go-ethereum/consensus/beacon"
	"github.com/ethereum/go-ethereum/consensus/ethash"
	"github.com/ethereum/go-ethereum/core"
	"github.com/ethereum/go-ethereum/core/rawdb"

	"github.com/hybridvm/hybridvm/chain"
	"github.com/hybridvm/hybridvm/chaingen"
)

// Plugging hybridvm into go-ethereum: a geth core.BlockChain whose blocks hybridvm
// executes (EVM and RISC-V contracts alike) on geth's own state, while geth validates,
// stores and commits them as usual.
func ExampleGethProcessor() {
	gen, err := chaingen.Generate(chaingen.Options{Workload: "erc20", Blocks: 2, Seed: 1, Accounts: 50})
	if err != nil {
		panic(err)
	}
	bc, err := core.NewBlockChain(rawdb.NewMemoryDatabase(), gen.Genesis, beacon.New(ethash.NewFaker()), core.DefaultConfig())
	if err != nil {
		panic(err)
	}
	defer bc.Stop()
	proc, err := chain.NewGethProcessor(bc.Config(), bc, runtimes())
	if err != nil {
		panic(err)
	}
	bc.SetBlockValidatorAndProcessorForTesting(core.NewBlockValidator(bc.Config(), bc), proc)
	if _, err := bc.InsertChain(gen.Blocks); err != nil {
		panic(err)
	}
	fmt.Println("head:", bc.CurrentBlock().Number, bc.CurrentBlock().Hash() == gen.Blocks[1].Hash())
	// Output: head: 2 true
}
