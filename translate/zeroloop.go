package translate

import (
	"github.com/hybridvm/hybridvm/codegen"
	"github.com/hybridvm/hybridvm/guest"
)

// RunZeroLoop runs the zeroing loop b (see DecodeBlock; st.PC is b.Start) to its end in
// one step with guest.ZeroLoop.Run, which the interpreter uses too.
func RunZeroLoop(st *guest.State, arena *guest.Arena, b *codegen.Block) guest.ExitCode {
	return guestZeroLoop(b).Run(st, arena)
}

// guestZeroLoop describes b (a block with ZeroLoop set) for guest.ZeroLoop.Run.
func guestZeroLoop(b *codegen.Block) *guest.ZeroLoop {
	return &guest.ZeroLoop{Start: b.Start, End: b.End, Ptr: b.ZeroLoop.Ptr, Limit: b.ZeroLoop.Limit, Gas: b.Gas}
}
