package translate

import (
	"errors"
	"fmt"
	"runtime"
	"sort"
	"sync"

	"github.com/hybridvm/hybridvm/codegen"
	"github.com/hybridvm/hybridvm/guest"
)

// Options tune translation.
type Options struct {
	// UnitBlocks is how many blocks the JIT compiles together when control reaches an
	// untranslated block: that block plus its statically reachable untranslated
	// neighbours, breadth first (blocks of one unit jump to each other directly). 0
	// means DefaultUnitBlocks; 1 translates strictly block by block.
	UnitBlocks int
}

var errFreed = errors.New("BUG: translate: program used after Free")

// DefaultUnitBlocks is the JIT's default unit size.
const DefaultUnitBlocks = 64

// Program is the native code of one guest.Code for one memory layout. It is safe for
// concurrent use: any number of goroutines Run it while others translate more of it.
// Its executable memory is released when the Program becomes unreachable.
type Program struct {
	code   *guest.Code
	layout codegen.Layout
	mod    codegen.Module
	opts   Options
	cfg    codegen.ModuleConfig

	mu    sync.Mutex
	all   bool // CompileAll ran
	freed bool
	// broken is the error of a backend panic (compileUnit): the program translates
	// nothing more.
	broken error
	stats  Stats
	// pre are the blocks New's register-use analysis decoded (every block statically
	// reachable from the entry), sorted by address: the first compilation takes its
	// blocks from them instead of decoding them again, then drops them.
	pre []*codegen.Block
}

// Stats counts translation work.
type Stats struct {
	// Insts counts the guest instructions translated; CodeBytes the machine code and
	// MemBytes the executable memory (code and data pages) it takes.
	Units, Blocks, Insts, CodeBytes, MemBytes int
	// Loaded and LoadedBlocks count the units and blocks loaded from a snapshot (a code
	// cache) instead of translated: they are not in Units, Blocks and Insts.
	Loaded, LoadedBlocks int
}

// Add adds o's counters to s.
func (s *Stats) Add(o Stats) {
	s.Units += o.Units
	s.Blocks += o.Blocks
	s.Insts += o.Insts
	s.CodeBytes += o.CodeBytes
	s.MemBytes += o.MemBytes
	s.Loaded += o.Loaded
	s.LoadedBlocks += o.LoadedBlocks
}

// New returns an empty program for code (whose execution starts at entry) under
// layout, compiled by be.
func New(code *guest.Code, entry uint64, layout codegen.Layout, be codegen.Backend, opts Options) (*Program, error) {
	a := analyze(code, entry)
	p, err := newProgram(code, layout, be, opts, codegen.ModuleConfig{CodeLo: code.Lo, CodeHi: code.Hi, Layout: layout, RegUse: a.use})
	if err != nil {
		return nil, err
	}
	p.pre = a.blocks
	return p, nil
}

// block returns the block at pc: New's decoding of it while the program has not
// compiled anything, a new decoding otherwise (nil: a fetch fault at pc).
func (p *Program) block(pc uint64) *codegen.Block {
	if i := sort.Search(len(p.pre), func(i int) bool { return p.pre[i].Start >= pc }); i < len(p.pre) && p.pre[i].Start == pc {
		return p.pre[i]
	}
	return DecodeBlock(p.code, pc)
}

// Free releases the program's executable memory at once (otherwise it is released
// when the Program becomes unreachable). No goroutine may run the program any more.
func (p *Program) Free() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.freed = true
	p.mod.Free()
}

// Code returns the code the program translates.
func (p *Program) Code() *guest.Code { return p.code }

// Layout returns the memory layout the program's code assumes.
func (p *Program) Layout() codegen.Layout { return p.layout }

// Run runs native code from st.PC until an exit (see codegen.Module.Run).
func (p *Program) Run(st *guest.State) guest.ExitCode {
	exit := p.mod.Run(st)
	runtime.KeepAlive(p)
	return exit
}

// Stats returns the translation counters.
func (p *Program) Stats() Stats {
	p.mu.Lock()
	defer p.mu.Unlock()
	s := p.stats
	s.CodeBytes = p.mod.CodeSize()
	s.MemBytes = p.mod.MemSize()
	return s
}

// Resolve handles guest.ExitMissingBlock at pc: it compiles the block at pc (and, for
// the JIT, its untranslated neighbourhood), or re-links it when it was compiled
// already. It returns false when no instruction can be fetched at pc: the caller
// reports a fetch fault.
func (p *Program) Resolve(pc uint64) (bool, error) {
	found, _, err := p.ResolveWithin(pc, 0)
	return found, err
}

// TryLink links the compiled block at pc (as Resolve does) without waiting: locked
// is false when another goroutine is translating into the program right now.
func (p *Program) TryLink(pc uint64) (has, locked bool) {
	if !p.mu.TryLock() {
		return false, false
	}
	defer p.mu.Unlock()
	if p.freed || !p.mod.Has(pc) {
		return false, true
	}
	p.mod.Link(pc)
	return true, true
}

// ResolveWithin is Resolve translating at most maxInsts guest instructions (0: no
// limit): compiled is false, and nothing is translated, when the block at pc alone
// has more.
func (p *Program) ResolveWithin(pc uint64, maxInsts int) (found, compiled bool, err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	first, found, compiled, err := p.startAt(pc, maxInsts)
	if first == nil {
		return found, compiled, err
	}
	return true, true, p.compile(p.discover([]*codegen.Block{first}, p.opts.UnitBlocks, maxInsts))
}

// startAt begins a request to translate from pc, under p.mu: it returns the
// block at pc to start from, or, when first is nil, the request's whole answer
// (the program freed, pc already translated and now linked, no instruction at
// pc, or the block at pc alone over maxInsts instructions).
func (p *Program) startAt(pc uint64, maxInsts int) (first *codegen.Block, found, compiled bool, err error) {
	if p.freed {
		return nil, false, false, errFreed
	}
	if p.mod.Has(pc) {
		p.mod.Link(pc)
		return nil, true, true, nil
	}
	first = p.block(pc)
	if first == nil {
		return nil, false, false, nil
	}
	if maxInsts > 0 && len(first.Insts) > maxInsts {
		return nil, true, false, nil
	}
	return first, true, false, nil
}

// CompileAll compiles every block reachable from the entry points through static
// control flow (AOT). Blocks reached only through indirect jumps the discovery could
// not see are compiled later by Resolve.
func (p *Program) CompileAll(entries ...uint64) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.freed {
		return errFreed
	}
	if p.all {
		return nil
	}
	var roots []*codegen.Block
	seen := map[uint64]bool{}
	for _, pc := range entries {
		if seen[pc] {
			continue // entry and pc are often the same: compile the block once
		}
		seen[pc] = true
		if b := p.block(pc); b != nil && !p.mod.Has(pc) {
			roots = append(roots, b)
		}
	}
	if err := p.compile(p.discover(roots, 0, 0)); err != nil {
		return err
	}
	p.all = true
	return nil
}

// discover returns roots plus the untranslated blocks statically reachable from
// them, breadth first, at most limit blocks and maxInsts instructions (0: no limit;
// the first root always counts), sorted by address so fall-through successors are
// adjacent.
func (p *Program) discover(roots []*codegen.Block, limit, maxInsts int) []*codegen.Block {
	seen := newPCSet(p.code, limit == 0) // a JIT unit sees a few blocks: a map
	var out []*codegen.Block
	queue := append([]*codegen.Block(nil), roots...)
	for _, b := range roots {
		seen.add(b.Start)
	}
	insts := 0
	for len(queue) > 0 && (limit == 0 || len(out) < limit) {
		b := queue[0]
		queue = queue[1:]
		if maxInsts > 0 && len(out) > 0 && insts+len(b.Insts) > maxInsts {
			continue
		}
		insts += len(b.Insts)
		out = append(out, b)
		succ, n := successors(b)
		for _, s := range succ[:n] {
			if p.mod.Has(s) || !seen.add(s) {
				continue
			}
			if nb := p.block(s); nb != nil {
				queue = append(queue, nb)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Start < out[j].Start })
	return out
}

func (p *Program) compile(blocks []*codegen.Block) error {
	if len(blocks) == 0 {
		return nil
	}
	p.pre = nil // the first compilation took what it needed
	if p.broken != nil {
		return p.broken
	}
	if err := p.compileUnit(blocks); err != nil {
		return fmt.Errorf("translating %d blocks at %#x: %w", len(blocks), blocks[0].Start, err)
	}
	p.stats.Units++
	p.stats.Blocks += len(blocks)
	for _, b := range blocks {
		p.stats.Insts += len(b.Insts)
	}
	return nil
}

// compileUnit has the backend compile blocks. A panic there is a bug in the backend,
// and guest code must never turn a bug into a crash of the host (a background
// translation worker's panic would end the process): it becomes an error, which
// sends the frames asking for the code to the interpreter and makes the corpus
// checks fail (internal/corpus), and the program translates nothing more, since the
// module may be half-way through its unit.
func (p *Program) compileUnit(blocks []*codegen.Block) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("BUG: the %s backend panicked: %v", p.mod.Target().Backend, r)
			p.broken = err
		}
	}()
	return p.mod.Compile(blocks)
}
