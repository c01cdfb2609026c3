package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/hybridvm/hybridvm/chaingen"
)

func init() {
	register(command{
		name:    "chaingen",
		summary: "generate a reproducible workload chain (genesis.json + chain.rlp)",
		run:     runChaingen,
	})
}

var chaingenUsage = `usage: hybridvm chaingen --workload NAME [--blocks N] [--seed S] [--fork NAME] [--accounts N] [--block-gas N] -o DIR

Generates a chain of blocks of about 30M gas each (--block-gas) and writes
DIR/genesis.json (go-ethereum's genesis format) and DIR/chain.rlp (its export format).
The EVM workloads are built and sealed by go-ethereum's core.GenerateChain; the hybrid
one, which go-ethereum cannot run, by hybridvm (chain.Processor) with the same header
layout. Transactions are signed by --accounts keys derived from --seed; the same flags
give the same chain. Workloads: ` + strings.Join(chaingen.Workloads(), ", ") + `.

  transfers  ETH transfers among the senders and to new accounts
  erc20      Solidity ERC20 transfers
  amm        swaps on a constant-product pool of two ERC20s
  nft        mints of a collectible
  deploy     contract creations
  storage    storage-heavy writes (10 new slots a transaction)
  mixed      a random blend of the above
  hybrid     the RISC-V ERC20 (examples/erc20) called directly, from EVM and through the
             RISC-V relay (testdata/hybrid); RISC-V -> EVM and EVM -> RISC-V -> EVM calls

Exit status: 0 written, 2 bad usage or a failure to write.

flags:
`

func runChaingen(args []string, stdout, stderr io.Writer) int {
	fset := newFlagSet("chaingen", stderr)
	var opts chaingen.Options
	fset.StringVar(&opts.Workload, "workload", "", "workload: "+strings.Join(chaingen.Workloads(), ", "))
	fset.IntVar(&opts.Blocks, "blocks", 200, "number of blocks")
	fset.Int64Var(&opts.Seed, "seed", 1, "seed for keys and transactions")
	fset.StringVar(&opts.Fork, "fork", "Cancun", "fork: Paris (transfers only), Shanghai, Cancun, Prague or Osaka")
	fset.IntVar(&opts.Accounts, "accounts", chaingen.DefaultAccounts, "number of sending accounts")
	fset.Uint64Var(&opts.BlockGas, "block-gas", chaingen.TargetGas, "gas each block uses, about (the gas limit is twice that)")
	out := fset.String("o", "", "output directory")
	rest, status, ok := parseCommandLine(fset, args, chaingenUsage, stdout, stderr)
	if !ok {
		return status
	}
	if len(rest) > 0 {
		return usageError(stderr, "chaingen", "unexpected argument %q", rest[0])
	}
	if *out == "" {
		return usageError(stderr, "chaingen", "no output directory (-o DIR)")
	}
	if opts.Workload == "" {
		return usageError(stderr, "chaingen", "no --workload")
	}
	c, err := chaingen.Generate(opts)
	if err != nil {
		fmt.Fprintln(stderr, "hybridvm chaingen:", err)
		return 2
	}
	if err := c.Write(*out); err != nil {
		fmt.Fprintln(stderr, "hybridvm chaingen:", err)
		return 2
	}
	var gas, txs uint64
	for _, b := range c.Blocks {
		gas += b.GasUsed()
		txs += uint64(len(b.Transactions()))
	}
	fmt.Fprintf(stdout, "%d blocks, %d transactions, %d gas: %s/genesis.json, %s/chain.rlp\n", len(c.Blocks), txs, gas, *out, *out)
	return 0
}
