package codecache

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// Size limit. A directory keeps at most its limit in cache files (DefaultLimit unless
// SetLimit says otherwise), evicting the least recently used: Load touches a file's
// modification time when it uses it, so the oldest times are the files no process
// used for longest. The directory is listed only when this process's count of what
// it holds (the last listing plus what it wrote since) passes the limit, or when the
// last listing is older than rescanAfter (other processes write too); eviction then
// goes down to 7/8 of the limit, so a stream of writes lists it once per eighth.
//
// Eviction is safe for processes sharing the directory: files are removed by name,
// a reader reads a whole file with one open (Load never maps it), and on POSIX
// systems a removed file stays readable through a descriptor opened before; a file
// removed before it was opened is a miss, recompiled and written again. Temporary
// files are never evicted (removeStale removes those writers left behind).

// DefaultLimit is a directory's size limit unless SetLimit changes it: 1 GiB, some
// ten thousand contracts of the ERC20's size.
const DefaultLimit = 1 << 30

// rescanAfter bounds how long a process trusts its count of the directory's size.
const rescanAfter = time.Minute

// SetLimit sets the most bytes of cache files the directory keeps (n <= 0: no limit),
// evicting at the next write if it holds more.
func (d *Dir) SetLimit(n int64) {
	d.sizeMu.Lock()
	defer d.sizeMu.Unlock()
	d.limit = n
	d.size = -1 // list it at the next write
}

// Limit returns the directory's size limit (0: none).
func (d *Dir) Limit() int64 {
	d.sizeMu.Lock()
	defer d.sizeMu.Unlock()
	return max(d.limit, 0)
}

// touch marks the file as used now, for eviction (best effort: a file that cannot be
// touched is evicted as if unused).
func touch(name string) {
	now := time.Now()
	_ = os.Chtimes(name, now, now)
}

// wrote accounts for a file of n bytes written, evicting when the directory may hold
// more than its limit.
func (d *Dir) wrote(n int64) {
	d.sizeMu.Lock()
	defer d.sizeMu.Unlock()
	if d.limit <= 0 {
		return
	}
	if d.size >= 0 {
		d.size += n
		if d.size <= d.limit && time.Since(d.listed) < rescanAfter {
			return
		}
	}
	d.trim()
}

// trim lists the cache files and, if they take more than the limit, removes the least
// recently used until they take at most 7/8 of it (d.sizeMu is held).
func (d *Dir) trim() {
	entries, err := os.ReadDir(d.path)
	if err != nil {
		return
	}
	type file struct {
		name string
		size int64
		used time.Time
	}
	var files []file
	var total int64
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), suffix) || strings.HasPrefix(e.Name(), tmpPrefix) || !e.Type().IsRegular() {
			continue
		}
		info, err := e.Info()
		if err != nil {
			continue // removed meanwhile
		}
		files = append(files, file{e.Name(), info.Size(), info.ModTime()})
		total += info.Size()
	}
	if total > d.limit {
		slices.SortFunc(files, func(a, b file) int {
			if c := a.used.Compare(b.used); c != 0 {
				return c
			}
			return strings.Compare(a.name, b.name)
		})
		target := d.limit - d.limit/8
		for _, f := range files {
			if total <= target {
				break
			}
			if err := os.Remove(filepath.Join(d.path, f.name)); err == nil || os.IsNotExist(err) {
				total -= f.size
				if err == nil {
					d.evicted.Add(1)
				}
			}
		}
	}
	d.size, d.listed = total, time.Now()
}
