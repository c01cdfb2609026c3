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
// It is direct-mapped: slotCacheSize entries indexed by a few bits of the key.
type slotCache struct {
	used uint64 // bit i: entry i holds a slot
	keys [slotCacheSize]uint256.Int
	vals [slotCacheSize]uint256.Int
	// hit is the entry gasSload found for the SLOAD about to execute, or -1.
	hit int
}

const slotCacheSize = 64

func slotIndex(k *uint256.Int) int {
	x := k[0] ^ k[1] ^ k[2] ^ k[3]
	return int((x ^ x>>6 ^ x>>12) % slotCacheSize)
}

// lookup returns the entry holding key k, or -1.
func (c *slotCache) lookup(k *uint256.Int) int {
	i := slotIndex(k)
	if c.used&(1<<i) != 0 && c.keys[i] == *k {
		return i
	}
	return -1
}

// store records that slot k is warm and holds v.
func (c *slotCache) store(k, v *uint256.Int) {
	i := slotIndex(k)
	c.keys[i], c.vals[i] = *k, *v
	c.used |= 1 << i
}

// reset forgets everything (before a nested call or create).
func (c *slotCache) reset() { c.used = 0 }
