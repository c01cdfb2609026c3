package evm

import (
	"sync"

	"github.com/hybridvm/hybridvm/host"
)

// codeCache holds analysed programs by code hash, shared by every goroutine using one *EVM
// (hence one fork). It is bounded in bytes: each shard keeps two generations; when the young
// one exceeds its budget it becomes the old one and the previous old generation is dropped.
// A hit in the old generation is promoted, so code in use survives (an approximation of LRU
// that costs one map lookup on the hot path).
type codeCache struct {
	shards [cacheShards]cacheShard
	budget int // bytes per shard generation
}

const cacheShards = 16

// DefaultCacheBytes is the analysis cache budget when Config.CacheBytes is zero.
const DefaultCacheBytes = 128 << 20

type cacheShard struct {
	mu         sync.RWMutex
	young, old map[host.Hash]*program
	youngBytes int
}

func newCodeCache(totalBytes int) *codeCache {
	c := &codeCache{budget: max(totalBytes/(2*cacheShards), 1)}
	for i := range c.shards {
		c.shards[i].young = make(map[host.Hash]*program)
	}
	return c
}

func (c *codeCache) shard(h host.Hash) *cacheShard { return &c.shards[h[0]%cacheShards] }

// get returns the cached program for a code hash.
func (c *codeCache) get(h host.Hash) *program {
	s := c.shard(h)
	s.mu.RLock()
	p := s.young[h]
	if p != nil {
		s.mu.RUnlock()
		return p
	}
	p = s.old[h]
	s.mu.RUnlock()
	if p != nil {
		c.put(h, p) // promote
	}
	return p
}

// put stores a program, rotating the shard's generations when the young one is full.
func (c *codeCache) put(h host.Hash, p *program) {
	s := c.shard(h)
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.young[h]; ok {
		return
	}
	s.young[h] = p
	s.youngBytes += p.bytes()
	if s.youngBytes > c.budget {
		s.old = s.young
		s.young = make(map[host.Hash]*program)
		s.youngBytes = 0
	}
}

// len returns the number of cached programs (for tests).
func (c *codeCache) len() int {
	n := 0
	for i := range c.shards {
		s := &c.shards[i]
		s.mu.RLock()
		n += len(s.young) + len(s.old)
		s.mu.RUnlock()
	}
	return n
}
