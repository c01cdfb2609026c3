package codecache

import (
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/hybridvm/hybridvm/codegen"
	"github.com/hybridvm/hybridvm/translate"
)

// Dir is a code cache directory. It is safe for concurrent use, by goroutines and by
// processes sharing the directory.
type Dir struct {
	path    string
	buildID string

	warnMu sync.Mutex
	warnTo io.Writer
	warned bool

	hits, misses, rejected, written, failed, evicted atomic.Int64

	// The size limit (evict.go): size is this process's count of the bytes of cache
	// files (-1: unknown), listed when the directory was last listed.
	sizeMu sync.Mutex
	limit  int64
	size   int64
	listed time.Time

	// createTemp makes the temporary file a write goes to (os.CreateTemp; tests
	// inject failures).
	createTemp func(dir, pattern string) (tempFile, error)
}

// tempFile is what Store needs of a temporary file.
type tempFile interface {
	io.Writer
	Sync() error
	Close() error
	Name() string
}

func osCreateTemp(dir, pattern string) (tempFile, error) { return os.CreateTemp(dir, pattern) }

// suffix ends every cache file's name; tmpPrefix starts the temporary files writers
// rename into place.
const (
	suffix    = ".hvc"
	tmpPrefix = ".tmp-"
	// staleTmp is the age after which a temporary file is taken to be left by a
	// writer that died, and removed.
	staleTmp = time.Hour
)

// Open returns the cache in directory path, creating it (mode 0700) if needed. It
// fails only when path cannot be made a directory; a directory this process cannot
// write to is still read (writes then fail with one warning). Warnings go to warn
// (nil: os.Stderr), at most one per Dir.
func Open(path string, warn io.Writer) (*Dir, error) {
	if path == "" {
		return nil, errors.New("codecache: empty directory name")
	}
	if err := os.MkdirAll(path, 0o700); err != nil {
		return nil, fmt.Errorf("codecache: %w", err)
	}
	if st, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("codecache: %w", err)
	} else if !st.IsDir() {
		return nil, fmt.Errorf("codecache: %s is not a directory", path)
	}
	if warn == nil {
		warn = os.Stderr
	}
	d := &Dir{path: path, buildID: BuildID(), warnTo: warn, limit: DefaultLimit, size: -1, createTemp: osCreateTemp}
	d.removeStale()
	return d, nil
}

// Path returns the directory.
func (d *Dir) Path() string { return d.path }

// SetWarnings sends the cache's warning (one per Dir) to w instead (io.Discard
// silences it).
func (d *Dir) SetWarnings(w io.Writer) {
	d.warnMu.Lock()
	defer d.warnMu.Unlock()
	d.warnTo = w
}

// Stats counts what the cache did.
type Stats struct {
	// Hits are programs loaded from files; Misses lookups that found no file;
	// Rejected files that were found but not used (corrupt, truncated, or for another
	// format, backend, CPU or build); Written files written; Failed writes that failed
	// (an unwritable or full directory); Evicted files this process removed to keep
	// the directory within its limit (evict.go).
	Hits, Misses, Rejected, Written, Failed, Evicted int64
}

// Stats returns the cache's counters.
func (d *Dir) Stats() Stats {
	return Stats{d.hits.Load(), d.misses.Load(), d.rejected.Load(), d.written.Load(), d.failed.Load(), d.evicted.Load()}
}

// header is the header this process reads and writes for key under target.
func (d *Dir) header(key Key, target codegen.Target) Header {
	return Header{Format: FormatVersion, Target: target, BuildID: d.buildID, Key: key}
}

// File is the path of key's file.
func (d *Dir) File(key Key) string {
	return filepath.Join(d.path, hex.EncodeToString(key[:])+suffix)
}

// Load returns the snapshot stored for key, compiled for target, or nil: no file, or
// a file that is not exactly what this process would write (counted as rejected; the
// caller translates again and Store replaces it).
func (d *Dir) Load(key Key, target codegen.Target) *translate.Snapshot {
	name := d.File(key)
	data, err := os.ReadFile(name)
	if err != nil {
		d.misses.Add(1)
		return nil
	}
	s, err := Decode(data, d.header(key, target))
	if err != nil {
		d.rejected.Add(1)
		return nil
	}
	d.hits.Add(1)
	touch(name) // used: evicted last
	return s
}

// Reject counts a snapshot Load returned that its loader could not use.
func (d *Dir) Reject() {
	d.hits.Add(-1)
	d.rejected.Add(1)
}

// Store writes s as key's file: to a temporary file in the directory, synced, then
// renamed over any older file, evicting the least recently used files if the
// directory then holds more than its limit (evict.go). A failure (an unwritable or
// full directory) is counted and warned about once; the caller's code runs from
// memory regardless.
func (d *Dir) Store(key Key, s *translate.Snapshot) {
	data := Encode(d.header(key, s.Target), s)
	if err := d.write(d.File(key), data); err != nil {
		d.failed.Add(1)
		d.warn(err)
		return
	}
	d.written.Add(1)
	d.wrote(int64(len(data)))
}

func (d *Dir) write(name string, data []byte) (err error) {
	f, err := d.createTemp(d.path, tmpPrefix+"*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			_ = f.Close()
			_ = os.Remove(f.Name())
		}
	}()
	if _, err = f.Write(data); err != nil {
		return err
	}
	if err = f.Sync(); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), name)
}

// warn reports a failed write, once per Dir.
func (d *Dir) warn(err error) {
	d.warnMu.Lock()
	defer d.warnMu.Unlock()
	if d.warned || d.warnTo == nil {
		return
	}
	d.warned = true
	fmt.Fprintf(d.warnTo, "hybridvm: warning: code cache %s: cannot write (%v); compiled code stays in memory only (further failures are not reported)\n", d.path, err)
}

// removeStale removes temporary files older than staleTmp (writers that died before
// their rename).
func (d *Dir) removeStale() {
	entries, err := os.ReadDir(d.path)
	if err != nil {
		return
	}
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), tmpPrefix) || e.Type()&fs.ModeType != 0 {
			continue
		}
		if info, err := e.Info(); err == nil && time.Since(info.ModTime()) > staleTmp {
			_ = os.Remove(filepath.Join(d.path, e.Name()))
		}
	}
}
