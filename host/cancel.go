package host

import (
	"errors"
	"sync/atomic"
)

// Canceler is implemented by hosts whose executions can be cancelled (the runtime is
// one). Engines read the flag at least every few microseconds of guest work — the EVM
// at every taken jump and frame start, the RISC-V engines at every budget exit — and
// fail the running frame with ErrCanceled once it is set; every frame above it then
// fails the same way as control returns to it.
type Canceler interface {
	CancelFlag() *atomic.Bool
}

// ErrCanceled is the failure of a frame stopped by its host's cancel flag.
var ErrCanceled = errors.New("execution canceled")

// CancelFlagOf returns h's cancel flag, or a flag that is never set.
func CancelFlagOf(h Host) *atomic.Bool {
	if c, ok := h.(Canceler); ok {
		if f := c.CancelFlag(); f != nil {
			return f
		}
	}
	return &neverCanceled
}

var neverCanceled atomic.Bool
