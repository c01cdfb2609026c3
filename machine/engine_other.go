//go:build !amd64 && !arm64

package machine

import "github.com/hybridvm/hybridvm/codegen"

// nativeBackend is nil: this architecture has no backend, and EngineJIT and
// EngineAOT run on the interpreter.
var nativeBackend codegen.Backend

// DefaultEngine is the engine used when none is chosen: the interpreter, since this
// architecture has no native backend.
func DefaultEngine() Engine { return EngineInterp }
