package harness

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/ethereum/go-ethereum/common"

	"github.com/hybridvm/hybridvm"
	"github.com/hybridvm/hybridvm/bench/clock"
	"github.com/hybridvm/hybridvm/codecache"
	"github.com/hybridvm/hybridvm/evm"
	"github.com/hybridvm/hybridvm/guest"
	"github.com/hybridvm/hybridvm/host"
	"github.com/hybridvm/hybridvm/machine"
	"github.com/hybridvm/hybridvm/riscvengine"
	"github.com/hybridvm/hybridvm/runtime"
	"github.com/hybridvm/hybridvm/state"
)

// The calls suite's start-up cases: how calls get faster as a fresh image cache warms
// up (the 100th call against a warm one), the first call of a large contract, and how
// fast the native engines translate.

// warmupCalls is how many calls precede the timed one in the 100th-call case.
const warmupCalls = 99

// callTarget is a contract in its own state and a call of it, with the check of its
// result. Each call runs in a transaction that is discarded, so every call does the
// same work.
type callTarget struct {
	st    *state.State
	elf   []byte // the runtime ELF (the account's code after 0xFF)
	to    common.Address
	input []byte
	gas   int64
	check func(res host.Result, logs int) error
	ev    *evm.EVM
}

// runtimeFor returns a runtime over t's state whose RISC-V engine uses cache.
func (t *callTarget) runtimeFor(e machine.Engine, cache *machine.Cache, unmetered bool) (*runtime.Runtime, error) {
	rt, err := runtime.New(runtime.Config{Fork: host.LatestFork, EVM: t.ev, RISCV: riscvengine.New(riscvengine.Config{
		Engine: e, Fork: host.LatestFork, Cache: cache, Unmetered: unmetered,
	})}, t.st)
	if err != nil {
		return nil, err
	}
	blk := hybridvm.DefaultBlock
	blk.Origin = alice
	rt.SetContext(blk, nil)
	return rt, nil
}

// call makes one checked call on rt, returning its time on clk.
func (t *callTarget) call(rt *runtime.Runtime, clk clock.Clock) (time.Duration, error) {
	msg := &host.Message{Kind: host.KindCall, Sender: alice, Recipient: t.to, CodeAddress: t.to, Input: t.input, Gas: t.gas}
	t.st.BeginTx()
	start := clk.Now()
	res := rt.Call(msg)
	el := clk.Now() - start
	logs := len(t.st.Logs())
	t.st.DiscardTx()
	if err := t.check(res, logs); err != nil {
		return 0, err
	}
	if el <= 0 {
		return 0, errors.New("the clock did not advance over a call")
	}
	return el, nil
}

// erc20Target: transfer(bob, 1) on the ERC20 example, deployed and minted.
func erc20Target(initcode, elf []byte, ev *evm.EVM) (*callTarget, error) {
	_, st, tok, err := erc20State(hybridvm.EngineInterp, initcode)
	if err != nil {
		return nil, err
	}
	return &callTarget{st: st, elf: elf, to: tok, input: transferInput, gas: 1_000_000, ev: ev,
		check: func(res host.Result, logs int) error { return checkTransfer(res.Status, res.Output, logs, res.Err) }}, nil
}

// bigcodeTarget: run(7) on examples/bigcode (about 111 KiB of code, nearly all of it
// executed by the call), its code set directly in a new state.
func bigcodeTarget(repo string, ev *evm.EVM) (*callTarget, error) {
	elf, err := os.ReadFile(filepath.Join(repo, "examples", "bigcode", "bigcode.runtime.elf"))
	if err != nil {
		return nil, err
	}
	st := state.New()
	to := common.HexToAddress("0x00000000000000000000000000000000000b1c0d")
	st.SetCode(to, append([]byte{0xFF}, elf...))
	want := word(common.FromHex("0xf14c620388a39eb0")) // run(7), from the interpreter (examples/README.md)
	return &callTarget{st: st, elf: elf, to: to, input: abiCall("run(uint256)", word([]byte{7})), gas: 1_000_000, ev: ev,
		check: func(res host.Result, _ int) error {
			if res.Status != host.StatusSuccess || !bytes.Equal(res.Output, want) {
				return fmt.Errorf("run(7): status %v output %x err %v; want success and %x", res.Status, res.Output, res.Err, want)
			}
			return nil
		}}, nil
}

// firstOf: the first call of t by engine e on a fresh image cache (over disk when
// set: jit and aot must then load the code and translate nothing).
func firstOf(t *callTarget, e machine.Engine, clk clock.Clock, disk *codecache.Dir) (Sampler, error) {
	first := func() (Sample, error) {
		cache := machine.NewCache(4)
		cache.SetDisk(disk)
		defer cache.Purge()
		rt, err := t.runtimeFor(e, cache, false)
		if err != nil {
			return Sample{}, err
		}
		el, err := t.call(rt, clk)
		if err != nil {
			return Sample{}, err
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

// hundredthOf: on a fresh image cache, warmupCalls calls of t back to back, then the
// timed one (what tiering and translation credit have made of the code by then).
func hundredthOf(t *callTarget, e machine.Engine, clk clock.Clock) (Sampler, error) {
	nth := func() (Sample, error) {
		cache := machine.NewCache(4)
		defer cache.Purge()
		rt, err := t.runtimeFor(e, cache, false)
		if err != nil {
			return Sample{}, err
		}
		for range warmupCalls {
			if _, err := t.call(rt, clk); err != nil {
				return Sample{}, err
			}
		}
		el, err := t.call(rt, clk)
		if err != nil {
			return Sample{}, err
		}
		return Sample{Ns: float64(el), Ops: 1}, nil
	}
	if _, err := nth(); err != nil {
		return nil, err
	}
	return nth, nil
}

// warmOf: calls of t on a cache warmed by warmCalls of them (and, for tiered, until
// its workers are idle): the steady state the 100th call is compared with.
func warmOf(t *callTarget, e machine.Engine, clk clock.Clock, loop func(func() error) Sampler) (Sampler, error) {
	const warmCalls = 1000
	rt, err := t.runtimeFor(e, machine.NewCache(4), false)
	if err != nil {
		return nil, err
	}
	for range warmCalls {
		if _, err := t.call(rt, clk); err != nil {
			return nil, err
		}
	}
	if e == machine.EngineTiered {
		time.Sleep(100 * time.Millisecond) // let the workers finish what the calls asked for
		for range warmCalls {
			if _, err := t.call(rt, clk); err != nil {
				return nil, err
			}
		}
	}
	return loop(func() error { _, err := t.call(rt, clk); return err }), nil
}

// translationOf times translation of t's code on a fresh image cache, per translated
// guest instruction: aot compiles the whole program from its entry point
// (Image.CompileContract, static control flow); jit runs the call unmetered, so the
// JIT translates, unit by unit, everything the call executes (execution and the call's
// own overhead included: small next to translation). The image is loaded (ELF parsed,
// code decoded) before the clock starts; the native module's set-up (register
// analysis, dispatch table) is in the time.
func translationOf(t *callTarget, e machine.Engine, clk clock.Clock) (Sampler, error) {
	if e != machine.EngineJIT && e != machine.EngineAOT {
		return nil, NotApplicable("measured on jit and aot")
	}
	hash := t.st.GetCodeHash(t.to) // the key the engine loads the image by
	translate := func() (Sample, error) {
		cache := machine.NewCache(4)
		defer cache.Purge()
		img, err := cache.Load(t.elf, (*[32]byte)(&hash), guest.ContractConstraints)
		if err != nil {
			return Sample{}, err
		}
		defer img.Release()
		var el time.Duration
		if e == machine.EngineAOT {
			start := clk.Now()
			err = img.CompileContract()
			el = clk.Now() - start
		} else {
			var rt *runtime.Runtime
			if rt, err = t.runtimeFor(e, cache, true); err == nil {
				el, err = t.call(rt, clk)
			}
		}
		if err != nil {
			return Sample{}, err
		}
		n := cache.Stats().Native
		if n.Insts == 0 {
			return Sample{}, fmt.Errorf("nothing translated: %+v", n)
		}
		if el <= 0 {
			return Sample{}, errors.New("the clock did not advance over a translation")
		}
		return Sample{Ns: float64(el) / float64(n.Insts), Ops: n.Insts}, nil
	}
	if _, err := translate(); err != nil {
		return nil, err
	}
	return translate, nil
}

// startCases returns the start-up cases of the calls suite.
// machineEngine parses a contender's name; cleanup removes what the cases left on disk.
func startCases(repo string, runtimeELF, initcode []byte, clk clock.Clock, loop func(func() error) Sampler, machineEngine func(string) (machine.Engine, error)) (cases []*Case, notes []string, cleanup func(), err error) {
	ev, err := evm.New(evm.Config{Fork: host.LatestFork})
	if err != nil {
		return nil, nil, nil, err
	}
	var erc20, big *callTarget // made on first use
	var bigDisk *codecache.Dir
	cleanup = func() {
		if bigDisk != nil {
			_ = os.RemoveAll(bigDisk.Path())
		}
	}
	getERC20 := func() (*callTarget, error) {
		if erc20 == nil {
			t, err := erc20Target(initcode, runtimeELF, ev)
			if err != nil {
				return nil, err
			}
			erc20 = t
		}
		return erc20, nil
	}
	getBig := func() (*callTarget, error) {
		if big == nil {
			t, err := bigcodeTarget(repo, ev)
			if err != nil {
				return nil, err
			}
			big = t
		}
		return big, nil
	}
	with := func(get func() (*callTarget, error), f func(*callTarget, machine.Engine) (Sampler, error)) func(string) (Sampler, error) {
		return func(name string) (Sampler, error) {
			e, err := machineEngine(name)
			if err != nil {
				return nil, err
			}
			t, err := get()
			if err != nil {
				return nil, err
			}
			return f(t, e)
		}
	}
	cases = []*Case{
		{Name: "erc20-100th-call", Prepare: with(getERC20, func(t *callTarget, e machine.Engine) (Sampler, error) { return hundredthOf(t, e, clk) })},
		{Name: "erc20-warm-call", Prepare: with(getERC20, func(t *callTarget, e machine.Engine) (Sampler, error) { return warmOf(t, e, clk, loop) })},
		{Name: "bigcode-first-call", Prepare: with(getBig, func(t *callTarget, e machine.Engine) (Sampler, error) { return firstOf(t, e, clk, nil) })},
		{Name: "bigcode-first-call-warm-disk", Prepare: with(getBig, func(t *callTarget, e machine.Engine) (Sampler, error) {
			if bigDisk == nil {
				d, err := warmDisk(t.elf)
				if err != nil {
					return nil, err
				}
				bigDisk = d
			}
			return firstOf(t, e, clk, bigDisk)
		})},
		{Name: "translate-erc20", Prepare: with(getERC20, func(t *callTarget, e machine.Engine) (Sampler, error) { return translationOf(t, e, clk) })},
		{Name: "translate-bigcode", Prepare: with(getBig, func(t *callTarget, e machine.Engine) (Sampler, error) { return translationOf(t, e, clk) })},
	}
	notes = []string{
		"erc20-100th-call: a fresh image cache, 99 transfers back to back, then the timed 100th (each in a discarded transaction, so all do the same work); erc20-warm-call: the same transfer after 1,000 (tiered: and its workers' idle time), in a loop; compare a 100th call with jit's warm call.",
		"bigcode-first-call: run(7) on examples/bigcode (111 KiB of code; the call executes 32k instructions over nearly all of it) on a fresh image cache; -warm-disk: over an on-disk code cache holding its AOT code.",
		"translate-*: time per translated guest instruction on a fresh cache: aot compiles the whole program (Image.CompileContract); jit is an unmetered first call (translating what it runs, execution included).",
	}
	return cases, notes, cleanup, nil
}
