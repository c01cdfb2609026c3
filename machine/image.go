package machine

import (
	"container/list"
	"fmt"
	"sync"

	"github.com/ethereum/go-ethereum/crypto"
	"github.com/hybridvm/hybridvm/guest"
	"github.com/hybridvm/hybridvm/interp"
)

// Image is a loaded program with the engines' compiled forms of its code. It is
// immutable (its caches fill lazily and are safe for concurrent use) and shared by every
// frame and goroutine that runs the same ELF.
type Image struct {
	Program *guest.Program
	Code    *guest.Code
	Interp  *interp.Program
	native  nativeCache // native code per memory layout (machine/native.go)
}

func newImage(p *guest.Program) *Image {
	code := p.Code()
	return &Image{Program: p, Code: code, Interp: interp.NewProgram(code)}
}

// Cache maps code hashes to images. It is safe for concurrent use and holds at most
// its capacity, dropping the least recently used image.
type Cache struct {
	mu    sync.Mutex
	cap   int
	items map[cacheKey]*list.Element
	order *list.List // front: most recently used
}

type cacheKey struct {
	hash [32]byte
	c    string // the constraints the ELF was validated against
}

type cacheEntry struct {
	key cacheKey
	img *Image
}

// NewCache returns a cache holding up to capacity images.
func NewCache(capacity int) *Cache {
	if capacity < 1 {
		capacity = 1
	}
	return &Cache{cap: capacity, items: map[cacheKey]*list.Element{}, order: list.New()}
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
// non-nil, is elf's keccak256 (saving the hashing when the caller knows it).
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
		return e.Value.(*cacheEntry).img, nil
	}
	c.items[key] = c.order.PushFront(&cacheEntry{key, img})
	for c.order.Len() > c.cap {
		last := c.order.Back()
		c.order.Remove(last)
		delete(c.items, last.Value.(*cacheEntry).key)
	}
	return img, nil
}

// Len returns the number of cached images.
func (c *Cache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.order.Len()
}
