package chaingen

import (
	"embed"
	"fmt"
	"math/big"
	"strings"

	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
)

// The hybrid workload's RISC-V contracts, as deployed code is 0xFF ‖ ELF (docs/abi.md):
// riscv/erc20.runtime.elf is examples/erc20's token, riscv/relay.runtime.elf
// testdata/hybrid's relay (relay.c), both copied byte for byte (a test checks the
// copies against their sources).
//
//go:embed riscv/*.elf
var riscvFiles embed.FS

// The hybrid workload's contracts in the genesis.
var (
	hybridTokenAddr = common.HexToAddress("0x00000000000000000000000000000000000c0050") // RISC-V ERC20
	relayAddr       = common.HexToAddress("0x00000000000000000000000000000000000c0051") // RISC-V relay
	bridgeAddr      = common.HexToAddress("0x00000000000000000000000000000000000c0052") // EVM Bridge (sol/Hybrid.sol)
)

// relayABI is the part of relay.c's interface the workload calls.
const relayABI = `[{"type":"function","name":"callOut","stateMutability":"nonpayable",
 "inputs":[{"name":"target","type":"address"},{"name":"data","type":"bytes"}],
 "outputs":[{"name":"","type":"bytes"}]}]`

// hybridWorld is what the hybrid workload adds to the world: the Bridge's and the
// relay's interfaces (the RISC-V token has the Solidity Token's).
type hybridWorld struct {
	bridge *contract
	relay  abi.ABI
}

func loadHybrid() (*hybridWorld, error) {
	bridge, err := loadContract("Bridge")
	if err != nil {
		return nil, err
	}
	relay, err := abi.JSON(strings.NewReader(relayABI))
	if err != nil {
		return nil, fmt.Errorf("chaingen: relay ABI: %w", err)
	}
	return &hybridWorld{bridge: bridge, relay: relay}, nil
}

func riscvCode(name string) ([]byte, error) {
	elf, err := riscvFiles.ReadFile("riscv/" + name + ".runtime.elf")
	if err != nil {
		return nil, fmt.Errorf("chaingen: %s: %w", name, err)
	}
	return append([]byte{0xFF}, elf...), nil
}

// addHybrid deploys the hybrid workload's contracts into alloc: the RISC-V ERC20
// (examples/erc20, Solidity's storage layout: balances at slot 0, allowances at slot
// 1, supply at 2, owner at 3) where every sender and the relay hold 10^30 and let the
// Bridge spend it all; the RISC-V relay; the EVM Bridge.
func addHybrid(alloc types.GenesisAlloc, senders []common.Address) error {
	token, err := riscvCode("erc20")
	if err != nil {
		return err
	}
	relay, err := riscvCode("relay")
	if err != nil {
		return err
	}
	bridge, err := loadContract("Bridge")
	if err != nil {
		return err
	}
	st := map[common.Hash]common.Hash{}
	bal := common.BigToHash(big10(30))
	holders := append(append([]common.Address(nil), senders...), relayAddr)
	for _, s := range holders {
		st[slot(addrKey(s), num(0))] = bal
		st[slot(addrKey(bridgeAddr), slot(addrKey(s), num(1)))] = common.MaxHash
	}
	st[num(2)] = common.BigToHash(new(big.Int).Mul(big10(30), big.NewInt(int64(len(holders)))))
	st[num(3)] = addrKey(bridgeAddr)
	alloc[hybridTokenAddr] = types.Account{Code: token, Storage: st, Balance: new(big.Int)}
	alloc[relayAddr] = types.Account{Code: relay, Balance: new(big.Int)}
	// The Bridge's count (slot 1) and the relay's note start non-zero, so that no note
	// pays for a new slot and the gas limits hold from the first block.
	alloc[bridgeAddr] = types.Account{Code: bridge.Runtime, Balance: new(big.Int), Storage: map[common.Hash]common.Hash{
		num(1): num(1), slot(addrKey(relayAddr), num(0)): num(1),
	}}
	return nil
}

// hybridCall is one transaction of the hybrid workload, one of five kinds in turn:
//
//   - the RISC-V token's transfer, called directly;
//   - Bridge.pay: EVM → RISC-V (the token's transferFrom);
//   - relay.callOut(Bridge, note): RISC-V → EVM (Bridge logs Noted with the relay as
//     the caller);
//   - Bridge.relayNote: EVM → RISC-V → EVM;
//   - relay.callOut(Bridge, pay): RISC-V → EVM → RISC-V, paying from the relay's tokens.
//
// The gas limits cover each kind with a margin (measured: at most 61k, 71k, 43k, 44k and
// 80k gas; RISC-V gas is deterministic, docs/abi.md).
func hybridCall(w *world) call {
	h := w.hybrid
	amount := big.NewInt(int64(1 + w.rng.IntN(1000)))
	v := new(big.Int).SetUint64(w.rng.Uint64() | 1) // never zero: a note always rewrites a non-zero slot
	zero := new(big.Int)
	switch w.rng.IntN(5) {
	case 0:
		return call{to: addr(hybridTokenAddr), value: zero, data: w.token.pack("transfer", w.recipient(), amount), gas: 80_000}
	case 1:
		return call{to: addr(bridgeAddr), value: zero, data: h.bridge.pack("pay", hybridTokenAddr, w.recipient(), amount), gas: 90_000}
	case 2:
		return call{to: addr(relayAddr), value: zero, data: h.callOut(bridgeAddr, h.bridge.pack("note", v)), gas: 60_000}
	case 3:
		return call{to: addr(bridgeAddr), value: zero, data: h.bridge.pack("relayNote", relayAddr, v), gas: 60_000}
	default:
		return call{to: addr(relayAddr), value: zero, data: h.callOut(bridgeAddr, h.bridge.pack("pay", hybridTokenAddr, w.recipient(), amount)), gas: 100_000}
	}
}

func (h *hybridWorld) callOut(target common.Address, data []byte) []byte {
	b, err := h.relay.Pack("callOut", target, data)
	if err != nil {
		panic(fmt.Sprintf("BUG: chaingen: packing callOut: %v", err))
	}
	return b
}
