package machine

import (
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hybridvm/hybridvm/codegen"
	"github.com/hybridvm/hybridvm/guest"
	. "github.com/hybridvm/hybridvm/internal/rvasm"
)

// bigBlocks is an exec program of n independent blocks of 64 instructions, each
// ending in a return (so translating one translates only it); it returns the ELF and
// the blocks' addresses.
func bigBlocks(n int) ([]byte, []uint64) {
	p := New(textBase)
	p.LI(A7, 93)
	p.ECALL()
	pcs := make([]uint64, n)
	for i := range pcs {
		pcs[i] = p.PC()
		for k := range 63 {
			p.ADDI(A0+k%6, A0+(k+i)%6, int64(k+i)%2000)
		}
		p.JALR(Zero, RA, 0)
	}
	return ExecELF(textBase, p.MustFinish()), pcs
}

// tieredFrame is a tiered frame on img whose cancel flag is stop.
func tieredFrame(t *testing.T, img *Image, stop *atomic.Bool) *Frame {
	t.Helper()
	base, err := img.Program.ExecArena(guest.DefaultExecArenaSize)
	if err != nil {
		t.Fatal(err)
	}
	arena, err := guest.NewArena(base, guest.DefaultExecArenaSize)
	if err != nil {
		t.Fatal(err)
	}
	if err := img.Load(arena); err != nil {
		t.Fatal(err)
	}
	f := NewFrame(img, arena, EngineTiered)
	f.Stop = stop
	return f
}

// tierCounts returns how many of img's requests are queued and how many are pending
// (queued or running).
func tierCounts(img *Image) (queued, pending int) {
	tier.mu.Lock()
	defer tier.mu.Unlock()
	for _, r := range tier.queue {
		if r.img == img {
			queued++
		}
	}
	for k := range tier.pending {
		if k.img == img {
			pending++
		}
	}
	return queued, pending
}

// waitDrained waits until img has no request left, failing after a few seconds.
func waitDrained(t *testing.T, img *Image) {
	t.Helper()
	for start := time.Now(); ; time.Sleep(time.Millisecond) {
		if _, n := tierCounts(img); n == 0 {
			return
		}
		if time.Since(start) > 10*time.Second {
			q, n := tierCounts(img)
			t.Fatalf("requests left after 10 s: %d queued, %d pending", q, n)
		}
	}
}

// holdWorkers stops the tier workers at their next request for img (they wait for its
// native cache, which they set up or look up first) until the returned function is
// called. It clears the cache's last entry, which would spare them the lock.
func holdWorkers(img *Image) (resume func()) {
	img.native.mu.Lock()
	img.native.last.Store(nil)
	return img.native.mu.Unlock
}

// TestCancelDropsTieredRequests: a cancelled frame's queued translation requests leave
// the queue at once and release their image; those a worker was serving translate
// nothing; nothing else the frame asked for is translated.
func TestCancelDropsTieredRequests(t *testing.T) {
	if !NativeAvailable() {
		t.Skip("SKIPPED: no native backend on this architecture")
	}
	elf, pcs := bigBlocks(tierQueueLen)
	cache := NewCache(4)
	defer cache.Purge()
	img, err := cache.Load(elf, nil, guest.Constraints{ExecArenaSize: guest.DefaultExecArenaSize})
	if err != nil {
		t.Fatal(err)
	}
	defer img.Release()
	refs := img.refs.Load()

	var stop atomic.Bool
	f := tieredFrame(t, img, &stop)
	layout := codegen.LayoutOf(&f.St)
	resume := holdWorkers(img)
	for _, pc := range pcs {
		tierJob{img: img, layout: layout, opts: f.native.opts, pc: pc}.submit(f)
	}
	if q, _ := tierCounts(img); q < len(pcs)/2 {
		t.Fatalf("only %d of %d requests queued", q, len(pcs))
	}
	stop.Store(true) // the context is cancelled ...
	f.Release()      // ... and the engine ends the frame
	q, n := tierCounts(img)
	if q != 0 {
		resume()
		t.Fatalf("%d requests still queued after the cancelled frame ended", q)
	}
	if max := tier.workers; n > max {
		resume()
		t.Fatalf("%d requests pending, more than the %d workers can be serving", n, max)
	}
	if got := img.refs.Load(); got != refs+int32(n) {
		resume()
		t.Fatalf("image holders: %d, want %d (before) + %d (running requests)", got, refs, n)
	}
	resume()
	waitDrained(t, img)
	if got := img.refs.Load(); got != refs {
		t.Errorf("image holders after the drain: %d, want %d", got, refs)
	}
	if s := img.nativeStats(); s.Units != 0 || s.Insts != 0 {
		t.Errorf("translated after the cancel: %+v", s)
	}
}

// TestCancelKeepsOthersRequests: a cancelled frame withdraws only its own interest:
// a request another frame shares, and the other frame's own requests for the same
// image, are still served.
func TestCancelKeepsOthersRequests(t *testing.T) {
	if !NativeAvailable() {
		t.Skip("SKIPPED: no native backend on this architecture")
	}
	elf, pcs := bigBlocks(24)
	cache := NewCache(4)
	defer cache.Purge()
	img, err := cache.Load(elf, nil, guest.Constraints{ExecArenaSize: guest.DefaultExecArenaSize})
	if err != nil {
		t.Fatal(err)
	}
	defer img.Release()
	refs := img.refs.Load()

	var stopA, stopB atomic.Bool
	a, b := tieredFrame(t, img, &stopA), tieredFrame(t, img, &stopB)
	layout := codegen.LayoutOf(&a.St)
	resume := holdWorkers(img)
	// a asks for the first 16 blocks, b for the last 16: 8 are shared.
	for _, pc := range pcs[:16] {
		tierJob{img: img, layout: layout, opts: a.native.opts, pc: pc}.submit(a)
	}
	for _, pc := range pcs[8:] {
		tierJob{img: img, layout: layout, opts: b.native.opts, pc: pc}.submit(b)
	}
	_, before := tierCounts(img)
	stopA.Store(true)
	if !a.stopped() { // the exit loop sees the flag
		resume()
		t.Fatal("the cancelled frame did not stop")
	}
	// a's own requests are gone, or cancelled where a worker has taken them; the
	// shared ones and b's are still wanted.
	var bad []string
	tier.mu.Lock()
	for i, pc := range pcs {
		r := tier.pending[tierKey{img, pc}]
		switch {
		case i < 8 && r != nil && !(r.state == tierRunning && r.cancelled.Load()):
			bad = append(bad, fmt.Sprintf("a's block %d: %v, cancelled %v", i, r.state, r.cancelled.Load()))
		case i >= 8 && (r == nil || r.cancelled.Load()):
			bad = append(bad, fmt.Sprintf("block %d (b's) not wanted any more", i))
		}
	}
	tier.mu.Unlock()
	resume()
	if before != len(pcs) || len(bad) > 0 {
		t.Fatalf("%d requests pending before the cancel (want %d); after it: %v", before, len(pcs), bad)
	}
	a.Release()
	b.Release() // b ends normally: its requests stay wanted
	waitDrained(t, img)
	p, err := img.native.program(img.Code, img.Program.Entry, layout, a.native.opts)
	if err != nil {
		t.Fatal(err)
	}
	for i, pc := range pcs {
		has, _ := p.TryLink(pc)
		if want := i >= 8; has != want {
			t.Errorf("block %d translated: %v, want %v", i, has, want)
		}
	}
	if got := img.refs.Load(); got != refs {
		t.Errorf("image holders after the drain: %d, want %d", got, refs)
	}
}

// TestTieredSkipsDroppedImages: requests for an image that only requests hold (its
// cache dropped it, its frames ended) translate nothing, and their last release frees
// the image.
func TestTieredSkipsDroppedImages(t *testing.T) {
	if !NativeAvailable() {
		t.Skip("SKIPPED: no native backend on this architecture")
	}
	elf, pcs := bigBlocks(tierQueueLen)
	cache := NewCache(4)
	img, err := cache.Load(elf, nil, guest.Constraints{ExecArenaSize: guest.DefaultExecArenaSize})
	if err != nil {
		t.Fatal(err)
	}
	var stop atomic.Bool
	f := tieredFrame(t, img, &stop)
	layout := codegen.LayoutOf(&f.St)
	p, err := img.native.program(img.Code, img.Program.Entry, layout, f.native.opts)
	if err != nil {
		t.Fatal(err)
	}
	// The workers wait at the image's native cache while the test queues the
	// requests and drops the image: each may have taken one request by then, and
	// passed the check, so at most one unit per worker is translated. Before the fix
	// they served all but the last.
	resume := holdWorkers(img)
	for _, pc := range pcs {
		tierJob{img: img, layout: layout, opts: f.native.opts, pc: pc}.submit(f)
	}
	f.Release() // not cancelled: its requests stay queued
	cache.Purge()
	img.Release()
	resume()
	waitDrained(t, img)
	if n := img.refs.Load(); n != 0 {
		t.Errorf("image holders after the drain: %d, want 0", n)
	}
	if s := p.Stats(); s.Units > tier.workers {
		t.Errorf("%d units translated for a dropped image, of %d requests (%d workers)", s.Units, len(pcs), tier.workers)
	}
}

// TestTieredCreditWhenServed: a metered request translates what the image has earned
// when a worker serves it, not what it had earned when the request was queued (the
// credit grows while the request waits, and frames asking again share the request).
func TestTieredCreditWhenServed(t *testing.T) {
	if !NativeAvailable() {
		t.Skip("SKIPPED: no native backend on this architecture")
	}
	// 40 blocks of 16 instructions, each jumping to the next: one unit.
	p := New(textBase)
	for i := range 40 {
		p.Label(fmt.Sprint("b", i))
		for k := range 15 {
			p.ADDI(A0+k%6, A0+(k+i)%6, int64(k+i))
		}
		p.J(fmt.Sprint("b", i+1))
	}
	p.Label("b40")
	p.LI(A7, 93)
	p.ECALL()
	cache := NewCache(4)
	defer cache.Purge()
	elf := ExecELF(textBase, p.MustFinish())
	img, err := cache.Load(elf, nil, guest.Constraints{ExecArenaSize: guest.DefaultExecArenaSize})
	if err != nil {
		t.Fatal(err)
	}
	defer img.Release()
	// The blocks ran on the interpreter once (tiered translates what ran).
	runProgram(t, elf, ExecConfig{Engine: EngineInterp, Cache: cache})
	var stop atomic.Bool
	f := tieredFrame(t, img, &stop)
	defer f.Release()
	const queued = 100 // the credit when the request is queued: 6 blocks
	img.retired.Store(queued * CreditRatio)
	resume := holdWorkers(img)
	tierJob{img: img, layout: codegen.LayoutOf(&f.St), opts: f.native.opts, pc: textBase, metered: true}.submit(f)
	img.retired.Store(10_000 * CreditRatio) // frames ran on meanwhile
	resume()
	waitDrained(t, img)
	if s := img.nativeStats(); s.Insts <= queued {
		t.Errorf("translated %d instructions, no more than the credit when queued (%d)", s.Insts, queued)
	} else if s.Insts < 40*16 {
		t.Errorf("translated %d instructions, want at least the 40 blocks (%d)", s.Insts, 40*16)
	}
}
