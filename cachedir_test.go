package hybridvm

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
)

// erc20Calls runs a mint (which reverts: the code was set, not deployed, so there is no
// owner), a transfer (which reverts too: no balance) and a balanceOf on the example
// ERC20 at tok, and returns the results.
func erc20Calls(t *testing.T, rt *Runtime, tok common.Address) []*Result {
	t.Helper()
	ctx := context.Background()
	var out []*Result
	for _, in := range [][]byte{
		call("mint(address,uint256)", addrWord(alice).Bytes(), word(1<<60)),
		call("transfer(address,uint256)", addrWord(bob).Bytes(), word(7)),
		call("balanceOf(address)", addrWord(bob).Bytes()),
	} {
		res, err := rt.Call(ctx, CallMsg{From: alice, To: tok, Input: in, Gas: 1_000_000})
		if err != nil {
			t.Fatalf("call: %v", err)
		}
		out = append(out, res)
	}
	return out
}

// TestCodeCacheWithDir: code compiled by one cache over a directory is run by a fresh
// cache over the same directory (as a second process would) without translating any
// instruction, from the very first call on every native engine, with the
// interpreter's results and gas.
func TestCodeCacheWithDir(t *testing.T) {
	if len(nativeEngines()) == 0 {
		t.Skip("SKIPPED: no native backend on this architecture (the directory is not used)")
	}
	ctx := context.Background()
	code := append([]byte{0xFF}, readFile(t, "examples", "erc20", "erc20.runtime.elf")...)
	tok := common.HexToAddress("0x7070")

	rtI, stI := newTestRuntimeWith(t, Config{Engine: EngineInterp})
	stI.SetCode(tok, code)
	want := erc20Calls(t, rtI, tok)

	dir := t.TempDir()
	first, err := NewCodeCacheWithDir(dir, 0)
	if err != nil {
		t.Fatal(err)
	}
	rt, _ := newTestRuntimeWith(t, Config{Engine: EngineAOT, Cache: first})
	cc, err := rt.CompileCode(ctx, code)
	if err != nil {
		t.Fatal(err)
	}
	cc.Close()
	if s := first.Stats(); s.TranslatedInstructions == 0 || s.DiskWritten != 1 {
		t.Fatalf("CompileCode: %+v; want code translated and written", s)
	}
	first.Close()

	for _, e := range nativeEngines() {
		t.Run(e.String(), func(t *testing.T) {
			cache, err := NewCodeCacheWithDir(dir, 0)
			if err != nil {
				t.Fatal(err)
			}
			defer cache.Close()
			rt, st := newTestRuntimeWith(t, Config{Engine: e, Cache: cache})
			st.SetCode(tok, code)
			got := erc20Calls(t, rt, tok)
			if e == EngineTiered {
				// Tiered loads the file on a background worker while the calls
				// interpret: wait for it, then call again on native code.
				for i := 0; i < 500 && cache.Stats().NativeBytes == 0; i++ {
					time.Sleep(10 * time.Millisecond)
				}
				got = erc20Calls(t, rt, tok)
			}
			for i := range want {
				if got[i].Status != want[i].Status || got[i].GasUsed != want[i].GasUsed || got[i].Instructions != want[i].Instructions || !bytes.Equal(got[i].Output, want[i].Output) {
					t.Errorf("call %d: %+v, interpreter %+v", i, got[i], want[i])
				}
			}
			s := cache.Stats()
			if s.TranslatedInstructions != 0 || s.DiskHits != 1 || s.NativeBytes == 0 {
				t.Errorf("%+v: want native code loaded from the directory, nothing translated", s)
			}
		})
	}
}

// TestCodeCacheWithDirUnwritable: a directory the process cannot write to gives one
// warning, to the writer the user chose, and calls go on with code in memory.
func TestCodeCacheWithDirUnwritable(t *testing.T) {
	if len(nativeEngines()) == 0 {
		t.Skip("SKIPPED: no native backend on this architecture (the directory is not used)")
	}
	dir := filepath.Join(t.TempDir(), "cache")
	cache, err := NewCodeCacheWithDir(dir, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer cache.Close()
	var warn bytes.Buffer
	cache.SetWarnings(&warn)
	// Make writes fail whoever we are: the directory's path becomes a file.
	if err := os.Remove(dir); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dir, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	rt, _ := newTestRuntimeWith(t, Config{Engine: EngineAOT, Cache: cache})
	code := append([]byte{0xFF}, readFile(t, "examples", "erc20", "erc20.runtime.elf")...)
	for i := range 3 {
		code := append(bytes.Clone(code), byte(i)) // three programs, three writes
		cc, err := rt.CompileCode(context.Background(), code)
		if err != nil {
			t.Fatalf("CompileCode over an unwritable directory: %v", err)
		}
		cc.Close()
	}
	if s := cache.Stats(); s.DiskWriteErrors != 3 || s.DiskWritten != 0 || s.Programs != 3 {
		t.Errorf("%+v: want 3 failed writes, 3 programs in memory", s)
	}
	if n := strings.Count(warn.String(), "\n"); n != 1 || !strings.Contains(warn.String(), "cannot write") {
		t.Errorf("warnings %q: want exactly one line", warn.String())
	}
}

// TestNewCodeCacheWithDirErrors: a path that cannot be a directory is an error.
func TestNewCodeCacheWithDirErrors(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, dir := range []string{"", file, filepath.Join(file, "sub")} {
		if _, err := NewCodeCacheWithDir(dir, 0); err == nil {
			t.Errorf("NewCodeCacheWithDir(%q) succeeded", dir)
		}
	}
}
