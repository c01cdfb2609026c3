package evm

import "github.com/holiman/uint256"

// slotCache remembers, for the executing frame, storage slots of its own account that it has
// read or written: their current value, and that they are warm (EIP-2929). A hit spares the
// host's access-list and storage lookups, which dominate SLOAD-heavy code.
//
// It is exact because nothing but the frame itself changes its account's storage or
// access-list status while it runs, except a nested call or create (a reentrant call or a
// DELEGATECALL can write the storage, and a child that reverts un-warms what it warmed): the
// cache is emptied before every call and create. A slot the frame itself warmed stays warm
// while the frame runs (only the frame's own revert would undo it, and that ends the frame).
//
// It is an open-addressing table with linear probing, allocated on first use and kept with
// the pooled frame. Emptying it bumps a generation number instead of clearing memory. It
// grows to maxSlotCache entries; when that is three-quarters full, new slots are simply not
// cached.
type slotCache struct {
	ents []slotEntry // len is a power of two, or 0
	gen  uint32      // entries of other generations are empty
	n    int         // entries of this generation
	// hit is the entry gasSload found for the SLOAD about to execute, or -1.
	hit int
}

type slotEntry struct {
	key, val uint256.Int
	gen      uint32
}

const (
	minSlotCache = 64
	maxSlotCache = 1024
)

// slotHash folds a key for indexing. Solidity's array slots are consecutive keys, which the
// fold keeps in consecutive entries.
func slotHash(k *uint256.Int) int {
	x := k[0] ^ k[1] ^ k[2] ^ k[3]
	x ^= x >> 32
	x ^= x >> 16
	return int(x)
}

// lookup returns the entry holding key k, or -1.
func (c *slotCache) lookup(k *uint256.Int) int {
	if c.n == 0 {
		return -1
	}
	mask := len(c.ents) - 1
	for i := slotHash(k) & mask; ; i = (i + 1) & mask {
		e := &c.ents[i]
		if e.gen != c.gen {
			return -1
		}
		if e.key == *k {
			return i
		}
	}
}

// store records that slot k is warm and holds v.
func (c *slotCache) store(k, v *uint256.Int) {
	if c.ents == nil {
		c.ents = make([]slotEntry, minSlotCache)
		c.gen = 1
	}
	if 4*(c.n+1) > 3*len(c.ents) {
		if len(c.ents) >= maxSlotCache {
			if i := c.lookup(k); i >= 0 {
				c.ents[i].val = *v
			}
			return
		}
		c.grow()
	}
	mask := len(c.ents) - 1
	for i := slotHash(k) & mask; ; i = (i + 1) & mask {
		e := &c.ents[i]
		if e.gen != c.gen {
			e.key, e.val, e.gen = *k, *v, c.gen
			c.n++
			return
		}
		if e.key == *k {
			e.val = *v
			return
		}
	}
}

// grow doubles the table, keeping this generation's entries.
func (c *slotCache) grow() {
	old, gen := c.ents, c.gen
	c.ents = make([]slotEntry, 2*len(old))
	c.gen, c.n = 1, 0
	for i := range old {
		if e := &old[i]; e.gen == gen {
			c.store(&e.key, &e.val)
		}
	}
}

// reset forgets everything (before a nested call or create, and between frames).
func (c *slotCache) reset() {
	c.n = 0
	c.gen++
	if c.gen == 0 { // wrapped around: old generations could look current again
		clear(c.ents)
		c.gen = 1
	}
}
