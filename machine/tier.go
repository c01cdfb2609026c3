package machine

import (
	"runtime"
	"sync"

	"github.com/hybridvm/hybridvm/codegen"
	"github.com/hybridvm/hybridvm/guest"
	"github.com/hybridvm/hybridvm/translate"
)

// Tiered execution (EngineTiered). A frame runs native code where its image has it,
// and the interpreter elsewhere; where it reaches code that is not translated — and,
// for a metered frame, that the image has earned (machine/credit.go) — it asks a
// background worker to translate it and goes on interpreting a short slice, then tries
// native code again at a block boundary. No frame waits for a translation. The
// workers are few (half the processors, at least one) and their queue is bounded:
// a request that does not fit is dropped, and asked again later. A request holds its
// image, so the image's native code outlives it; a request for an image no frame
// holds any more is skipped.

// tierJob asks for the block at pc of img's native program for layout (created when
// missing), at most maxInsts instructions (0: no limit).
type tierJob struct {
	img      *Image
	layout   codegen.Layout
	opts     translate.Options
	pc       uint64
	maxInsts int
	// diskOnly: only load the image's program from its disk cache, if there
	// (translating nothing: no credit is needed).
	diskOnly bool
}

type tierKey struct {
	img *Image
	pc  uint64
}

var tier struct {
	once    sync.Once
	jobs    chan tierJob
	mu      sync.Mutex
	pending map[tierKey]bool
}

// tierSlice is how many instructions a tiered frame interprets while its request is
// being served.
const tierSlice = 1 << 10

func startTier() {
	tier.jobs = make(chan tierJob, 256)
	tier.pending = map[tierKey]bool{}
	for range max(1, runtime.GOMAXPROCS(0)/2) {
		go tierWorker()
	}
}

// submit queues j unless the same request is queued already or the queue is full.
func (j tierJob) submit() {
	tier.once.Do(startTier)
	k := tierKey{j.img, j.pc}
	tier.mu.Lock()
	if tier.pending[k] {
		tier.mu.Unlock()
		return
	}
	tier.pending[k] = true
	tier.mu.Unlock()
	j.img.acquire()
	select {
	case tier.jobs <- j:
	default: // full: asked again later
		j.done()
	}
}

func (j tierJob) done() {
	tier.mu.Lock()
	delete(tier.pending, tierKey{j.img, j.pc})
	tier.mu.Unlock()
	j.img.Release()
}

func tierWorker() {
	for j := range tier.jobs {
		j.run()
		j.done()
	}
}

// run serves the request. Errors are left for the frames: a program the backend
// declines is recorded in the image's cache, and its frames stay on the interpreter.
func (j tierJob) run() {
	if j.img.refs.Load() <= 1 { // only this request holds the image
		return
	}
	if j.diskOnly {
		j.img.native.loadFromDisk(j.img.Code, j.layout, j.opts)
		return
	}
	p, err := j.img.native.program(j.img.Code, j.img.Program.Entry, j.layout, j.opts)
	if err != nil {
		return
	}
	_, _, _ = p.ResolveWithin(j.pc, j.maxInsts)
}

// tieredMissing handles a tiered frame's missing block at st.PC (or its first entry,
// before the image has a native program, p nil): link it when it is compiled, else
// ask for it and interpret a slice. ok = false: interpret (f.native.slice).
func (f *Frame) tieredMissing(p *translate.Program) (exit guest.ExitCode, ok bool) {
	st := &f.St
	if p != nil {
		if has, locked := p.TryLink(st.PC); has {
			return guest.ExitNone, true
		} else if !locked {
			f.native.slice = tierSlice // a worker is translating into it: come back soon
			return 0, false
		}
	}
	if p == nil && f.img.native.diskUntried(codegen.LayoutOf(st), f.native.opts) {
		// The disk cache may have the program: loading it costs no translation, so
		// it needs no credit.
		tierJob{img: f.img, layout: codegen.LayoutOf(st), opts: f.native.opts, pc: st.PC, diskOnly: true}.submit()
		f.native.slice = tierSlice
		return 0, false
	}
	maxInsts := 0
	if f.Meter {
		left := int64(f.img.retired.Load() / CreditRatio)
		if p != nil {
			left = f.creditLeft(p)
		}
		if left < guest.MaxBlockInsts {
			f.interpretFor(guest.MaxBlockInsts)
			return 0, false
		}
		maxInsts = int(min(left, 1<<30))
	}
	tierJob{img: f.img, layout: codegen.LayoutOf(st), opts: f.native.opts, pc: st.PC, maxInsts: maxInsts}.submit()
	f.native.slice = tierSlice
	return 0, false
}
