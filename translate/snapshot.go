package translate

import (
	"fmt"
	"runtime"

	"github.com/hybridvm/hybridvm/codegen"
	"github.com/hybridvm/hybridvm/guest"
)

// Snapshot is a program's native code in a form that outlives its process (an on-disk
// code cache keeps it): the module's configuration, what the code assumes of the host,
// and its units in relocatable form (codegen/reloc.go).
type Snapshot struct {
	Config codegen.ModuleConfig
	Target codegen.Target
	Units  []*codegen.Unit
	// All says CompileAll had run: the units hold every statically reachable block.
	All bool
}

// Snapshot returns the program's native code in relocatable form.
func (p *Program) Snapshot() (*Snapshot, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.freed {
		return nil, errFreed
	}
	return &Snapshot{Config: p.cfg, Target: p.mod.Target(), Units: p.mod.Units(), All: p.all}, nil
}

// Load returns a program for code under layout whose native code is s's, mapped and
// linked without translating anything: s must come from a program of the same code and
// layout (the caller keys it so) and name be's current target. More code is translated
// as for New.
func Load(code *guest.Code, layout codegen.Layout, be codegen.Backend, opts Options, s *Snapshot) (*Program, error) {
	if s.Config.CodeLo != code.Lo || s.Config.CodeHi != code.Hi || s.Config.Layout != layout {
		return nil, fmt.Errorf("translate: snapshot of code [%#x, %#x) %v, not [%#x, %#x) %v", s.Config.CodeLo, s.Config.CodeHi, s.Config.Layout, code.Lo, code.Hi, layout)
	}
	p, err := newProgram(code, layout, be, opts, s.Config)
	if err != nil {
		return nil, err
	}
	if t := p.mod.Target(); t != s.Target {
		p.Free()
		return nil, fmt.Errorf("translate: snapshot for %v, host code is %v", s.Target, t)
	}
	for _, u := range s.Units {
		if err := p.mod.Load(u); err != nil {
			p.Free()
			return nil, err
		}
		p.stats.Loaded++
		p.stats.LoadedBlocks += len(u.Blocks)
	}
	p.all = s.All
	return p, nil
}

// newProgram returns an empty program with a module of configuration cfg.
func newProgram(code *guest.Code, layout codegen.Layout, be codegen.Backend, opts Options, cfg codegen.ModuleConfig) (*Program, error) {
	if opts.UnitBlocks <= 0 {
		opts.UnitBlocks = DefaultUnitBlocks
	}
	mod, err := be.NewModule(cfg)
	if err != nil {
		return nil, err
	}
	p := &Program{code: code, layout: layout, mod: mod, opts: opts, cfg: cfg}
	runtime.AddCleanup(p, func(m codegen.Module) { m.Free() }, mod)
	return p, nil
}
