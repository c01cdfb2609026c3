package machine

import (
	"runtime"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/hybridvm/hybridvm/codegen"
	"github.com/hybridvm/hybridvm/guest"
	"github.com/hybridvm/hybridvm/translate"
)

// Tiered execution (EngineTiered). A frame runs native code where its image has it,
// and the interpreter elsewhere; where it reaches code that is not translated — and,
// for a metered frame, that the image has earned (machine/credit.go) — it asks a
// background worker to translate it and goes on interpreting a short slice, then tries
// native code again at a block boundary. No frame waits for a translation: not for
// the module being set up or loaded (nativeCache.has and diskUntried use TryLock), nor
// for a unit being translated into the program (TryLink, TryStats).
//
// What a request translates: the block the frame is at and every block that ran on
// the interpreter (the image's decoded-block table, interp.Program.DecodedBlocks), as
// one unit of at most tierUnitInsts instructions, breadth first from the frame's block
// (translate.Program.CompileHot) — not the static neighbourhood a JIT unit takes, which
// holds code that never ran. The first request after the module is set up then covers
// the whole path a call took (RATIONALE.md, "Why is tiered execution the default?").
//
// The workers are few (half the processors, at least one) and their queue is bounded:
// a request that does not fit is dropped, and asked again later. A request holds its
// image, so the image's native code outlives it; a request for an image that only
// requests hold any more (its cache dropped it, no frame runs it) is skipped.
//
// Cancellation. Frames asking for the same block of the same image share one request,
// which counts the frames that asked for it and were not cancelled since. A frame
// stopped by its cancel flag (Frame.Stop: the runtime's, set when the call's context
// is done) withdraws from its requests; a request nobody wants any more leaves the
// queue at once, releasing its image, or, when a worker is serving it, ends at the
// next step (before the module is set up, before its one unit is translated). A frame
// that ends normally leaves its requests queued: what it asked for serves the next
// call.

// tierJob asks for the block at pc of img's native program for layout (created when
// missing), with the blocks that ran, at most tierUnitInsts and, if metered, the
// image's translation credit when it is served (machine/credit.go: the credit grows
// while the request waits).
type tierJob struct {
	img     *Image
	layout  codegen.Layout
	opts    translate.Options
	pc      uint64
	metered bool
	// diskOnly: only load the image's program from its disk cache, if there
	// (translating nothing: no credit is needed).
	diskOnly bool
}

type tierKey struct {
	img *Image
	pc  uint64
}

// tierReq is a queued or running job; its fields but cancelled are guarded by tier.mu.
type tierReq struct {
	tierJob
	// wanted counts the frames that asked for it and were not cancelled since.
	wanted int
	state  tierState
	// cancelled: nobody wants it any more (a running worker stops at its next step).
	cancelled atomic.Bool
}

type tierState uint8

const (
	tierQueued tierState = iota
	tierRunning
	tierDone
)

// tierQueueLen bounds the queue.
const tierQueueLen = 256

var tier struct {
	once    sync.Once
	mu      sync.Mutex
	work    *sync.Cond // signalled when the queue gains a request
	queue   []*tierReq // FIFO, at most tierQueueLen
	pending map[tierKey]*tierReq
	workers int
}

// tierUnitInsts bounds the guest instructions one request translates (a unit of a few
// milliseconds), so frames pick up native code as it lands and other images' requests
// are not held up behind one large program.
const tierUnitInsts = 2048

// tierSlice is how many instructions a tiered frame interprets while its request is
// being served.
const tierSlice = 1 << 10

func startTier() {
	tier.work = sync.NewCond(&tier.mu)
	tier.pending = map[tierKey]*tierReq{}
	tier.workers = max(1, runtime.GOMAXPROCS(0)/2)
	for range tier.workers {
		go tierWorker()
	}
}

// submit queues j for frame f unless the same request is queued or running already
// (f then shares it) or the queue is full.
func (j tierJob) submit(f *Frame) {
	tier.once.Do(startTier)
	k := tierKey{j.img, j.pc}
	tier.mu.Lock()
	defer tier.mu.Unlock()
	r := tier.pending[k]
	if r == nil {
		if len(tier.queue) >= tierQueueLen {
			return // full: asked again later
		}
		r = &tierReq{tierJob: j}
		j.img.acquire()
		j.img.tierRefs.Add(1)
		tier.pending[k] = r
		tier.queue = append(tier.queue, r)
		tier.work.Signal()
	}
	if r.wanted++; r.wanted == 1 {
		r.cancelled.Store(false) // wanted again before its worker stopped it
	}
	f.native.asked = append(pruneAsked(f.native.asked), r)
}

// pruneAsked drops the served requests from a long list (tier.mu is held), so a
// frame that runs long keeps only its outstanding ones.
func pruneAsked(asked []*tierReq) []*tierReq {
	if len(asked) < 32 {
		return asked
	}
	out := asked[:0]
	for _, r := range asked {
		if r.state != tierDone {
			out = append(out, r)
		}
	}
	clear(asked[len(out):])
	return out
}

// withdraw takes back the frame's interest in its requests (its cancel flag is set):
// the requests no other frame wants leave the queue, and running ones stop at their
// next step.
func (f *Frame) withdraw() {
	if len(f.native.asked) == 0 {
		return
	}
	var free []*Image
	tier.mu.Lock()
	for _, r := range f.native.asked {
		if r.state == tierDone {
			continue
		}
		if r.wanted--; r.wanted > 0 {
			continue
		}
		r.cancelled.Store(true)
		if r.state == tierQueued {
			tier.queue = slices.DeleteFunc(tier.queue, func(q *tierReq) bool { return q == r })
			r.state = tierDone
			delete(tier.pending, tierKey{r.img, r.pc})
			if r.img.dropRequest() {
				free = append(free, r.img)
			}
		}
	}
	tier.mu.Unlock()
	clear(f.native.asked)
	f.native.asked = f.native.asked[:0]
	for _, img := range free {
		img.native.free()
	}
}

func tierWorker() {
	tier.mu.Lock()
	for {
		for len(tier.queue) == 0 {
			tier.work.Wait()
		}
		r := tier.queue[0]
		tier.queue[0] = nil
		tier.queue = tier.queue[1:]
		r.state = tierRunning
		idle := onlyRequests(r.img)
		tier.mu.Unlock()
		if !idle {
			r.run()
		}
		tier.mu.Lock()
		r.state = tierDone
		delete(tier.pending, tierKey{r.img, r.pc})
		last := r.img.dropRequest()
		tier.mu.Unlock()
		if last {
			r.img.native.free()
		}
		tier.mu.Lock()
	}
}

// dropRequest releases a request's hold on img (tier.mu is held); last: it was the
// last holder, and the caller frees the native code once tier.mu is released. Both
// counts drop under tier.mu, so onlyRequests never sees one dropped without the other
// (it would take the request for another holder).
func (img *Image) dropRequest() (last bool) {
	img.tierRefs.Add(-1)
	return img.drop()
}

// onlyRequests reports whether only tier requests hold img (its cache dropped it, no
// frame runs it): their translations would serve nobody. tier.mu is held.
func onlyRequests(img *Image) bool {
	return img.refs.Load() <= img.tierRefs.Load()
}

// run serves the request (the worker skips it when only requests hold its image)
// unless it is cancelled. Errors are left for the frames: a program the backend
// declines is recorded in the image's cache, and its frames stay on the interpreter.
func (r *tierReq) run() {
	if r.cancelled.Load() {
		return
	}
	if r.diskOnly {
		r.img.native.loadFromDisk(r.img.Code, r.layout, r.opts)
		return
	}
	if !r.img.native.created.Load() {
		r.img.native.settingUp.Store(true)
	}
	p, err := r.img.native.program(r.img.Code, r.img.Program.Entry, r.layout, r.opts)
	r.img.native.settingUp.Store(false)
	if err != nil || r.cancelled.Load() {
		return
	}
	maxInsts := tierUnitInsts
	if r.metered {
		left := int64(r.img.retired.Load()/CreditRatio) - int64(p.Stats().Insts)
		if left <= 0 {
			return // asked again once earned
		}
		maxInsts = int(min(left, tierUnitInsts))
	}
	ran := r.img.Interp.DecodedBlocks(nil)
	_, _, _ = p.CompileHot(r.pc, ran, maxInsts)
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
	if p == nil && f.img.native.settingUp.Load() {
		f.native.slice = tierSlice // a worker is setting the module up
		return 0, false
	}
	if p == nil && f.img.native.diskUntried(codegen.LayoutOf(st), f.native.opts) {
		// The disk cache may have the program: loading it costs no translation, so
		// it needs no credit.
		tierJob{img: f.img, layout: codegen.LayoutOf(st), opts: f.native.opts, pc: st.PC, diskOnly: true}.submit(f)
		f.native.slice = tierSlice
		return 0, false
	}
	if f.Meter {
		f.flushRetired() // the worker reads the credit when it serves the request
		left := int64(f.img.retired.Load() / CreditRatio)
		if p != nil {
			s, ok := p.TryStats()
			if !ok {
				f.native.slice = tierSlice // a worker is translating into it
				return 0, false
			}
			left -= int64(s.Insts)
		}
		if left < guest.MaxBlockInsts {
			f.interpretFor(guest.MaxBlockInsts)
			return 0, false
		}
	}
	tierJob{img: f.img, layout: codegen.LayoutOf(st), opts: f.native.opts, pc: st.PC, metered: f.Meter}.submit(f)
	f.native.slice = tierSlice
	return 0, false
}
