package chaingen

import (
	"bufio"
	"compress/gzip"
	"crypto/ecdsa"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/consensus/beacon"
	"github.com/ethereum/go-ethereum/consensus/ethash"
	"github.com/ethereum/go-ethereum/core"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/params"
	"github.com/ethereum/go-ethereum/rlp"
)

// Options say what to generate.
type Options struct {
	Workload string // one of Workloads()
	Blocks   int
	Seed     int64
	Fork     string // Paris, Shanghai, Cancun, Prague or Osaka ("" is Cancun); Paris: transfers only
	// Accounts is the number of senders (0: DefaultAccounts).
	Accounts int
	// BlockGas is the gas each block's transactions use, about (0: TargetGas); the
	// gas limit is twice that. Tests use small blocks.
	BlockGas uint64
}

// DefaultAccounts is how many senders a chain has by default.
const DefaultAccounts = 1000

// Chain is a generated chain: its genesis and its blocks.
type Chain struct {
	Genesis *core.Genesis
	Blocks  []*types.Block
}

// Workloads lists the workload names: what each block's transactions do.
func Workloads() []string {
	return append([]string(nil), workloadOrder...)
}

// Generate builds the chain opts describes. The same options give the same chain.
func Generate(opts Options) (*Chain, error) {
	gen, ok := workloads[opts.Workload]
	if !ok {
		return nil, fmt.Errorf("chaingen: unknown workload %q (want one of %s)", opts.Workload, strings.Join(Workloads(), ", "))
	}
	if opts.Blocks < 1 || opts.Blocks > 100_000 {
		return nil, fmt.Errorf("chaingen: %d blocks: want 1 to 100000", opts.Blocks)
	}
	if opts.Fork == "" {
		opts.Fork = "Cancun"
	}
	if opts.Accounts == 0 {
		opts.Accounts = DefaultAccounts
	}
	if opts.Accounts < 2 || opts.Accounts > 100_000 {
		return nil, fmt.Errorf("chaingen: %d accounts: want 2 to 100000", opts.Accounts)
	}
	if opts.BlockGas == 0 {
		opts.BlockGas = TargetGas
	}
	if opts.BlockGas < 1_000_000 || opts.BlockGas > 100_000_000 {
		return nil, fmt.Errorf("chaingen: %d gas a block: want 1M to 100M", opts.BlockGas)
	}
	cfg, err := chainConfig(opts.Fork)
	if err != nil {
		return nil, err
	}
	if opts.Fork == "Paris" && opts.Workload != "transfers" {
		// The contracts are compiled for Cancun (chaingen/sol): they use PUSH0,
		// which Paris does not have.
		return nil, fmt.Errorf("chaingen: the %s workload's contracts need Shanghai (PUSH0); Paris runs only transfers", opts.Workload)
	}
	if opts.Workload == "hybrid" && (opts.Fork == "Paris" || opts.Fork == "Shanghai") {
		// Its Solidity bridge is compiled for Cancun (solc's default EVM version).
		return nil, fmt.Errorf("chaingen: the hybrid workload needs Cancun or later")
	}
	ks, err := keys(opts.Seed, opts.Accounts)
	if err != nil {
		return nil, err
	}
	senders := make([]common.Address, len(ks))
	for i, k := range ks {
		senders[i] = crypto.PubkeyToAddress(k.PublicKey)
	}
	g, err := genesis(cfg, senders, 2*opts.BlockGas)
	if err != nil {
		return nil, err
	}
	w := &world{keys: ks, senders: senders, rng: rand.New(rand.NewPCG(uint64(opts.Seed), 0x9e3779b97f4a7c15)), target: opts.BlockGas}
	if err := w.load(); err != nil {
		return nil, err
	}
	if opts.Workload == "hybrid" { // RISC-V contracts: sealed by hybridvm (seal.go)
		if err := addHybrid(g.Alloc, senders); err != nil {
			return nil, err
		}
		if w.hybrid, err = loadHybrid(); err != nil {
			return nil, err
		}
		blocks, err := w.sealChain(g, opts.Blocks, gen)
		if err != nil {
			return nil, err
		}
		return &Chain{Genesis: g, Blocks: blocks}, nil
	}
	var genErr error
	_, blocks, _ := core.GenerateChainWithGenesis(g, beacon.New(ethash.NewFaker()), opts.Blocks, func(i int, b *core.BlockGen) {
		if genErr != nil {
			return
		}
		defer func() {
			if r := recover(); r != nil { // BlockGen.AddTx panics on a transaction it cannot apply
				genErr = fmt.Errorf("chaingen: block %d: %v", i+1, r)
			}
		}()
		w.fill(b, gen)
	})
	if genErr != nil {
		return nil, genErr
	}
	return &Chain{Genesis: g, Blocks: blocks}, nil
}

// world is the generator's view: senders, their keys, the contracts, a seeded source
// of randomness.
type world struct {
	keys    []*ecdsa.PrivateKey
	senders []common.Address
	rng     *rand.Rand
	next    int // the next sender, round robin
	token   *contract
	pool    *contract
	nft     *contract
	ledger  *contract
	counter *contract
	target  uint64 // gas a block
	// The hybrid workload's: its contracts and the senders' next nonces (it keeps
	// them itself: no go-ethereum BlockGen).
	hybrid *hybridWorld
	nonces []uint64
}

func (w *world) load() (err error) {
	for _, c := range []struct {
		name string
		dst  **contract
	}{{"Token", &w.token}, {"Pool", &w.pool}, {"Collectible", &w.nft}, {"Ledger", &w.ledger}, {"Counter", &w.counter}} {
		if *c.dst, err = loadContract(c.name); err != nil {
			return err
		}
	}
	return nil
}

// call is one transaction a workload wants: to (nil: a create), value, data and a gas
// limit that covers it.
type call struct {
	to    *common.Address
	value *big.Int
	data  []byte
	gas   uint64
}

// fill adds transactions from gen until the block holds about w.target gas.
func (w *world) fill(b *core.BlockGen, gen func(*world) call) {
	tip := big.NewInt(params.GWei)
	feeCap := new(big.Int).Add(new(big.Int).Mul(b.BaseFee(), big.NewInt(2)), tip)
	for {
		c := gen(w)
		used := 2*w.target - b.Gas()
		if used+c.gas > w.target {
			return
		}
		i := w.next
		w.next = (w.next + 1) % len(w.senders)
		tx := types.MustSignNewTx(w.keys[i], b.Signer(), &types.DynamicFeeTx{
			ChainID:   b.Signer().ChainID(),
			Nonce:     b.TxNonce(w.senders[i]),
			GasTipCap: tip,
			GasFeeCap: feeCap,
			Gas:       c.gas,
			To:        c.to,
			Value:     c.value,
			Data:      c.data,
		})
		b.AddTx(tx)
	}
}

// recipient is another sender half the time, a new address otherwise.
func (w *world) recipient() common.Address {
	if w.rng.IntN(2) == 0 {
		return w.senders[w.rng.IntN(len(w.senders))]
	}
	var a common.Address
	for i := range a {
		a[i] = byte(w.rng.UintN(256))
	}
	return a
}

func addr(a common.Address) *common.Address { return &a }

// The workloads.
var workloads = map[string]func(*world) call{
	"transfers": func(w *world) call {
		return call{to: addr(w.recipient()), value: big.NewInt(int64(1 + w.rng.IntN(1_000_000))), gas: params.TxGas}
	},
	"erc20": func(w *world) call {
		return call{to: addr(token0Addr), value: new(big.Int), data: w.token.pack("transfer", w.recipient(), big.NewInt(int64(1+w.rng.IntN(1000)))), gas: 70_000}
	},
	"amm": func(w *world) call {
		return call{to: addr(poolAddr), value: new(big.Int), data: w.pool.pack("swap", w.rng.IntN(2) == 0, big10(15+int64(w.rng.IntN(3))), new(big.Int)), gas: 150_000}
	},
	"nft": func(w *world) call {
		return call{to: addr(nftAddr), value: new(big.Int), data: w.nft.pack("mint"), gas: 120_000}
	},
	"deploy": func(w *world) call {
		return call{value: new(big.Int), data: w.counter.Initcode, gas: 200_000}
	},
	// hot: every transaction bumps the same counter, so each depends on the one
	// before it (the worst case for parallel execution).
	"hot": func(w *world) call {
		return call{to: addr(hotAddr), value: new(big.Int), data: w.counter.pack("bump"), gas: 60_000}
	},
	"storage": func(w *world) call {
		return call{to: addr(ledgerAddr), value: new(big.Int), data: w.ledger.pack("write", big.NewInt(10), big.NewInt(int64(w.rng.Uint32()))), gas: 320_000}
	},
}

// workloadOrder lists the workloads for help texts: the EVM ones (mixed, then
// hot, the fully dependent one, last of them), then hybrid (RISC-V contracts,
// which go-ethereum cannot run).
var workloadOrder = []string{"transfers", "erc20", "amm", "nft", "deploy", "storage", "mixed", "hot", "hybrid"}

func init() {
	simple := []string{"transfers", "erc20", "amm", "nft", "deploy", "storage"}
	workloads["mixed"] = func(w *world) call { return workloads[simple[w.rng.IntN(len(simple))]](w) }
	workloads["hybrid"] = hybridCall
}

// Write writes the chain into dir as genesis.json (go-ethereum's genesis format) and
// chain.rlp (its export format: the blocks' RLP, one after another), through temporary
// files renamed into place, so an interrupted run leaves no half-written file.
func (c *Chain) Write(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	g, err := json.MarshalIndent(c.Genesis, "", "  ")
	if err != nil {
		return fmt.Errorf("chaingen: genesis: %w", err)
	}
	if err := writeAtomic(filepath.Join(dir, "genesis.json"), func(w io.Writer) error { _, err := w.Write(g); return err }); err != nil {
		return err
	}
	return writeAtomic(filepath.Join(dir, "chain.rlp"), func(w io.Writer) error { return ExportBlocks(w, c.Blocks) })
}

// ExportBlocks writes blocks in go-ethereum's export format.
func ExportBlocks(w io.Writer, blocks []*types.Block) error {
	for _, b := range blocks {
		if err := rlp.Encode(w, b); err != nil {
			return fmt.Errorf("chaingen: block %d: %w", b.NumberU64(), err)
		}
	}
	return nil
}

// ReadBlocks reads blocks in go-ethereum's export format (gzip-compressed when the
// stream starts with gzip's magic), naming the block at which the stream goes bad.
func ReadBlocks(r io.Reader) ([]*types.Block, error) {
	br := bufio.NewReader(r)
	if magic, err := br.Peek(2); err == nil && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("chaingen: gzip: %w", err)
		}
		defer zr.Close()
		br = bufio.NewReader(zr)
	}
	s := rlp.NewStream(br, 0)
	var blocks []*types.Block
	for {
		var b types.Block
		if err := s.Decode(&b); err != nil {
			if errors.Is(err, io.EOF) {
				return blocks, nil
			}
			return nil, fmt.Errorf("chaingen: block %d of the file (after number %d): %w", len(blocks)+1, lastNumber(blocks), err)
		}
		blocks = append(blocks, &b)
	}
}

func lastNumber(blocks []*types.Block) uint64 {
	if len(blocks) == 0 {
		return 0
	}
	return blocks[len(blocks)-1].NumberU64()
}

func writeAtomic(path string, write func(io.Writer) error) (err error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	bw := bufio.NewWriter(f)
	if err = write(bw); err != nil {
		return err
	}
	if err = bw.Flush(); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}
