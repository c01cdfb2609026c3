package hybridvm

import (
	"context"
	"errors"
	"testing"

	"github.com/ethereum/go-ethereum/common"

	"github.com/hybridvm/hybridvm/codegen"
	"github.com/hybridvm/hybridvm/state"
)

// TestCompileCode: code compiled ahead of time runs its first call without translating
// anything more; the compiled code survives a cache flooded past its limit until it is
// closed; runtimes sharing a cache share compiled code.
func TestCompileCode(t *testing.T) {
	if len(nativeEngines()) == 0 {
		t.Skip("SKIPPED: no native backend on this architecture")
	}
	ctx := context.Background()
	code := append([]byte{0xFF}, readFile(t, "examples", "erc20", "erc20.runtime.elf")...)
	tok := common.HexToAddress("0x7070")
	for _, e := range nativeEngines() {
		t.Run(e.String(), func(t *testing.T) {
			cache := NewCodeCache(1 << 20)
			defer cache.Close()
			rt, st := newTestRuntimeWith(t, Config{Engine: e, Cache: cache})
			st.SetCode(tok, code)
			cc, err := rt.CompileCode(ctx, code)
			if err != nil {
				t.Fatal(err)
			}
			before := cache.Stats()
			if before.TranslatedInstructions == 0 {
				t.Fatal("CompileCode translated nothing")
			}
			mint := call("balanceOf(address)", addrWord(alice).Bytes())
			res, err := rt.Call(ctx, CallMsg{From: alice, To: tok, Input: mint, Gas: 1_000_000})
			if err != nil || res.Status != StatusSuccess {
				t.Fatalf("balanceOf: %v %+v", err, res)
			}
			if after := cache.Stats(); after.TranslatedInstructions != before.TranslatedInstructions {
				t.Errorf("the first call translated %d more instructions", after.TranslatedInstructions-before.TranslatedInstructions)
			}
			// A second runtime on the same cache finds it compiled.
			rt2, st2 := newTestRuntimeWith(t, Config{Engine: e, Cache: cache})
			st2.SetCode(tok, code)
			if res, err := rt2.Call(ctx, CallMsg{From: alice, To: tok, Input: mint, Gas: 1_000_000}); err != nil || res.Status != StatusSuccess {
				t.Fatalf("balanceOf on a second runtime: %v %+v", err, res)
			}
			if s := cache.Stats(); s.TranslatedInstructions != before.TranslatedInstructions || s.Programs != 1 {
				t.Errorf("second runtime: %d programs, %d instructions translated, want 1 and %d", s.Programs, s.TranslatedInstructions, before.TranslatedInstructions)
			}
			// Flood the 1 MiB cache: the compiled code stays.
			for i := 0; i < 8; i++ {
				if _, err := rt.Create(ctx, CreateMsg{From: alice, Initcode: jumpChain(1<<14, int64(i)), Gas: 1_000_000}); err != nil {
					t.Fatal(err)
				}
			}
			if s := cache.Stats(); s.TranslatedInstructions < before.TranslatedInstructions {
				t.Errorf("the compiled code was evicted: %d instructions left", s.TranslatedInstructions)
			}
			cc.Close()
			live := codegen.LiveBytes()
			cache.Close()
			if codegen.LiveBytes() >= live {
				t.Errorf("closing the cache freed no native code (%d bytes live)", codegen.LiveBytes())
			}
		})
	}
}

// TestCompileCodeRejects: EVM code and bad ELFs are errors.
func TestCompileCodeRejects(t *testing.T) {
	rt, _ := newTestRuntime(t, EngineDefault)
	if _, err := rt.CompileCode(context.Background(), []byte{0x60, 0x00}); !errors.Is(err, ErrNotRISCV) {
		t.Errorf("EVM code: %v, want ErrNotRISCV", err)
	}
	if _, err := rt.CompileCode(context.Background(), []byte{0xFF, 1, 2, 3}); err == nil {
		t.Error("a bad ELF compiled")
	}
}

// TestRuntimeCloseFreesItsCache: a runtime's own cache is released by Close.
func TestRuntimeCloseFreesItsCache(t *testing.T) {
	if len(nativeEngines()) == 0 {
		t.Skip("SKIPPED: no native backend on this architecture")
	}
	rt, err := NewRuntime(context.Background(), Config{Engine: EngineAOT})
	if err != nil {
		t.Fatal(err)
	}
	code := append([]byte{0xFF}, readFile(t, "examples", "erc20", "erc20.runtime.elf")...)
	cc, err := rt.CompileCode(context.Background(), code)
	if err != nil {
		t.Fatal(err)
	}
	live := codegen.LiveBytes()
	if err := rt.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	// The compiled code is the caller's until it closes it; then it is freed.
	if codegen.LiveBytes() != live {
		t.Errorf("Close freed code still held by a CompiledCode")
	}
	cc.Close()
	if codegen.LiveBytes() >= live {
		t.Errorf("closing the runtime and its compiled code freed no native code")
	}
}

// newTestRuntimeWith is newTestRuntime with a configuration (its State is set here).
func newTestRuntimeWith(t testing.TB, cfg Config) (*Runtime, *state.State) {
	t.Helper()
	st := state.New()
	cfg.State = st
	rt, err := NewRuntime(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	return rt, st
}
