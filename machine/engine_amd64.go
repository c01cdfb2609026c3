package machine

import (
	"github.com/hybridvm/hybridvm/codegen"
	"github.com/hybridvm/hybridvm/codegen/amd64"
)

// nativeBackend compiles guest code on this architecture.
var nativeBackend codegen.Backend = amd64.New()

// DefaultEngine is the engine used when none is chosen: on amd64, tiered (the
// interpreter first, hot code translated in the background).
func DefaultEngine() Engine { return EngineTiered }
