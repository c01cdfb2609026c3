package machine

import (
	"container/list"
	"crypto/sha256"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/ethereum/go-ethereum/crypto"
	"github.com/hybridvm/hybridvm/codecache"
	"github.com/hybridvm/hybridvm/codegen"
	"github.com/hybridvm/hybridvm/guest"
	"github.com/hybridvm/hybridvm/interp"
	"github.com/hybridvm/hybridvm/translate"
)

// Image is a loaded program with the engines' compiled forms of its code. It is
// immutable (its caches fill lazily and are safe for concurrent use) and shared by every
// frame and goroutine that runs the same ELF.
type Image struct {
	Program *guest.Program
	Code    *guest.Code
	Interp  *interp.Program
	native  nativeCache // native code per memory layout (machine/native.go)
	// refs counts the image's holders: the cache that keeps it, the caller of
	// Cache.Load, and every frame running it. The last Release frees its native code
	// at once (not at the next garbage collection, which an allocation-light attack
	// could postpone while mapping code without bound).
	refs atomic.Int32
	// retired counts the instructions frames of the image retired (translation
	// credit: machine/credit.go).
	retired atomic.Uint64
	// pins counts holds that keep the image in its cache (Pin).
	pins atomic.Int32
	// tierRefs counts the holds of tiered translation requests (machine/tier.go),
	// which skip an image nothing else holds.
	tierRefs atomic.Int32
}

// Pin keeps the image (and a hold on it) in every cache it is in until Unpin: the
// caches evict other images instead.
func (img *Image) Pin() {
	img.acquire()
	img.pins.Add(1)
}

// Unpin undoes a Pin.
func (img *Image) Unpin() {
	img.pins.Add(-1)
	img.Release()
}

func newImage(p *guest.Program) *Image {
	code := p.Code()
	img := &Image{Program: p, Code: code, Interp: interp.NewProgram(code)}
	img.refs.Store(1)
	return img
}

// acquire adds a holder.
func (img *Image) acquire() { img.refs.Add(1) }

// Release drops a holder (see Cache.Load); the last one frees the native code.
func (img *Image) Release() {
	if img.drop() {
		img.native.free()
	}
}

// drop takes away a holder and reports whether it was the last: the caller frees the
// native code.
func (img *Image) drop() (last bool) {
	n := img.refs.Add(-1)
	if n < 0 {
		panic("BUG: machine: image released more often than acquired")
	}
	return n == 0
}

// Cache maps code hashes to images. It is safe for concurrent use and holds at most
// its capacity in images and, checked whenever an image is added, about its byte
// limit in native code, dropping the least recently used images. A dropped image's
// native code is freed as soon as no frame runs it.
type Cache struct {
	mu    sync.Mutex
	cap   int
	bytes int64 // native-code bytes allowed (soft: checked when an image is added)
	items map[cacheKey]*list.Element
	order *list.List // front: most recently used
	disk  *codecache.Dir
}

type cacheKey struct {
	hash [32]byte
	c    string // the constraints the ELF was validated against
}

type cacheEntry struct {
	key cacheKey
	img *Image
}

// DefaultCacheBytes is a cache's default limit on native code.
const DefaultCacheBytes = 256 << 20

// NewCache returns a cache holding up to capacity images and DefaultCacheBytes of
// native code.
func NewCache(capacity int) *Cache {
	if capacity < 1 {
		capacity = 1
	}
	return &Cache{cap: capacity, bytes: DefaultCacheBytes, items: map[cacheKey]*list.Element{}, order: list.New()}
}

// SetCodeLimit sets the cache's limit on native-code bytes (at least one image is
// always kept).
func (c *Cache) SetCodeLimit(n int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.bytes = n
}

// constraintsKey names a set of constraints for the cache key.
func constraintsKey(c guest.Constraints) string {
	if c.ArenaSize == 0 {
		return fmt.Sprintf("exec/%#x", c.ExecArenaSize)
	}
	if c.ArenaBase == guest.ContractConstraints.ArenaBase && c.ArenaSize == guest.ContractConstraints.ArenaSize {
		return "contract"
	}
	return "custom"
}

// Load returns the image of elf, validating and caching it on first use. hash, when
// non-nil, is elf's keccak256 (saving the hashing when the caller knows it). The caller
// holds the image until it calls Release (NewFrame takes a hold of its own).
func (c *Cache) Load(elf []byte, hash *[32]byte, cons guest.Constraints) (*Image, error) {
	key := cacheKey{c: constraintsKey(cons)}
	if hash != nil {
		key.hash = *hash
	} else {
		key.hash = crypto.Keccak256Hash(elf)
	}
	cacheable := key.c != "custom"
	if cacheable {
		c.mu.Lock()
		if e, ok := c.items[key]; ok {
			c.order.MoveToFront(e)
			img := e.Value.(*cacheEntry).img
			img.acquire()
			// Cached images grow as the JIT translates them: past the byte limit
			// (the process's native code is a cheap upper bound of this cache's),
			// drop the least recently used ones.
			if c.bytes > 0 && codegen.LiveBytes() > c.bytes {
				c.evict()
			}
			c.mu.Unlock()
			return img, nil
		}
		c.mu.Unlock()
	}
	p, err := guest.LoadELF(elf, cons)
	if err != nil {
		return nil, err
	}
	img := newImage(p)
	if !cacheable {
		return img, nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.items[key]; ok { // another goroutine loaded it meanwhile
		c.order.MoveToFront(e)
		cached := e.Value.(*cacheEntry).img
		cached.acquire()
		img.Release()
		return cached, nil
	}
	img.acquire() // the cache's hold; the caller keeps the first
	if c.disk != nil {
		// The disk key is the ELF's own digest, whatever hash the caller keys the
		// cache by (a contract's code hash covers the 0xFF prefix, exec's the ELF).
		img.native.disk = diskID{c.disk, sha256.Sum256(elf), key.c}
	}
	c.items[key] = c.order.PushFront(&cacheEntry{key, img})
	c.evict()
	return img, nil
}

// evict drops least recently used images until the cache is within its limits (c.mu
// is held).
func (c *Cache) evict() {
	var bytes int64
	if c.bytes > 0 {
		for e := c.order.Front(); e != nil; e = e.Next() {
			bytes += e.Value.(*cacheEntry).img.nativeBytes()
		}
	}
	last := c.order.Back()
	for c.order.Len() > 1 && last != nil && (c.order.Len() > c.cap || (c.bytes > 0 && bytes > c.bytes)) {
		ent := last.Value.(*cacheEntry)
		prev := last.Prev()
		if ent.img.pins.Load() > 0 { // pinned: evict others
			last = prev
			continue
		}
		c.order.Remove(last)
		last = prev
		delete(c.items, ent.key)
		if c.bytes > 0 {
			bytes -= ent.img.nativeBytes()
		}
		ent.img.Release()
	}
}

// Purge drops every image (each one's native code is freed once no frame runs it).
func (c *Cache) Purge() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for e := c.order.Front(); e != nil; e = e.Next() {
		e.Value.(*cacheEntry).img.Release()
	}
	c.items = map[cacheKey]*list.Element{}
	c.order.Init()
}

// Len returns the number of cached images.
func (c *Cache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.order.Len()
}

// CacheStats sums what a cache's images have done.
type CacheStats struct {
	Images int
	// Retired counts the instructions frames of the cached images retired.
	Retired uint64
	// Native sums the translation counters of their native code.
	Native translate.Stats
}

// Stats returns the cache's counters.
func (c *Cache) Stats() CacheStats {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := CacheStats{Images: c.order.Len()}
	for e := c.order.Front(); e != nil; e = e.Next() {
		img := e.Value.(*cacheEntry).img
		s.Retired += img.retired.Load()
		s.Native.Add(img.nativeStats())
	}
	return s
}
