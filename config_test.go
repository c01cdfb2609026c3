package hybridvm

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"math/big"
	"slices"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/hybridvm/hybridvm/guest"
	"github.com/hybridvm/hybridvm/host"
	"github.com/hybridvm/hybridvm/internal/rvasm"
	"github.com/hybridvm/hybridvm/machine"
	"github.com/hybridvm/hybridvm/state"
)

// ancestorHash is the test chain's block hash: keccak256 of the number.
func ancestorHash(n uint64) Hash {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], n)
	return crypto.Keccak256Hash(b[:])
}

// blockHashRISCV is a RISC-V contract returning BLOCKHASH (syscall 0x40) of the
// little-endian u64 in its calldata, as the four little-endian limbs of the U256.
func blockHashRISCV() []byte {
	p := rvasm.New(guest.StackTop)
	p.LI(rvasm.T1, guest.ContractBase+8) // calldata
	p.LD(rvasm.A0, rvasm.T1, 0)
	p.LI(rvasm.T0, 0x40)
	p.ECALL()
	p.LI(rvasm.T1, guest.StackTop-0x1000)
	p.SD(rvasm.A0, rvasm.T1, 0)
	p.SD(rvasm.A1, rvasm.T1, 8)
	p.SD(rvasm.A2, rvasm.T1, 16)
	p.SD(rvasm.A3, rvasm.T1, 24)
	p.LI(rvasm.A0, guest.StackTop-0x1000)
	p.LI(rvasm.A1, 32)
	p.LI(rvasm.T0, 0xF3) // RETURN
	p.ECALL()
	elf := rvasm.ELF(guest.StackTop, rvasm.Segment{Vaddr: guest.StackTop, Data: p.MustFinish(), Flags: 5})
	return append([]byte{guest.CodePrefix}, elf...)
}

// TestBlockHashThroughAPI: Config.BlockHash answers BLOCKHASH for EVM code and for the
// RISC-V syscall, for the 256 blocks before Config.Block.Number and no others.
func TestBlockHashThroughAPI(t *testing.T) {
	// PUSH1 0 CALLDATALOAD BLOCKHASH PUSH1 0 MSTORE PUSH1 32 PUSH1 0 RETURN
	evmCode := common.FromHex("0x6000354060005260206000f3")
	rvCode := blockHashRISCV()
	const number = 1000
	cases := []struct {
		n    uint64
		want Hash
	}{
		{999, ancestorHash(999)},
		{number - 256, ancestorHash(number - 256)},
		{number - 257, Hash{}},
		{number, Hash{}},
		{number + 1, Hash{}},
	}
	for _, e := range testEngines() {
		rt, err := NewRuntime(context.Background(), Config{
			Engine: e, Block: host.TxContext{Number: number}, BlockHash: ancestorHash,
		})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cases {
			res, err := rt.ExecuteCode(context.Background(), ExecMsg{From: alice, As: carol, Code: evmCode, Input: common.BigToHash(new(big.Int).SetUint64(c.n)).Bytes(), Gas: 100_000})
			if err != nil || res.Status != StatusSuccess || Hash(res.Output) != c.want {
				t.Errorf("%v: EVM BLOCKHASH(%d) = %x (%v %v), want %x", e, c.n, res.Output, err, res, c.want)
			}
			var in [8]byte
			binary.LittleEndian.PutUint64(in[:], c.n)
			res, err = rt.ExecuteCode(context.Background(), ExecMsg{From: alice, As: carol, Code: rvCode, Input: in[:], Gas: 100_000})
			if err != nil || res.Status != StatusSuccess {
				t.Fatalf("%v: RISC-V BLOCKHASH(%d): %v %+v", e, c.n, err, res)
			}
			got := slices.Clone(res.Output)
			slices.Reverse(got) // limbs least significant first: the hash's bytes reversed
			if !bytes.Equal(got, c.want[:]) {
				t.Errorf("%v: RISC-V BLOCKHASH(%d) = %x, want %x", e, c.n, got, c.want)
			}
		}
	}
}

// TestZeroConfig: Config{} runs RISC-V code on the platform's best engine and follows
// the newest fork (Osaka: CLZ, EIP-7939, is an instruction); EngineInterp and a named
// fork are still selectable.
func TestZeroConfig(t *testing.T) {
	ctx := context.Background()
	rt, err := NewRuntime(ctx, Config{})
	if err != nil {
		t.Fatal(err)
	}
	if rt.engine != machine.DefaultEngine() || rt.fork != host.Osaka {
		t.Errorf("Config{}: engine %v, fork %v; want %v, %v", rt.engine, rt.fork, machine.DefaultEngine(), host.LatestFork)
	}
	clz := common.FromHex("0x60011e60005260206000f3") // PUSH1 1 CLZ PUSH1 0 MSTORE PUSH1 32 PUSH1 0 RETURN
	res, err := rt.ExecuteCode(ctx, ExecMsg{From: alice, As: carol, Code: clz, Gas: 100_000})
	if err != nil || res.Status != StatusSuccess || common.BytesToHash(res.Output).Big().Uint64() != 255 {
		t.Errorf("CLZ under Config{}: %v %+v", err, res)
	}

	rt, err = NewRuntime(ctx, Config{Engine: EngineInterp, Fork: ForkCancun})
	if err != nil {
		t.Fatal(err)
	}
	if rt.engine != machine.EngineInterp || rt.fork != host.Cancun {
		t.Errorf("explicit interp, Cancun: engine %v, fork %v", rt.engine, rt.fork)
	}
	if res, err := rt.ExecuteCode(ctx, ExecMsg{From: alice, As: carol, Code: clz, Gas: 100_000}); err != nil || res.Status != StatusFailure {
		t.Errorf("CLZ under Cancun: %v %+v, want a failure", err, res)
	}
	if _, err := NewRuntime(ctx, Config{Engine: EngineTiered + 1}); err == nil {
		t.Error("an unknown engine was accepted")
	}
	if _, err := NewRuntime(ctx, Config{Fork: ForkOsaka + 1}); err == nil {
		t.Error("an unknown fork was accepted")
	}
	if DefaultEngine() == EngineDefault || EngineDefault != Engine(0) || ForkLatest != Fork(0) {
		t.Error("the zero values are not the defaults")
	}
}

// TestEngineAndForkNames: the root package's names map onto machine's and host's.
func TestEngineAndForkNames(t *testing.T) {
	for _, name := range []string{"interp", "jit", "aot", "default"} {
		e, err := ParseEngine(name)
		if err != nil || e.String() != name {
			t.Errorf("ParseEngine(%q) = %v, %v", name, e, err)
		}
		m, err := e.machineEngine()
		if err != nil || name != "default" && m.String() != name {
			t.Errorf("%v: machine engine %v, %v", e, m, err)
		}
	}
	for _, f := range []host.Fork{host.Paris, host.Shanghai, host.Cancun, host.Prague, host.Osaka} {
		hf, err := ParseFork(f.String())
		if err != nil || hf.Host() != f || hf != ForkOf(f) || hf.String() != f.String() {
			t.Errorf("fork %v: %v %v", f, hf, err)
		}
	}
	if ForkParis.Host() != host.Paris || ForkShanghai.Host() != host.Shanghai ||
		ForkCancun.Host() != host.Cancun || ForkPrague.Host() != host.Prague || ForkOsaka.Host() != host.Osaka || ForkLatest.Host() != host.LatestFork {
		t.Error("fork constants out of step with host's")
	}
	if _, err := ParseEngine("fast"); err == nil {
		t.Error("ParseEngine accepted an unknown name")
	}
}

// noTxState is a host.StateDB that cannot delimit transactions (the embedding hides
// state.State's BeginTx, FinaliseTx and DiscardTx).
type noTxState struct{ host.StateDB }

// TestReadOnlyNeedsTxState: ReadOnly on a state that cannot discard a transaction's
// changes fails before running instead of silently committing them.
func TestReadOnlyNeedsTxState(t *testing.T) {
	ctx := context.Background()
	st := state.New()
	rt, err := NewRuntime(ctx, Config{State: noTxState{st}})
	if err != nil {
		t.Fatal(err)
	}
	sstore := common.FromHex("0x602a600055") // SSTORE(0, 42)
	st.SetCode(carol, sstore)
	slot := common.Hash{}
	if _, err := rt.ExecuteCode(ctx, ExecMsg{From: alice, As: carol, Code: sstore, Gas: 100_000, ReadOnly: true}); !errors.Is(err, ErrReadOnlyUnsupported) {
		t.Errorf("ExecuteCode ReadOnly: err = %v, want ErrReadOnlyUnsupported", err)
	}
	if _, err := rt.Call(ctx, CallMsg{From: alice, To: carol, Gas: 100_000, ReadOnly: true}); !errors.Is(err, ErrReadOnlyUnsupported) {
		t.Errorf("Call ReadOnly: err = %v, want ErrReadOnlyUnsupported", err)
	}
	if v := st.GetState(carol, slot); v != (common.Hash{}) {
		t.Errorf("a read-only call wrote slot 0 = %x", v)
	}
	// Without ReadOnly the same state commits.
	if res, err := rt.Call(ctx, CallMsg{From: alice, To: carol, Gas: 100_000}); err != nil || res.Status != StatusSuccess {
		t.Fatalf("call: %v %+v", err, res)
	}
	if v := st.GetState(carol, slot); v != common.BigToHash(big.NewInt(42)) {
		t.Errorf("slot 0 = %x after a committed call", v)
	}
}
