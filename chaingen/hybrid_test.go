package chaingen

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/hybridvm/hybridvm/chain"
	"github.com/hybridvm/hybridvm/evm"
	"github.com/hybridvm/hybridvm/host"
	"github.com/hybridvm/hybridvm/machine"
	"github.com/hybridvm/hybridvm/replay"
	"github.com/hybridvm/hybridvm/riscvengine"
	"github.com/hybridvm/hybridvm/runtime"
	"github.com/hybridvm/hybridvm/state"
)

var allEngines = []machine.Engine{machine.EngineInterp, machine.EngineJIT, machine.EngineAOT, machine.EngineTiered}

// TestHybridWorkload: the hybrid chain (sealed by hybridvm) replays with `replay` on
// every RISC-V engine, each block validated against its header, to the same root;
// chain.Chain on each engine gives the same receipts; every transaction succeeds, and
// the calls cross the VMs: the RISC-V token logs Transfer under EVM callers, the EVM
// Bridge logs Noted with the RISC-V relay as its caller, and the relay's own token
// balance, which only the RISC-V token writes, goes down.
func TestHybridWorkload(t *testing.T) {
	for _, fork := range []string{"Cancun", "Prague", "Osaka"} { // Generate refuses earlier forks
		t.Run(fork, func(t *testing.T) {
			opts := Options{Workload: "hybrid", Blocks: 3, Seed: 3, Fork: fork, Accounts: 60, BlockGas: 5_000_000}
			c, err := Generate(opts)
			if err != nil {
				t.Fatal(err)
			}
			for _, b := range c.Blocks {
				if b.GasUsed() < opts.BlockGas*9/10 || b.GasUsed() > opts.BlockGas {
					t.Errorf("block %d used %d gas, want about %d", b.NumberU64(), b.GasUsed(), opts.BlockGas)
				}
			}
			again, err := Generate(opts)
			if err != nil {
				t.Fatal(err)
			}
			if again.Blocks[2].Hash() != c.Blocks[2].Hash() {
				t.Error("the same options gave another chain")
			}
			gj, err := json.Marshal(c.Genesis)
			if err != nil {
				t.Fatal(err)
			}
			var first []types.Receipts
			for _, e := range allEngines {
				g, st, err := replay.Genesis(gj)
				if err != nil {
					t.Fatal(err)
				}
				r, err := replay.New(g, st, replay.Options{Engine: e})
				if err != nil {
					t.Fatal(err)
				}
				for _, b := range c.Blocks {
					if err := r.Import(context.Background(), b); err != nil {
						t.Fatalf("%v: replay: %v", e, err)
					}
				}
				if root := r.Stats().Root; root != c.Blocks[2].Root() {
					t.Errorf("%v: replay ends at root %x, want %x", e, root, c.Blocks[2].Root())
				}
				got := chainReceipts(t, c, e)
				if first == nil {
					first = got
					checkCrossings(t, c, got)
					continue
				}
				for i := range got {
					if !sameReceipts(got[i], first[i]) {
						t.Errorf("%v: block %d: receipts differ from %v's", e, i+1, allEngines[0])
					}
				}
			}
		})
	}
}

// chainReceipts imports c into a chain.Chain whose RISC-V engine is e and returns the
// receipts; it also checks the relay's token balance went down.
func chainReceipts(t *testing.T, c *Chain, e machine.Engine) []types.Receipts {
	t.Helper()
	alloc, err := json.Marshal(c.Genesis.Alloc)
	if err != nil {
		t.Fatal(err)
	}
	st, err := state.ParseAlloc(alloc)
	if err != nil {
		t.Fatal(err)
	}
	proc, err := chain.NewProcessor(chain.Config{Chain: c.Genesis.Config, Runtime: func(f host.Fork) (runtime.Config, error) {
		ev, err := evm.New(evm.Config{Fork: f})
		return runtime.Config{EVM: ev, RISCV: riscvengine.New(riscvengine.Config{Engine: e, Fork: f})}, err
	}})
	if err != nil {
		t.Fatal(err)
	}
	ch, err := chain.NewChain(proc, c.Genesis.ToBlock().Header(), st)
	if err != nil {
		t.Fatal(err)
	}
	var out []types.Receipts
	for _, b := range c.Blocks {
		res, err := ch.Insert(b)
		if err != nil {
			t.Fatalf("%v: %v", e, err)
		}
		out = append(out, res.Receipts)
	}
	relayBalance := crypto.Keccak256Hash(addrKey(relayAddr).Bytes(), num(0).Bytes())
	before := st.GetState(hybridTokenAddr, relayBalance)
	after := ch.State(ch.Head().Hash()).GetState(hybridTokenAddr, relayBalance)
	if before != common.BigToHash(big10(30)) || bytes.Compare(after[:], before[:]) >= 0 {
		t.Errorf("%v: the relay's token balance went from %x to %x: want it lower", e, before, after)
	}
	return out
}

// checkCrossings checks that every transaction succeeded and that each kind of
// crossing happened: counted by the transaction's target and the logs it left.
func checkCrossings(t *testing.T, c *Chain, receipts []types.Receipts) {
	t.Helper()
	transferTopic := crypto.Keccak256Hash([]byte("Transfer(address,address,uint256)"))
	notedTopic := crypto.Keccak256Hash([]byte("Noted(address,address,uint256)"))
	kinds := map[string]int{}
	for bi, b := range c.Blocks {
		for i, tx := range b.Transactions() {
			r := receipts[bi][i]
			if r.Status != types.ReceiptStatusSuccessful {
				t.Fatalf("block %d transaction %d failed", bi+1, i)
			}
			for _, l := range r.Logs {
				switch {
				case l.Address == hybridTokenAddr && l.Topics[0] == transferTopic:
					switch *tx.To() {
					case hybridTokenAddr:
						kinds["RISC-V"]++
					case bridgeAddr:
						kinds["EVM -> RISC-V"]++
					case relayAddr:
						kinds["RISC-V -> EVM -> RISC-V"]++
					}
				case l.Address == bridgeAddr && l.Topics[0] == notedTopic && l.Topics[1] == addrKey(relayAddr):
					switch *tx.To() {
					case relayAddr:
						kinds["RISC-V -> EVM"]++
					case bridgeAddr:
						kinds["EVM -> RISC-V -> EVM"]++
					}
				}
			}
		}
	}
	for _, k := range []string{"RISC-V", "EVM -> RISC-V", "RISC-V -> EVM", "EVM -> RISC-V -> EVM", "RISC-V -> EVM -> RISC-V"} {
		if kinds[k] == 0 {
			t.Errorf("no %s call in the chain (%v)", k, kinds)
		}
	}
	t.Logf("calls: %v", kinds)
}

func sameReceipts(a, b types.Receipts) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		x, y := a[i], b[i]
		if x.Status != y.Status || x.CumulativeGasUsed != y.CumulativeGasUsed || x.GasUsed != y.GasUsed || x.Bloom != y.Bloom || len(x.Logs) != len(y.Logs) {
			return false
		}
		for j := range x.Logs {
			if x.Logs[j].Address != y.Logs[j].Address || !reflect.DeepEqual(x.Logs[j].Topics, y.Logs[j].Topics) || !bytes.Equal(x.Logs[j].Data, y.Logs[j].Data) {
				return false
			}
		}
	}
	return true
}

// TestRISCVCopies: the embedded ELFs are the repository's built contracts, byte for
// byte (rebuild those, then copy them into riscv/).
func TestRISCVCopies(t *testing.T) {
	for name, src := range map[string]string{
		"erc20": filepath.Join("..", "examples", "erc20", "erc20.runtime.elf"),
		"relay": filepath.Join("..", "testdata", "hybrid", "relay.runtime.elf"),
	} {
		want, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		got, err := riscvCode(name)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got[1:], want) || got[0] != 0xFF {
			t.Errorf("riscv/%s.runtime.elf is not %s: copy it again", name, src)
		}
	}
}
