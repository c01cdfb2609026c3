package machine

import "math/rand/v2"

// Engine switches forced for tests: a frame given a switch seed leaves native code
// for the interpreter, and comes back, at random block boundaries — after every exit
// native code returns with, it interprets a random 1 to 64 instructions half the
// time. Results, gas, instruction counts and faults must not change (the corpus's
// "switch" engine checks it against the interpreter): it is what translation credit,
// and any future tiering, rely on.

// SetSwitchSeed makes the frame switch engines at random points drawn from seed (see
// above). Call it before the first Run.
func (f *Frame) SetSwitchSeed(seed uint64) {
	f.native.chaos = rand.New(rand.NewPCG(seed, 0x5eed))
}

// forceSwitch reports whether the frame should interpret now (setting the slice).
func (f *Frame) forceSwitch() bool {
	if f.native.chaos == nil || f.native.chaos.IntN(2) != 0 {
		return false
	}
	f.native.slice = 1 + f.native.chaos.Uint64N(64)
	return true
}
