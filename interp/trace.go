package interp

import "github.com/hybridvm/hybridvm/guest"

// Tracer observes execution a block at a time. Block is called after a block ran with
// its start address, the number of its instructions that executed (a faulting
// instruction included) and the gas left after the block's charge — gas is charged per
// block, so it is the same for every instruction of the block. Tracing costs one nil
// check per block when off.
type Tracer interface {
	Block(code *guest.Code, start uint64, n int, gasLeft int64)
}
