package machine

import (
	"github.com/hybridvm/hybridvm/codegen"
	"github.com/hybridvm/hybridvm/codegen/arm64"
)

// nativeBackend compiles guest code on this architecture.
var nativeBackend codegen.Backend = arm64.New()

// DefaultEngine is the engine used when none is chosen: on arm64, tiered (the
// interpreter first, hot code translated in the background).
func DefaultEngine() Engine { return EngineTiered }
