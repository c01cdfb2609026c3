package hybridvm

import (
	"fmt"
	"strings"

	"github.com/hybridvm/hybridvm/machine"
)

// Engine selects how a Runtime runs RISC-V code. The zero value, EngineDefault, is the
// best engine for this platform: DefaultEngine().
type Engine uint8

// The RISC-V engines.
const (
	// EngineDefault is DefaultEngine(): tiered where this architecture has a native
	// backend, else the interpreter.
	EngineDefault Engine = iota
	// EngineInterp is the interpreter: the reference, available everywhere.
	EngineInterp
	// EngineJIT translates to native code block by block as first executed (the
	// interpreter on architectures without a backend).
	EngineJIT
	// EngineAOT translates a whole program to native code when it is first loaded
	// (the interpreter on architectures without a backend).
	EngineAOT
	// EngineTiered starts on the interpreter and translates code that runs hot in the
	// background, switching to it at a block boundary (the interpreter on
	// architectures without a backend).
	EngineTiered
)

var engineNames = [...]string{"default", "interp", "jit", "aot", "tiered"}

func (e Engine) String() string {
	if int(e) < len(engineNames) {
		return engineNames[e]
	}
	return fmt.Sprintf("Engine(%d)", uint8(e))
}

// ParseEngine returns the engine with the given name: "interp", "jit", "aot",
// "tiered" or "default" (case-insensitive).
func ParseEngine(name string) (Engine, error) {
	for i, n := range engineNames {
		if strings.EqualFold(n, name) {
			return Engine(i), nil
		}
	}
	return 0, fmt.Errorf("unknown engine %q (supported: interp, jit, aot, tiered)", name)
}

// DefaultEngine is the engine EngineDefault stands for: EngineTiered where this
// architecture has a native backend (amd64, arm64), else EngineInterp.
func DefaultEngine() Engine {
	if machine.DefaultEngine() == machine.EngineInterp {
		return EngineInterp
	}
	return EngineTiered
}

// machineEngine is the machine's engine for e, EngineDefault resolved.
func (e Engine) machineEngine() (machine.Engine, error) {
	if e == EngineDefault {
		e = DefaultEngine()
	}
	switch e {
	case EngineInterp:
		return machine.EngineInterp, nil
	case EngineJIT:
		return machine.EngineJIT, nil
	case EngineAOT:
		return machine.EngineAOT, nil
	case EngineTiered:
		return machine.EngineTiered, nil
	}
	return 0, fmt.Errorf("hybridvm: unknown engine %v", e)
}
