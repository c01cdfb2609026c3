package translate

import (
	"github.com/hybridvm/hybridvm/codegen"
	"github.com/hybridvm/hybridvm/guest"
)

// RunZeroLoop runs the zeroing loop b (see DecodeBlock; st.PC is b.Start) to its end in
// one step with guest.ZeroLoop.Run, which the interpreter uses too.
func RunZeroLoop(st *guest.State, arena *guest.Arena, b *codegen.Block) guest.ExitCode {
	return b.ZeroLoop.Run(st, arena)
}
