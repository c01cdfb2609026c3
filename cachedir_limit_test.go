package hybridvm

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/ethereum/go-ethereum/common"
)

// cacheFiles sums the sizes of the cache files in dir.
func cacheFiles(t *testing.T, dir string) (bytes int64, n int) {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.hvc"))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if info, err := os.Stat(f); err == nil {
			bytes += info.Size()
		}
	}
	return bytes, len(files)
}

// TestCodeCacheDirLimit: compiling many contracts over a directory limited to a few of
// their files keeps it within the limit, evicting the oldest; a fresh cache over the
// directory recompiles (and writes again) an evicted contract, with the interpreter's
// results, and loads one that was kept.
func TestCodeCacheDirLimit(t *testing.T) {
	if len(nativeEngines()) == 0 {
		t.Skip("SKIPPED: no native backend on this architecture (the directory is not used)")
	}
	ctx := context.Background()
	erc20 := append([]byte{0xFF}, readFile(t, "examples", "erc20", "erc20.runtime.elf")...)
	contract := func(i int) []byte { return append(bytes.Clone(erc20), byte(i)) } // distinct ELFs
	dir := t.TempDir()
	cache, err := NewCodeCacheWithDir(dir, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer cache.Close()
	rt, _ := newTestRuntimeWith(t, Config{Engine: EngineAOT, Cache: cache})
	compile := func(rt *Runtime, i int) {
		t.Helper()
		cc, err := rt.CompileCode(ctx, contract(i))
		if err != nil {
			t.Fatal(err)
		}
		cc.Close()
	}
	compile(rt, 0)
	size, _ := cacheFiles(t, dir)
	if size == 0 {
		t.Fatal("nothing written")
	}
	limit := 3*size + size/2
	cache.SetDirLimit(limit)
	const n = 16
	for i := 1; i < n; i++ {
		compile(rt, i)
		if got, files := cacheFiles(t, dir); got > limit {
			t.Fatalf("after %d contracts the directory holds %d bytes in %d files, limit %d", i+1, got, files, limit)
		}
	}
	if s := cache.Stats(); s.DiskWritten != n || s.DiskEvicted < n-3 {
		t.Errorf("%+v: want %d written, at least %d evicted", s, n, n-3)
	}

	// A second process: contract 0 was evicted, contract n-1 was kept.
	tok := common.HexToAddress("0x7070")
	rtI, stI := newTestRuntimeWith(t, Config{Engine: EngineInterp})
	stI.SetCode(tok, contract(0))
	want := erc20Calls(t, rtI, tok)
	again, err := NewCodeCacheWithDir(dir, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	again.SetDirLimit(limit)
	rt2, st2 := newTestRuntimeWith(t, Config{Engine: EngineAOT, Cache: again})
	compile(rt2, 0)
	if s := again.Stats(); s.DiskHits != 0 || s.TranslatedInstructions == 0 || s.DiskWritten != 1 {
		t.Errorf("evicted contract: %+v; want it translated and written again", s)
	}
	st2.SetCode(tok, contract(0))
	got := erc20Calls(t, rt2, tok) // on the recompiled code
	for i := range want {
		if got[i].Status != want[i].Status || got[i].GasUsed != want[i].GasUsed || !bytes.Equal(got[i].Output, want[i].Output) {
			t.Errorf("call %d of the evicted contract: %+v, interpreter %+v", i, got[i], want[i])
		}
	}
	compile(rt2, n-1)
	if s := again.Stats(); s.DiskHits != 1 {
		t.Errorf("kept contract: %+v; want it loaded from the directory", s)
	}
	if got, _ := cacheFiles(t, dir); got > limit {
		t.Errorf("the directory holds %d bytes, limit %d", got, limit)
	}
}
