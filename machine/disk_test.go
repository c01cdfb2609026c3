package machine

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/hybridvm/hybridvm/codecache"
	"github.com/hybridvm/hybridvm/internal/testtools"
	"github.com/hybridvm/hybridvm/translate"
)

// diskRun runs the self-checking rv64m test program on AOT with a fresh image cache
// over the disk cache in dir, and returns the translation counters of its image and
// the directory's counters. The program exits 0 only if every check passed.
func diskRun(t *testing.T, dir string) (translate.Stats, codecache.Stats) {
	t.Helper()
	d, err := codecache.Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	c := NewCache(4)
	c.SetDisk(d)
	var stderr bytes.Buffer
	res, err := Exec(readELF(t, "isa/rv64m.elf"), ExecConfig{Engine: EngineAOT, Cache: c, Stderr: &stderr})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Exited || res.Status != 0 {
		t.Fatalf("rv64m: exit %v status %d err %v stderr %q", res.Exited, res.Status, res.Err, stderr.String())
	}
	s := c.Stats().Native
	c.Purge()
	return s, d.Stats()
}

func skipWithoutNative(t *testing.T) {
	if !NativeAvailable() {
		t.Skip("no native backend on this architecture: nothing is cached")
	}
}

// TestDiskCacheSecondLoadTranslatesNothing: the first run translates and writes the
// file; a fresh cache over the same directory (as a second process would have) runs
// the program from the file, translating no instruction.
func TestDiskCacheSecondLoadTranslatesNothing(t *testing.T) {
	skipWithoutNative(t)
	dir := t.TempDir()
	first, ds := diskRun(t, dir)
	if first.Insts == 0 || first.Loaded != 0 || ds.Written != 1 || ds.Misses != 1 {
		t.Fatalf("first run: %+v, dir %+v; want translated code written once", first, ds)
	}
	second, ds := diskRun(t, dir)
	if second.Insts != 0 || second.Units != 0 || second.Loaded == 0 || ds.Hits != 1 || ds.Written != 0 {
		t.Fatalf("second run: %+v, dir %+v; want code loaded, nothing translated", second, ds)
	}
	if second.LoadedBlocks != first.Blocks {
		t.Errorf("loaded %d blocks, translated %d", second.LoadedBlocks, first.Blocks)
	}
}

// TestDiskCacheAcrossProcesses: a second process (this test binary again) runs the
// program from the file the first one wrote, translating nothing.
func TestDiskCacheAcrossProcesses(t *testing.T) {
	if dir := os.Getenv("HYBRIDVM_DISK_CHILD"); dir != "" {
		s, ds := diskRun(t, dir)
		out, _ := json.Marshal([]any{s, ds})
		fmt.Printf("STATS %s\n", out)
		return
	}
	skipWithoutNative(t)
	testtools.SkipIfEmulated(t, "the test runs this test binary again as a child process, which needs binfmt_misc")
	dir := t.TempDir()
	child := func() (translate.Stats, codecache.Stats) {
		cmd := exec.Command(os.Args[0], "-test.run=^TestDiskCacheAcrossProcesses$", "-test.count=1")
		cmd.Env = append(os.Environ(), "HYBRIDVM_DISK_CHILD="+dir)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("child: %v\n%s", err, out)
		}
		_, line, ok := strings.Cut(string(out), "STATS ")
		if !ok {
			t.Fatalf("child printed no stats:\n%s", out)
		}
		line, _, _ = strings.Cut(line, "\n")
		var s translate.Stats
		var ds codecache.Stats
		if err := json.Unmarshal([]byte(line), &[]any{&s, &ds}); err != nil {
			t.Fatal(err)
		}
		return s, ds
	}
	if s, ds := child(); s.Insts == 0 || ds.Written != 1 {
		t.Fatalf("first process: %+v, dir %+v", s, ds)
	}
	if s, ds := child(); s.Insts != 0 || s.Loaded == 0 || ds.Hits != 1 {
		t.Fatalf("second process: %+v, dir %+v; want code loaded, nothing translated", s, ds)
	}
}

// cacheFile returns the path of the one file in dir.
func cacheFile(t *testing.T, dir string) string {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(dir, "*.hvc"))
	if len(files) != 1 {
		t.Fatalf("want one cache file in %s, found %v", dir, files)
	}
	return files[0]
}

// fileHeader is the header this process expects in the cache file name (its name is
// its key).
func fileHeader(t *testing.T, name string) codecache.Header {
	t.Helper()
	var key codecache.Key
	if b, err := hex.DecodeString(strings.TrimSuffix(filepath.Base(name), ".hvc")); err != nil || len(b) != len(key) {
		t.Fatalf("file name %s is not a key", name)
	} else {
		copy(key[:], b)
	}
	return codecache.Header{Format: codecache.FormatVersion, Target: nativeBackend.Target(), BuildID: codecache.BuildID(), Key: key}
}

// TestDiskCacheRejectsDamagedFiles: every single-byte change of a cached file
// (header, configuration, code, blocks, slots, references, checksum), every
// truncation, and a whole file written for another format, backend version,
// architecture, CPU or build is a miss: the file is never used, and a run over it
// recompiles (translating again, rewriting the file) with the correct result.
func TestDiskCacheRejectsDamagedFiles(t *testing.T) {
	skipWithoutNative(t)
	dir := t.TempDir()
	diskRun(t, dir)
	name := cacheFile(t, dir)
	good, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	hdr := fileHeader(t, name)
	if _, err := codecache.Decode(good, hdr); err != nil {
		t.Fatalf("the good file does not decode: %v", err)
	}

	// Every byte position (each bit of a byte in turn): each is caught by Decode.
	bad := bytes.Clone(good)
	for i := range good {
		x := byte(1) << (i % 8)
		bad[i] ^= x
		if _, err := codecache.Decode(bad, hdr); err == nil {
			t.Fatalf("byte %d of %d flipped by %#x: accepted", i, len(good), x)
		}
		bad[i] ^= x
	}
	for n := range len(good) {
		if _, err := codecache.Decode(good[:n], hdr); err == nil {
			t.Fatalf("truncated to %d of %d bytes: accepted", n, len(good))
		}
	}

	// Whole files with a valid checksum written for another format or target.
	snap, err := codecache.Decode(good, hdr)
	if err != nil {
		t.Fatal(err)
	}
	other := func(f func(h *codecache.Header)) []byte {
		h := hdr
		f(&h)
		return codecache.Encode(h, snap)
	}
	foreign := map[string][]byte{
		"format":  other(func(h *codecache.Header) { h.Format++ }),
		"version": other(func(h *codecache.Header) { h.Target.Version++ }),
		"arch":    other(func(h *codecache.Header) { h.Target.Arch = "riscv64" }),
		"backend": other(func(h *codecache.Header) { h.Target.Backend = "x" }),
		"cpu":     other(func(h *codecache.Header) { h.Target.Features = "avx512" }),
		"build":   other(func(h *codecache.Header) { h.BuildID = "another build" }),
		"key":     other(func(h *codecache.Header) { h.Key[0]++ }),
	}
	for what, data := range foreign {
		if _, err := codecache.Decode(data, hdr); err == nil {
			t.Errorf("file from another %s: accepted", what)
		}
	}

	// Through the whole path, for a dense sample: header, configuration, the units'
	// code and relocations, the checksum; truncations; the foreign files.
	cases := map[string][]byte{}
	for i := 0; i < len(good); i += max(1, len(good)/48) {
		bad := bytes.Clone(good)
		bad[i] ^= 0x10
		cases[fmt.Sprintf("flip %d", i)] = bad
	}
	for _, i := range []int{len(good) - 1, len(good) - 33, 8, 12} {
		bad := bytes.Clone(good)
		bad[i] ^= 0x04
		cases[fmt.Sprintf("flip %d", i)] = bad
	}
	for _, n := range []int{0, 1, 7, 8, 40, len(good) / 2, len(good) - 33, len(good) - 32, len(good) - 1} {
		cases[fmt.Sprintf("truncated to %d", n)] = good[:n]
	}
	for what, data := range foreign {
		cases["from another "+what] = data
	}
	for what, data := range cases {
		if err := os.WriteFile(name, data, 0o600); err != nil {
			t.Fatal(err)
		}
		s, ds := diskRun(t, dir)
		if s.Loaded != 0 || s.Insts == 0 || ds.Rejected != 1 || ds.Written != 1 {
			t.Errorf("%s: run %+v, dir %+v; want the file rejected, the code translated and written again", what, s, ds)
		}
		if again, err := os.ReadFile(name); err != nil || !bytes.Equal(again, good) {
			t.Errorf("%s: the file was not replaced by a good one", what)
		}
	}
}

// TestDiskCacheConcurrentWriters: processes (here goroutines with their own caches,
// which share nothing but the directory) writing and reading the same file at once
// always read a whole file of one writer or none; a torn file (halves of two
// writers' files) is rejected.
func TestDiskCacheConcurrentWriters(t *testing.T) {
	skipWithoutNative(t)
	dir := t.TempDir()
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 3 {
				s, _ := diskRun(t, dir)
				if s.Insts == 0 && s.Loaded == 0 {
					errs <- fmt.Errorf("neither translated nor loaded: %+v", s)
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	name := cacheFile(t, dir)
	tmp, _ := filepath.Glob(filepath.Join(dir, ".tmp-*"))
	if len(tmp) != 0 {
		t.Errorf("temporary files left: %v", tmp)
	}
	good, _ := os.ReadFile(name)
	// A torn write: the first half of this file and the second of another writer's
	// (its code for another layout would differ; here a shifted copy stands in).
	torn := append(bytes.Clone(good[:len(good)/2]), good[len(good)/2-1:len(good)-1]...)
	if err := os.WriteFile(name, torn, 0o600); err != nil {
		t.Fatal(err)
	}
	if s, ds := diskRun(t, dir); s.Loaded != 0 || ds.Rejected != 1 {
		t.Errorf("torn file: run %+v, dir %+v; want it rejected", s, ds)
	}
}

// TestDiskCacheUnwritable: a directory the process cannot write to gives one warning
// and the run proceeds from memory.
func TestDiskCacheUnwritable(t *testing.T) {
	skipWithoutNative(t)
	if os.Geteuid() == 0 {
		// root writes anywhere: use a directory whose writes fail another way (its
		// path is taken by a file once opened).
		t.Log("running as root: the directory is replaced by a file after Open")
	}
	dir := filepath.Join(t.TempDir(), "cache")
	var warn bytes.Buffer
	d, err := codecache.Open(dir, &warn)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o500); err != nil {
		t.Fatal(err)
	}
	if os.Geteuid() == 0 {
		if err := os.Remove(dir); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(dir, nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	defer os.Chmod(dir, 0o700)
	for range 3 {
		c := NewCache(4)
		c.SetDisk(d)
		res, err := Exec(readELF(t, "isa/rv64m.elf"), ExecConfig{Engine: EngineAOT, Cache: c})
		if err != nil || !res.Exited || res.Status != 0 {
			t.Fatalf("run over an unwritable cache: %+v, %v", res, err)
		}
		c.Purge()
	}
	if ds := d.Stats(); ds.Failed != 3 || ds.Written != 0 {
		t.Errorf("dir %+v: want 3 failed writes", ds)
	}
	if n := strings.Count(warn.String(), "warning"); n != 1 || !strings.Contains(warn.String(), "cannot write") {
		t.Errorf("warnings %q: want exactly one", warn.String())
	}
}
