package corpus

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/hybridvm/hybridvm/codecache"
	"github.com/hybridvm/hybridvm/guest"
	"github.com/hybridvm/hybridvm/internal/testtools"
	"github.com/hybridvm/hybridvm/machine"
	"github.com/hybridvm/hybridvm/translate"
)

// Engine is one way of running guest code.
type Engine struct {
	Name   string
	Engine machine.Engine
	// Native tunes translation (jit1: strictly one block per unit, so every jump
	// between blocks goes through a jump slot and the missing-block path).
	Native translate.Options
	// Switch makes frames leave native code for the interpreter and come back at
	// random block boundaries (machine.Frame.SetSwitchSeed), seeded by the program's
	// name, with a small budget so that native code returns often.
	Switch bool
	// Disk runs each program twice, each time with a fresh image cache over one
	// on-disk code cache (UseDiskDir): the first run translates and writes the code,
	// the second runs it loaded from the file and is the result compared.
	Disk bool
}

// Engines are the engines the corpus compares: the interpreter first (the oracle),
// then native code where this architecture has it.
func Engines() []Engine {
	es := []Engine{{Name: "interp", Engine: machine.EngineInterp}}
	if machine.NativeAvailable() {
		es = append(es,
			Engine{Name: "jit", Engine: machine.EngineJIT},
			Engine{Name: "jit1", Engine: machine.EngineJIT, Native: translate.Options{UnitBlocks: 1}},
			Engine{Name: "aot", Engine: machine.EngineAOT},
			Engine{Name: "switch", Engine: machine.EngineJIT, Switch: true},
			Engine{Name: "tiered", Engine: machine.EngineTiered})
		if diskDir != nil {
			es = append(es, Engine{Name: "disk", Engine: machine.EngineAOT, Disk: true})
		}
	}
	return es
}

// diskDir is the disk engine's code cache (nil: no disk engine).
var diskDir *codecache.Dir

// UseDiskDir adds the disk engine to Engines, caching code in dir ("" removes it).
func UseDiskDir(dir string) error {
	if dir == "" {
		diskDir = nil
		return nil
	}
	d, err := codecache.Open(dir, nil)
	if err != nil {
		return err
	}
	diskDir = d
	return nil
}

// fromDisk runs run twice, each time with a fresh cache over the disk engine's
// directory, and returns the second result, which must have run code loaded from the
// directory.
func fromDisk[R any](run func(*machine.Cache) (R, error)) (R, error) {
	var zero R
	for i := range 2 {
		c := machine.NewCache(16)
		c.SetDisk(diskDir)
		r, err := run(c)
		s := c.Stats().Native
		c.Purge()
		if err != nil || i == 0 {
			if err != nil {
				return zero, err
			}
			continue
		}
		if s.Loaded == 0 {
			return zero, fmt.Errorf("disk: the second run loaded no code from the cache (%+v)", s)
		}
		return r, nil
	}
	return zero, nil
}

// ExecProgram is a standalone (exec-mode) program.
type ExecProgram struct {
	Name string
	ELF  []byte
	// Gas limits the run (0: unlimited); ArenaSize sets the arena (0: 1 GiB).
	Gas       int64
	ArenaSize uint64
	// Budget, when non-zero, is the frame's instruction budget (small budgets make
	// native code return to Go often).
	Budget uint64
	// PageGas meters memory growth as for contracts (guest.State.PageGas; 0: off).
	PageGas int64
}

// ExecResult is what engines must agree on after an exec-mode run.
type ExecResult struct {
	Exited    bool
	Status    int
	Err       string // a fault, out of gas
	Exit      guest.ExitCode
	Fault     guest.FaultKind
	FaultAddr uint64
	X         [32]uint64
	PC        uint64
	GasUsed   int64
	Instret   uint64
	CSRs      [guest.NumCSRs]uint64
	Res       [2]uint64 // LR reservation address and valid flag
	Mem       [32]byte  // Digest of the arena
	Stdout    string
	Stderr    string
}

// RunExec runs p on e with machine.Exec. Images are cached in cache (which may be
// shared across engines and goroutines: compiled code is per image and layout).
func RunExec(p ExecProgram, e Engine, cache *machine.Cache) (*ExecResult, error) {
	if e.Disk {
		de := e
		de.Disk = false
		return fromDisk(func(c *machine.Cache) (*ExecResult, error) { return RunExec(p, de, c) })
	}
	var stdout, stderr bytes.Buffer
	res := &ExecResult{}
	var nativeErr error
	r, err := machine.Exec(p.ELF, machine.ExecConfig{
		Engine: e.Engine, Gas: p.Gas, ArenaSize: p.ArenaSize, Stdout: &stdout, Stderr: &stderr, Cache: cache,
		Setup: func(f *machine.Frame) {
			f.SetNativeOptions(e.Native)
			f.Budget = p.Budget
			f.St.PageGas = p.PageGas
			if e.Switch {
				f.SetSwitchSeed(switchSeed(p.Name))
				if f.Budget == 0 {
					f.Budget = 64
				}
			}
		},
		Inspect: func(f *machine.Frame) {
			nativeErr = f.NativeError()
			res.Mem = Digest(f.Arena)
		},
	})
	if err != nil {
		return nil, err
	}
	if nativeErr != nil && e.Engine != machine.EngineInterp {
		return nil, fmt.Errorf("%s fell back to the interpreter: %w", e.Name, nativeErr)
	}
	st := &r.State
	res.Exited, res.Status = r.Exited, r.Status
	if r.Err != nil {
		res.Err = r.Err.Error()
	}
	res.Exit, res.Fault, res.FaultAddr = st.Exit, st.Fault, st.FaultAddr
	res.X, res.PC, res.GasUsed, res.Instret = st.X, st.PC, r.GasUsed, r.Instret
	res.CSRs, res.Res = st.CSRs, [2]uint64{st.Reservation, st.ResValid}
	res.Stdout, res.Stderr = stdout.String(), stderr.String()
	return res, nil
}

// Digest hashes the arena's contents: every resident page that is not all zero, with
// its index (pages that are not resident read as zero). Engines that zero memory
// differently (stores, or dropping pages) digest the same.
func Digest(a *guest.Arena) [32]byte {
	mem := a.Bytes()
	ps := unix.Getpagesize()
	vec := make([]byte, (len(mem)+ps-1)/ps)
	h := sha256.New()
	if err := mincore(mem, vec); err != nil {
		// Cannot tell: hash everything (slow but exact).
		for i := range vec {
			vec[i] = 1
		}
	}
	var idx [8]byte
	for i, v := range vec {
		if v&1 == 0 {
			continue
		}
		page := mem[i*ps : min((i+1)*ps, len(mem))]
		if allZero(page) {
			continue
		}
		binary.LittleEndian.PutUint64(idx[:], uint64(i))
		h.Write(idx[:])
		h.Write(page)
	}
	var d [32]byte
	h.Sum(d[:0])
	return d
}

// mincore reports which pages of mem are resident (bit 0 of each vec byte).
func mincore(mem, vec []byte) error {
	_, _, errno := unix.Syscall(unix.SYS_MINCORE, uintptr(unsafe.Pointer(unsafe.SliceData(mem))), uintptr(len(mem)), uintptr(unsafe.Pointer(unsafe.SliceData(vec))))
	if errno != 0 {
		return errno
	}
	return nil
}

func allZero(b []byte) bool {
	for len(b) >= 8 {
		if binary.LittleEndian.Uint64(b) != 0 {
			return false
		}
		b = b[8:]
	}
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}

// Root finds the repository root (the directory holding go.mod) from the working
// directory up.
func Root() (string, error) { return testtools.RepoRoot() }

// Gas limits for the programs that never end on their own.
const hostileGas = 50_000_000

// TestdataPrograms returns every exec-mode program under testdata/riscv (isa, exec,
// gas, hostile, and any directory added later), sorted by name. Hostile programs get a
// gas limit (some loop forever).
func TestdataPrograms(root string) ([]ExecProgram, error) {
	var progs []ExecProgram
	dir := filepath.Join(root, "testdata", "riscv")
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		// contracts/ holds contract ELFs (run through the contract scenarios); hidden
		// directories are build scratch.
		if d.IsDir() && (rel == "contracts" || strings.HasPrefix(d.Name(), ".")) {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".elf") {
			return nil
		}
		elf, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		p := ExecProgram{Name: rel, ELF: elf}
		if strings.HasPrefix(rel, "hostile") {
			p.Gas = hostileGas
		}
		progs = append(progs, p)
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.Slice(progs, func(i, j int) bool { return progs[i].Name < progs[j].Name })
	return progs, nil
}

// ResidentBytes is how many bytes of the arena are resident in host memory now.
func ResidentBytes(a *guest.Arena) (int64, error) {
	mem := a.Bytes()
	ps := unix.Getpagesize()
	vec := make([]byte, (len(mem)+ps-1)/ps)
	if err := mincore(mem, vec); err != nil {
		return 0, err
	}
	var n int64
	for _, v := range vec {
		n += int64(v & 1)
	}
	return n * int64(ps), nil
}

// switchSeed derives a switch seed from a program's name (the same every run).
func switchSeed(name string) uint64 {
	h := sha256.Sum256([]byte(name))
	return binary.LittleEndian.Uint64(h[:8])
}
