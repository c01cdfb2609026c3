package machine

import (
	"crypto/sha256"
	"encoding/binary"

	"github.com/hybridvm/hybridvm/codecache"
	"github.com/hybridvm/hybridvm/codegen"
	"github.com/hybridvm/hybridvm/guest"
	"github.com/hybridvm/hybridvm/translate"
)

// The on-disk code cache (package codecache). A Cache with a directory (SetDisk) gives
// its images the directory: an image's native program for a layout is loaded from
// there when a file for it exists, instead of being translated, and a program the
// process compiled whole (AOT: CompileAll) is written there once. Only an image's own
// code is cached, never a frame's private translation of code a FENCE.I changed.

// SetDisk makes the cache read and write native code in d (nil: memory only) for the
// images it loads from now on.
func (c *Cache) SetDisk(d *codecache.Dir) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.disk = d
}

// Disk returns the cache's directory (nil if none).
func (c *Cache) Disk() *codecache.Dir {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.disk
}

// diskID is what names an image's code on disk: the SHA-256 of its ELF and the
// constraints it was loaded under.
type diskID struct {
	dir  *codecache.Dir
	hash [32]byte
	cons string
}

// diskKey names the native code of the image's code under layout.
func (c *nativeCache) diskKey(layout codegen.Layout) codecache.Key {
	h := sha256.New()
	h.Write([]byte("hybridvm code cache key 1\x00"))
	h.Write(c.disk.hash[:])
	h.Write([]byte(c.disk.cons))
	var b [8]byte
	for _, v := range []uint64{layout.ArenaBase, layout.ArenaSize, layout.ROStart, layout.ROSize, uint64(layout.PageGas)} {
		binary.LittleEndian.PutUint64(b[:], v)
		h.Write(b[:])
	}
	var k codecache.Key
	h.Sum(k[:0])
	return k
}

// fromDisk returns the native program stored for layout, or nil (c.mu is held).
func (c *nativeCache) fromDisk(code *guest.Code, layout codegen.Layout, opts translate.Options) *translate.Program {
	if c.disk.dir == nil || nativeBackend == nil {
		return nil
	}
	snap := c.disk.dir.Load(c.diskKey(layout), nativeBackend.Target())
	if snap == nil {
		return nil
	}
	p, err := translate.Load(code, layout, nativeBackend, opts, snap)
	if err != nil {
		c.disk.dir.Reject()
		return nil
	}
	return p
}

// loadFromDisk makes the image's native program for layout from its file, if it has
// none yet and has not tried before, and reports whether the image has one now.
func (c *nativeCache) loadFromDisk(code *guest.Code, layout codegen.Layout, opts translate.Options) bool {
	if c.disk.dir == nil || nativeBackend == nil {
		return false
	}
	key := nativeKey{layout, opts}
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.progs[key]; ok {
		return e.err == nil
	}
	if c.tried[key] {
		return false
	}
	if c.tried == nil {
		c.tried = map[nativeKey]bool{}
	}
	c.tried[key] = true
	p := c.fromDisk(code, layout, opts)
	if p == nil {
		return false
	}
	if c.progs == nil {
		c.progs = map[nativeKey]*nativeEntry{}
	}
	e := &nativeEntry{key: key, prog: p, stored: true, storedUnits: p.Stats().Loaded}
	c.progs[key] = e
	c.created.Store(true)
	c.last.Store(e)
	return true
}

// diskUntried reports whether the image has a disk cache whose file for layout has not
// been tried yet. It never waits: while another goroutine sets up or loads a program it
// reports false.
func (c *nativeCache) diskUntried(layout codegen.Layout, opts translate.Options) bool {
	if c.disk.dir == nil || nativeBackend == nil {
		return false
	}
	if !c.mu.TryLock() {
		return false // a worker is setting the program up or loading it
	}
	defer c.mu.Unlock()
	key := nativeKey{layout, opts}
	_, made := c.progs[key]
	return !made && !c.tried[key]
}

// compiledAll writes p, the image's native program, to the disk cache after
// CompileAll, once: unless it came from there.
func (c *nativeCache) compiledAll(p *translate.Program) {
	c.store(p, false)
}

// grown rewrites p's file when p, written to or loaded from the disk cache, has
// translated more units since (blocks reached only through indirect jumps, which
// CompileAll cannot see): a frame calls it when it ends, so the file catches up with
// what runs without being rewritten for every unit.
func (c *nativeCache) grown(p *translate.Program) {
	c.store(p, true)
}

// store writes p's snapshot unless it is stored already (again: unless it has no more
// units than when it was stored).
func (c *nativeCache) store(p *translate.Program, again bool) {
	if c.disk.dir == nil {
		return
	}
	s, ok := p.TryStats()
	if !ok {
		if again {
			return // a worker is translating into p: a later frame's end writes it
		}
		s = p.Stats()
	}
	units := s.Units + s.Loaded
	c.mu.Lock()
	var e *nativeEntry
	for _, x := range c.progs {
		if x.prog == p {
			e = x
		}
	}
	if e == nil || e.stored != again || (again && units <= e.storedUnits) {
		c.mu.Unlock()
		return
	}
	e.stored, e.storedUnits = true, units
	c.mu.Unlock()
	snap, err := p.Snapshot()
	if err != nil || !snap.All {
		return
	}
	c.disk.dir.Store(c.diskKey(p.Layout()), snap)
}
