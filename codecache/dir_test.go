package codecache

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// dirSize sums the cache files in dir.
func dirSize(t *testing.T, dir string) (n int64, files int) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if info, err := e.Info(); err == nil && strings.HasSuffix(e.Name(), suffix) {
			n += info.Size()
			files++
		}
	}
	return n, files
}

// TestLimitEvictsLeastRecentlyUsed: many files written under a limit of a few keep the
// directory within it; the ones evicted are those used least recently (a Load counts
// as a use), and an evicted key is a miss.
func TestLimitEvictsLeastRecentlyUsed(t *testing.T) {
	dir := t.TempDir()
	d, err := Open(dir, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	s := testSnapshot()
	size := int64(len(Encode(d.header(Key{}, s.Target), s)))
	d.SetLimit(4 * size)
	key := func(i int) Key { return Key{byte(i), byte(i >> 8), 7} }
	// Distinct modification times, whatever the file system's resolution.
	age := time.Now().Add(-time.Hour)
	for i := range 40 {
		d.Store(key(i), s)
		age = age.Add(time.Second)
		if err := os.Chtimes(d.File(key(i)), age, age); err != nil {
			t.Fatal(err)
		}
		if i == 2 {
			// Key 0 is used again (touched now: newer than every later write's
			// time set here), so it outlives the others.
			if d.Load(key(0), s.Target) == nil {
				t.Fatal("key 0 missing right after it was written")
			}
		}
		if n, files := dirSize(t, dir); n > 4*size {
			t.Fatalf("after %d writes the directory holds %d bytes in %d files, limit %d", i+1, n, files, 4*size)
		}
	}
	if st := d.Stats(); st.Written != 40 || st.Evicted < 36 {
		t.Errorf("stats %+v: want 40 written, at least 36 evicted", st)
	}
	if d.Load(key(39), s.Target) == nil {
		t.Errorf("the newest file was evicted")
	}
	if d.Load(key(1), s.Target) != nil {
		t.Errorf("an old file was kept")
	}
	if d.Load(key(0), s.Target) == nil {
		t.Errorf("the file used most recently was evicted")
	}
	// The LRU order: with four files' room, after key 3 was written key 0 (used at
	// key 2) outlived key 1.
	d2, _ := Open(t.TempDir(), io.Discard)
	d2.SetLimit(3 * size)
	for i := range 3 {
		d2.Store(key(i), s)
		past := time.Now().Add(time.Duration(i-10) * time.Minute)
		_ = os.Chtimes(d2.File(key(i)), past, past)
	}
	if d2.Load(key(0), s.Target) == nil { // touched: now the most recent
		t.Fatal("key 0 missing")
	}
	d2.Store(key(3), s) // four files' worth: evict down to 7/8 of three
	_, err0 := os.Stat(d2.File(key(0)))
	_, err1 := os.Stat(d2.File(key(1)))
	if err0 != nil || err1 == nil {
		t.Errorf("after a write over the limit: key 0 (used last) %v, key 1 (oldest) %v; want key 1 evicted", err0, err1)
	}
}

// TestNoLimit: SetLimit(0) keeps every file.
func TestNoLimit(t *testing.T) {
	d, err := Open(t.TempDir(), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	d.SetLimit(0)
	s := testSnapshot()
	for i := range 20 {
		d.Store(Key{byte(i)}, s)
	}
	if _, files := dirSize(t, d.Path()); files != 20 || d.Limit() != 0 || d.Stats().Evicted != 0 {
		t.Errorf("%d files, limit %d, %+v", files, d.Limit(), d.Stats())
	}
}

// fullDisk is a temporary file on a full file system: writes fail with ENOSPC.
type fullDisk struct{ *os.File }

func (f fullDisk) Write([]byte) (int, error) {
	return 0, &os.PathError{Op: "write", Path: f.Name(), Err: syscall.ENOSPC}
}

// TestFullDisk: a write that fails for want of space is counted and warned about once,
// leaves no temporary file, and the key stays a miss; reads go on.
func TestFullDisk(t *testing.T) {
	dir := t.TempDir()
	var warn bytes.Buffer
	d, err := Open(dir, &warn)
	if err != nil {
		t.Fatal(err)
	}
	s := testSnapshot()
	d.Store(Key{1}, s) // written before the disk filled up
	d.createTemp = func(dir, pattern string) (tempFile, error) {
		f, err := os.CreateTemp(dir, pattern)
		if err != nil {
			return nil, err
		}
		return fullDisk{f}, nil
	}
	for i := range 3 {
		d.Store(Key{2, byte(i)}, s)
	}
	if st := d.Stats(); st.Failed != 3 || st.Written != 1 {
		t.Errorf("stats %+v: want 3 failed writes after 1", st)
	}
	if w := warn.String(); strings.Count(w, "\n") != 1 || !strings.Contains(w, "no space left on device") || !strings.Contains(w, "memory only") {
		t.Errorf("warnings %q: want one, naming the full disk", w)
	}
	if tmp, _ := filepath.Glob(filepath.Join(dir, tmpPrefix+"*")); len(tmp) != 0 {
		t.Errorf("temporary files left: %v", tmp)
	}
	if d.Load(Key{2, 0}, s.Target) != nil {
		t.Errorf("a failed write left a file")
	}
	if d.Load(Key{1}, s.Target) == nil {
		t.Errorf("the file written before could not be read")
	}
	var pe *os.PathError
	if err := d.write(filepath.Join(dir, "x"), []byte{1}); !errors.As(err, &pe) || !errors.Is(err, syscall.ENOSPC) {
		t.Errorf("write error %v, want ENOSPC", err)
	}
}
