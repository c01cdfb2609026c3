package hybridvm

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/ethereum/go-ethereum/crypto"

	"github.com/hybridvm/hybridvm/codecache"
	"github.com/hybridvm/hybridvm/guest"
	"github.com/hybridvm/hybridvm/machine"
	"github.com/hybridvm/hybridvm/riscvengine"
)

// CodeCache holds compiled RISC-V programs — validated ELFs, their decoded blocks and
// their native code — by code hash, for the runtimes configured with it (Config.Cache):
// runtimes that share a cache share compiled code. It keeps at most 1,024 programs and
// about its byte limit of native code, dropping the least recently used; a dropped
// program's native code is freed as soon as no call runs it. It is safe for concurrent
// use.
type CodeCache struct {
	c  *machine.Cache
	mu sync.Mutex
}

// NewCodeCache returns a cache holding up to maxNativeBytes of native code (0: 256 MiB).
func NewCodeCache(maxNativeBytes int64) *CodeCache {
	c := machine.NewCache(riscvengine.DefaultImageCacheSize)
	if maxNativeBytes > 0 {
		c.SetCodeLimit(maxNativeBytes)
	}
	return &CodeCache{c: c}
}

// NewCodeCacheWithDir returns a cache as NewCodeCache does that also keeps native code
// in directory dir, like wazero's NewCompilationCacheWithDir: code compiled ahead of
// time (EngineAOT, CompileCode) is written there, and a later process — or another
// cache over the same directory — loads it instead of translating it again. The
// directory is created if needed (mode 0700); an error means it could not be.
//
// A file in the directory is used only if its header matches this build (format,
// backend and its version, architecture, CPU features, the executable's build) and its
// SHA-256 checksum matches its contents; any other file is ignored and replaced. A
// directory the process cannot write to (read-only, full) is still read; failed
// writes print one warning (SetWarnings chooses where) and the code stays in memory.
// The directory keeps at most DefaultDirLimit bytes of files (SetDirLimit), evicting
// the least recently used.
// No call ever fails because of the directory. Whoever can write to it can make the
// process run any code: keep it private (docs/architecture.md, "Code cache on disk").
// On architectures without a native backend the directory is never used.
func NewCodeCacheWithDir(dir string, maxNativeBytes int64) (*CodeCache, error) {
	d, err := codecache.Open(dir, nil)
	if err != nil {
		return nil, fmt.Errorf("hybridvm: %w", err)
	}
	c := NewCodeCache(maxNativeBytes)
	c.c.SetDisk(d)
	return c, nil
}

// SetDirLimit sets the most bytes of files the cache's directory keeps (n <= 0: no
// limit; DefaultDirLimit unless set), evicting the least recently used — a file the
// process loads counts as used — when a write takes it over (docs/architecture.md,
// "Code cache on disk"). Processes sharing the directory may set different limits;
// each evicts down to its own. Without a directory it does nothing.
func (c *CodeCache) SetDirLimit(n int64) {
	if d := c.c.Disk(); d != nil {
		d.SetLimit(n)
	}
}

// DefaultDirLimit is a cache directory's size limit unless SetDirLimit changes it.
const DefaultDirLimit = codecache.DefaultLimit

// SetWarnings sends the cache's warning about its directory (at most one) to w; the
// default is os.Stderr, io.Discard silences it.
func (c *CodeCache) SetWarnings(w io.Writer) {
	if d := c.c.Disk(); d != nil {
		d.SetWarnings(w)
	}
}

// CodeCacheStats describes what a cache holds.
type CodeCacheStats struct {
	// Programs is the number of cached programs; NativeBytes the executable memory
	// their native code takes; TranslatedInstructions the guest instructions it holds.
	Programs               int
	NativeBytes            int64
	TranslatedInstructions int
	// Retired counts the instructions calls of the cached programs have run.
	Retired uint64
	// The directory's counters (NewCodeCacheWithDir): DiskHits counts
	// programs loaded from files, DiskRejected files found but not used (damaged or
	// from another build or CPU), DiskWritten files written, DiskWriteErrors failed
	// writes (an unwritable or full disk), DiskEvicted files removed to keep the
	// directory within its limit (SetDirLimit).
	DiskHits, DiskRejected, DiskWritten, DiskWriteErrors, DiskEvicted int64
}

// Stats returns the cache's counters.
func (c *CodeCache) Stats() CodeCacheStats {
	s := c.c.Stats()
	cs := CodeCacheStats{Programs: s.Images, NativeBytes: int64(s.Native.MemBytes), TranslatedInstructions: s.Native.Insts, Retired: s.Retired}
	if d := c.c.Disk(); d != nil {
		ds := d.Stats()
		cs.DiskHits, cs.DiskRejected, cs.DiskWritten, cs.DiskWriteErrors, cs.DiskEvicted = ds.Hits, ds.Rejected, ds.Written, ds.Failed, ds.Evicted
	}
	return cs
}

// Close drops every program and frees its native code once no call runs it. The cache
// stays usable: later calls compile again.
func (c *CodeCache) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.c.Purge()
	return nil
}

// ErrNotRISCV is returned by CompileCode for code that is not a RISC-V contract.
var ErrNotRISCV = errors.New("hybridvm: not RISC-V contract code (0xFF followed by an ELF)")

// CompiledCode is RISC-V contract code compiled ahead of its first call
// (Runtime.CompileCode). Until Close, its native code stays in the runtime's cache
// whatever else is compiled.
type CompiledCode struct {
	img  *machine.Image
	hash Hash
	once sync.Once
}

// Hash is the code's keccak256 hash (its account's code hash).
func (c *CompiledCode) Hash() Hash { return c.hash }

// Close lets the cache drop the compiled code again.
func (c *CompiledCode) Close() error {
	c.once.Do(func() { c.img.Unpin() })
	return nil
}

// CompileCode validates RISC-V contract code (0xFF ‖ ELF, as deployed) and compiles
// all of it the runtime's engine can reach statically, so the first call of an account
// holding it starts warm. Calls find it by the code's hash. Translation is not
// interrupted by ctx, which is only checked before it starts. On the interpreter it
// validates and decodes only.
func (r *Runtime) CompileCode(ctx context.Context, code []byte) (*CompiledCode, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if !guest.IsRISCV(code) {
		return nil, ErrNotRISCV
	}
	hash := crypto.Keccak256Hash(code)
	h := [32]byte(hash)
	img, err := r.cache.c.Load(code[1:], &h, guest.ContractConstraints)
	if err != nil {
		return nil, fmt.Errorf("hybridvm: %w", err)
	}
	defer img.Release()
	if r.engine != machine.EngineInterp {
		if err := img.CompileContract(); err != nil {
			return nil, fmt.Errorf("hybridvm: compiling: %w", err)
		}
	}
	img.Pin()
	return &CompiledCode{img: img, hash: hash}, nil
}
