package harness

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/hybridvm/hybridvm"
	"github.com/hybridvm/hybridvm/bench/clock"
	"github.com/hybridvm/hybridvm/codecache"
	"github.com/hybridvm/hybridvm/evm"
	"github.com/hybridvm/hybridvm/guest"
	"github.com/hybridvm/hybridvm/host"
	"github.com/hybridvm/hybridvm/internal/rvasm"
	"github.com/hybridvm/hybridvm/machine"
	"github.com/hybridvm/hybridvm/riscvengine"
	"github.com/hybridvm/hybridvm/runtime"
	"github.com/hybridvm/hybridvm/state"
)

// CallsSuite is the calls suite: what crossing into and out of RISC-V code costs, per
// engine, in this process: the ECALL round trip, entering a contract call, an ERC20
// transfer end to end through the public API, and the latency of the first call of a
// contract with a fresh image cache (load and translation included). repo is the
// repository root (for examples/erc20). Loops last at least round on clk; a first
// call is one operation per sample.
func CallsSuite(repo string, clk clock.Clock, round time.Duration) (*Suite, error) {
	dir := filepath.Join(repo, "examples", "erc20")
	runtimeELF, err := os.ReadFile(filepath.Join(dir, "erc20.runtime.elf"))
	if err != nil {
		return nil, err
	}
	initcode, err := os.ReadFile(filepath.Join(dir, "erc20.initcode"))
	if err != nil {
		return nil, err
	}
	engines := []string{"interp", "jit", "aot", "tiered"}
	s := &Suite{
		Name: "calls", Bench: "Calls", Contenders: engines,
		Ratios: []Ratio{{Num: "interp", Den: "jit"}, {Num: "interp", Den: "aot"}},
		Notes: []string{
			"interp / jit: how many times faster the JIT is than the interpreter.",
			"ecall-roundtrip: one ECALL to Go and back; enter-contract: ERC20 runtime ELF from the image cache, arena, calldata, run to its first syscall, arena reset;",
			"erc20-transfer: transfer(bob, 1) through hybridvm.Runtime.Call (2 SLOAD, 2 SSTORE, LOG); first-call: the same call on a fresh image cache (load and translation included).",
			"first-call-warm-disk: the same first call on a fresh image cache over an on-disk code cache that holds the contract's AOT code, as a second process would: jit and aot load it within the call (read, checksum, map, link; no translation), tiered interprets while a worker loads it.",
		},
	}
	var disk *codecache.Dir // first-call-warm-disk's directory, filled on first use
	s.Cleanup = func() {
		if disk != nil {
			_ = os.RemoveAll(disk.Path())
		}
	}
	machineEngine := func(name string) (machine.Engine, error) {
		e, err := machine.ParseEngine(name)
		if err != nil {
			return 0, err
		}
		if e != machine.EngineInterp && !machine.NativeAvailable() {
			return 0, Missing("a native backend for " + name + " on this architecture")
		}
		return e, nil
	}
	loop := func(op func() error) Sampler { return loopSampler(clk, round, 0, op) }
	s.Cases = []*Case{
		{Name: "ecall-roundtrip", Prepare: func(name string) (Sampler, error) {
			e, err := machineEngine(name)
			if err != nil {
				return nil, err
			}
			return ecallSampler(e, loop)
		}},
		{Name: "enter-contract", Prepare: func(name string) (Sampler, error) {
			e, err := machineEngine(name)
			if err != nil {
				return nil, err
			}
			return enterSampler(e, runtimeELF, loop)
		}},
		{Name: "erc20-transfer", Prepare: func(name string) (Sampler, error) {
			if _, err := machineEngine(name); err != nil {
				return nil, err
			}
			return transferSampler(name, initcode, loop)
		}},
		{Name: "first-call", Prepare: func(name string) (Sampler, error) {
			e, err := machineEngine(name)
			if err != nil {
				return nil, err
			}
			return firstCallSampler(e, initcode, clk, nil)
		}},
		{Name: "first-call-warm-disk", Prepare: func(name string) (Sampler, error) {
			e, err := machineEngine(name)
			if err != nil {
				return nil, err
			}
			if disk == nil {
				if disk, err = warmDisk(runtimeELF); err != nil {
					return nil, err
				}
			}
			return firstCallSampler(e, initcode, clk, disk)
		}},
	}
	start, notes, cleanup, err := startCases(repo, runtimeELF, initcode, clk, loop, machineEngine)
	if err != nil {
		return nil, err
	}
	s.Cases, s.Notes = append(s.Cases, start...), append(s.Notes, notes...)
	diskCleanup := s.Cleanup
	s.Cleanup = func() { diskCleanup(); cleanup() }
	return s, nil
}

// ecallSampler: a guest looping on ECALL; each operation is one exit to Go (the
// "handler" bumps a0) and re-entry.
func ecallSampler(e machine.Engine, loop func(func() error) Sampler) (Sampler, error) {
	const base = 0x10000
	p := rvasm.New(base)
	p.Label("loop")
	p.ECALL()
	p.J("loop")
	img, err := machine.NewCache(2).Load(rvasm.ExecELF(base, p.MustFinish()), nil, guest.Constraints{})
	if err != nil {
		return nil, err
	}
	abase, err := img.Program.ExecArena(1 << 20)
	if err != nil {
		return nil, err
	}
	arena, err := guest.NewArena(abase, 1<<20)
	if err != nil {
		return nil, err
	}
	if err := img.Load(arena); err != nil {
		return nil, err
	}
	f := machine.NewFrame(img, arena, e)
	f.St.Gas = 1 << 62
	step := func() error {
		if exit := f.Run(); exit != guest.ExitEcall {
			return fmt.Errorf("the ECALL loop exited with %v", exit)
		}
		f.St.X[10]++ // a0: the "syscall"
		return nil
	}
	if err := step(); err != nil { // translate before timing
		return nil, err
	}
	return loop(step), nil
}

// enterSampler: entering the ERC20 contract to its first system call, as the RISC-V
// engine does for each call (the image from a warm cache).
func enterSampler(e machine.Engine, elf []byte, loop func(func() error) Sampler) (Sampler, error) {
	cache := machine.NewCache(4)
	hash := crypto.Keccak256Hash(elf)
	calldata := make([]byte, 8+68)
	calldata[0] = 68
	enter := func() error {
		img, err := cache.Load(elf, (*[32]byte)(&hash), guest.ContractConstraints)
		if err != nil {
			return err
		}
		defer img.Release()
		arena, err := guest.NewArena(guest.ContractBase, guest.ContractArenaSize)
		if err != nil {
			return err
		}
		if err := img.Load(arena); err != nil {
			arena.Release()
			return err
		}
		if err := arena.Write(guest.ContractBase, calldata); err != nil {
			arena.Release()
			return err
		}
		f := machine.NewFrame(img, arena, e)
		f.St.Gas = 1_000_000
		exit := f.Run()
		f.Release()
		if exit != guest.ExitEcall {
			return fmt.Errorf("the contract exited with %v before its first system call", exit)
		}
		return nil
	}
	if err := enter(); err != nil {
		return nil, err
	}
	return loop(enter), nil
}

var (
	alice = common.HexToAddress("0x00000000000000000000000000000000000a11ce")
	bob   = common.HexToAddress("0x0000000000000000000000000000000000000b0b")
)

func abiCall(sig string, args ...[]byte) []byte {
	return append(crypto.Keccak256([]byte(sig))[:4], bytes.Join(args, nil)...)
}

func word(b []byte) []byte { return common.LeftPadBytes(b, 32) }

// erc20State deploys the ERC20 example with engine into a new state and mints alice
// tokens; it returns the runtime, the state and the token's address.
func erc20State(engine hybridvm.Engine, initcode []byte) (*hybridvm.Runtime, *state.State, common.Address, error) {
	st := state.New()
	rt, err := hybridvm.NewRuntime(context.Background(), hybridvm.Config{Engine: engine, State: st})
	if err != nil {
		return nil, nil, common.Address{}, err
	}
	ctx := context.Background()
	res, err := rt.Create(ctx, hybridvm.CreateMsg{From: alice, Initcode: initcode, Gas: 5_000_000})
	if err != nil || res.Status != hybridvm.StatusSuccess {
		return nil, nil, common.Address{}, fmt.Errorf("deploying the ERC20: %v %v", err, res.Err)
	}
	tok := res.Address
	mint := abiCall("mint(address,uint256)", word(alice[:]), word([]byte{1, 0, 0, 0, 0, 0, 0, 0}))
	if res, err := rt.Call(ctx, hybridvm.CallMsg{From: alice, To: tok, Input: mint, Gas: 1_000_000}); err != nil || res.Status != hybridvm.StatusSuccess {
		return nil, nil, common.Address{}, fmt.Errorf("mint: %v %+v", err, res)
	}
	return rt, st, tok, nil
}

var transferInput = abiCall("transfer(address,uint256)", word(bob[:]), word([]byte{1}))

// transferSampler: one ERC20 transfer through the public API, checked: success,
// output true, one log.
func transferSampler(engine string, initcode []byte, loop func(func() error) Sampler) (Sampler, error) {
	e, err := hybridvm.ParseEngine(engine)
	if err != nil {
		return nil, err
	}
	rt, _, tok, err := erc20State(e, initcode)
	if err != nil {
		return nil, err
	}
	ctx := context.Background()
	transfer := func() error {
		res, err := rt.Call(ctx, hybridvm.CallMsg{From: alice, To: tok, Input: transferInput, Gas: 1_000_000})
		if err != nil {
			return err
		}
		return checkTransfer(res.Status, res.Output, len(res.Logs), res.Err)
	}
	if err := transfer(); err != nil {
		return nil, err
	}
	return loop(transfer), nil
}

func checkTransfer(status host.Status, output []byte, logs int, err error) error {
	if status != host.StatusSuccess || !bytes.Equal(output, word([]byte{1})) || logs != 1 {
		return fmt.Errorf("transfer: status %v output %x, %d logs, err %v; want success, true and one log", status, output, logs, err)
	}
	return nil
}

// warmDisk returns a new code cache directory holding the ERC20's AOT code.
func warmDisk(runtimeELF []byte) (*codecache.Dir, error) {
	path, err := os.MkdirTemp("", "hybridvm-bench-cache-")
	if err != nil {
		return nil, err
	}
	d, err := codecache.Open(path, nil)
	if err != nil {
		return nil, err
	}
	c := machine.NewCache(2)
	c.SetDisk(d)
	defer c.Purge()
	img, err := c.Load(runtimeELF, nil, guest.ContractConstraints)
	if err != nil {
		return nil, err
	}
	defer img.Release()
	if err := img.CompileContract(); err != nil {
		return nil, err
	}
	if machine.NativeAvailable() && d.Stats().Written != 1 {
		return nil, fmt.Errorf("the code cache wrote no file: %+v", d.Stats())
	}
	return d, nil
}

// firstCallSampler: the first call of the ERC20 contract by an engine with a fresh
// image cache, so the ELF is parsed and (jit, aot) translated within the timed call —
// or, with disk, loaded from the on-disk code cache (a sample fails unless it was).
// The state change is discarded after each sample.
func firstCallSampler(e machine.Engine, initcode []byte, clk clock.Clock, disk *codecache.Dir) (Sampler, error) {
	_, st, tok, err := erc20State(hybridvm.EngineInterp, initcode)
	if err != nil {
		return nil, err
	}
	ev, err := evm.New(evm.Config{Fork: host.LatestFork})
	if err != nil {
		return nil, err
	}
	blk := hybridvm.DefaultBlock
	blk.Origin = alice
	first := func() (Sample, error) {
		cache := machine.NewCache(4)
		cache.SetDisk(disk)
		rt, err := runtime.New(runtime.Config{Fork: host.LatestFork, EVM: ev, RISCV: riscvengine.New(riscvengine.Config{
			Engine: e, Fork: host.LatestFork, Cache: cache,
		})}, st)
		if err != nil {
			return Sample{}, err
		}
		rt.SetContext(blk, nil)
		msg := &host.Message{Kind: host.KindCall, Sender: alice, Recipient: tok, CodeAddress: tok, Input: transferInput, Gas: 1_000_000}
		st.BeginTx()
		start := clk.Now()
		res := rt.Call(msg)
		el := clk.Now() - start
		logs := len(st.Logs())
		st.DiscardTx()
		if err := checkTransfer(res.Status, res.Output, logs, res.Err); err != nil {
			return Sample{}, err
		}
		if el <= 0 {
			return Sample{}, errors.New("the clock did not advance over a first call")
		}
		if err := checkWarmDiskLoad(cache, disk, e); err != nil {
			return Sample{}, err
		}
		return Sample{Ns: float64(el), Ops: 1}, nil
	}
	if _, err := first(); err != nil {
		return nil, err
	}
	return first, nil
}

// checkWarmDiskLoad checks, for a first call over a warm disk cache (disk set),
// that jit and aot loaded the code and translated nothing. Tiered loads it in
// the background while the call interprets: only jit and aot load it within
// the call.
func checkWarmDiskLoad(cache *machine.Cache, disk *codecache.Dir, e machine.Engine) error {
	if n := cache.Stats().Native; disk != nil && (e == machine.EngineJIT || e == machine.EngineAOT) && (n.Loaded == 0 || n.Insts != 0) {
		return fmt.Errorf("first call over a warm disk cache: %+v, want code loaded and nothing translated", n)
	}
	return nil
}
