package statetest

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	rt "runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/ethereum/go-ethereum/crypto"
	"github.com/holiman/uint256"

	"github.com/hybridvm/hybridvm/host"
	"github.com/hybridvm/hybridvm/runtime"
	"github.com/hybridvm/hybridvm/state"
)

// SupportedForks are the forks whose post entries are run.
var SupportedForks = []host.Fork{host.Paris, host.Shanghai, host.Cancun, host.Prague, host.Osaka}

// postKey returns the name t's post section uses for fork f, and whether it has one.
// Older fixtures call Paris "Merge".
func postKey(t *Test, f host.Fork) (string, bool) {
	name := f.String()
	if _, ok := t.Post[name]; ok {
		return name, true
	}
	if f == host.Paris {
		if _, ok := t.Post["Merge"]; ok {
			return "Merge", true
		}
	}
	return name, false
}

// chainID is the chain id of every state test.
const chainID = 1

// Options configure a run.
type Options struct {
	// Forks selects the forks to run; nil runs every supported fork a test has.
	Forks []host.Fork
	// Run, when set, runs only the tests whose name it matches.
	Run *regexp.Regexp
	// Engine returns the EVM engine for a fork. It is called once per fork and the
	// engine is shared by all workers. Required.
	Engine func(host.Fork) (runtime.Engine, error)
	// Tracer, when set, is told of every frame's end (runtime.Config.Tracer).
	Tracer runtime.FrameTracer
	// Workers is the number of files run in parallel; zero means GOMAXPROCS.
	Workers int
	// AfterEntry, when set, is called by the worker right after each test ran,
	// before the next one starts (with one worker: to end a test's trace).
	AfterEntry func(Result)
}

// Result is the outcome of one test, fork and post-state index; a file that
// cannot be parsed gives one failing Result with Fork empty and Name the file.
type Result struct {
	Name      string    `json:"name"`
	Index     int       `json:"index"`
	Pass      bool      `json:"pass"`
	StateRoot host.Hash `json:"stateRoot"`
	Fork      string    `json:"fork"`
	Error     string    `json:"error,omitempty"`
	File      string    `json:"file"`
	// GasUsed is the transaction's gas (zero when it was rejected).
	GasUsed uint64 `json:"-"`
}

// Counts summarizes a run.
type Counts struct {
	Passed, Failed int
	Gas            uint64 // gas used by all transactions run
}

// CollectFiles expands the paths into the state-test files they name: files as
// given, directories walked recursively for *.json, in lexical order.
func CollectFiles(paths []string) ([]string, error) {
	var files []string
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			return nil, err
		}
		if !info.IsDir() {
			files = append(files, p)
			continue
		}
		var found []string
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !d.IsDir() && strings.HasSuffix(d.Name(), ".json") {
				found = append(found, path)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		slices.Sort(found)
		files = append(files, found...)
	}
	return files, nil
}

// engines creates each fork's engine once.
type engines struct {
	mu   sync.Mutex
	make func(host.Fork) (runtime.Engine, error)
	byF  map[host.Fork]runtime.Engine
	errs map[host.Fork]error
}

func (e *engines) get(f host.Fork) (runtime.Engine, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if eng, ok := e.byF[f]; ok {
		return eng, e.errs[f]
	}
	eng, err := e.make(f)
	if err == nil && eng == nil {
		err = fmt.Errorf("no engine for %v", f)
	}
	e.byF[f], e.errs[f] = eng, err
	return eng, err
}

// worker runs tests with one runtime per fork (runtimes are not shared between
// goroutines; engines are).
type worker struct {
	opts     *Options
	engines  *engines
	runtimes map[host.Fork]*runtime.Runtime
}

// Run runs the files in paths (see CollectFiles) and calls emit for every result,
// in file order and, within a file, in test, fork and index order. Files run in
// parallel; emit is called from the calling goroutine.
func Run(paths []string, opts *Options, emit func(Result)) (Counts, error) {
	if opts.Engine == nil {
		return Counts{}, errors.New("statetest: Options.Engine is required")
	}
	files, err := CollectFiles(paths)
	if err != nil {
		return Counts{}, err
	}
	workers := opts.Workers
	if workers <= 0 {
		workers = rt.GOMAXPROCS(0)
	}
	workers = min(workers, max(len(files), 1))
	engs := &engines{make: opts.Engine, byF: map[host.Fork]runtime.Engine{}, errs: map[host.Fork]error{}}

	// One channel per file, read in order: results stream as soon as the files
	// before have been emitted.
	chans := make([]chan Result, len(files))
	for i := range chans {
		chans[i] = make(chan Result, 1024)
	}
	next := make(chan int)
	go func() {
		for i := range files {
			next <- i
		}
		close(next)
	}()
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			wk := &worker{opts: opts, engines: engs, runtimes: map[host.Fork]*runtime.Runtime{}}
			for i := range next {
				wk.runFile(files[i], chans[i])
				close(chans[i])
			}
		}()
	}
	var c Counts
	for _, ch := range chans {
		for r := range ch {
			if r.Pass {
				c.Passed++
			} else {
				c.Failed++
			}
			c.Gas += r.GasUsed
			emit(r)
		}
	}
	wg.Wait()
	return c, nil
}

func (w *worker) runFile(file string, out chan<- Result) {
	data, err := os.ReadFile(file)
	if err != nil {
		out <- Result{Name: file, File: file, Error: err.Error()}
		return
	}
	tests, err := ParseFile(file, data)
	if err != nil {
		out <- Result{Name: file, File: file, Error: err.Error()}
		return
	}
	for _, t := range tests {
		if w.opts.Run != nil && !w.opts.Run.MatchString(t.Name) {
			continue
		}
		for _, f := range w.forksOf(t) {
			name, _ := postKey(t, f)
			for i := range t.Post[name] {
				r := w.runEntry(t, f, i)
				if w.opts.AfterEntry != nil {
					w.opts.AfterEntry(r)
				}
				out <- r
			}
		}
	}
}

// forksOf lists the forks of t to run, in fork order.
func (w *worker) forksOf(t *Test) []host.Fork {
	var out []host.Fork
	for _, f := range SupportedForks {
		if _, ok := postKey(t, f); !ok {
			continue
		}
		if w.opts.Forks != nil && !slices.Contains(w.opts.Forks, f) {
			continue
		}
		out = append(out, f)
	}
	return out
}

func (w *worker) runtimeFor(f host.Fork) (*runtime.Runtime, error) {
	if r, ok := w.runtimes[f]; ok {
		return r, nil
	}
	eng, err := w.engines.get(f)
	if err != nil {
		return nil, err
	}
	r, err := runtime.New(runtime.Config{Fork: f, EVM: eng, Tracer: w.opts.Tracer}, state.New())
	if err != nil {
		return nil, err
	}
	w.runtimes[f] = r
	return r, nil
}

// runEntry runs one post entry. A panic in an engine becomes a failure of this
// test (with its stack), not a crash of the run.
func (w *worker) runEntry(t *Test, f host.Fork, index int) (res Result) {
	res = Result{Name: t.Name, Index: index, Fork: f.String(), File: t.File}
	defer func() {
		if p := recover(); p != nil {
			res.Pass = false
			res.Error = fmt.Sprintf("panic: %v\n%s", p, debug.Stack())
		}
	}()
	r, err := w.runtimeFor(f)
	if err != nil {
		res.Error = err.Error()
		return res
	}
	name, _ := postKey(t, f)
	post := &t.Post[name][index]
	root, gas, err := RunEntry(r, t, post)
	res.StateRoot, res.GasUsed = root, gas
	if err != nil {
		res.Error = err.Error()
		return res
	}
	res.Pass = true
	return res
}

// RunEntry runs one post entry of t on r (whose fork must be the entry's) over a
// copy of the pre-state, and checks the outcome. It returns the post-state root,
// the gas used, and an error describing any mismatch.
func RunEntry(r *runtime.Runtime, t *Test, post *PostEntry) (host.Hash, uint64, error) {
	st := t.Pre.Copy()
	r.UseState(st)
	blk := &runtime.Block{
		Coinbase:      t.Env.Coinbase,
		Number:        t.Env.Number,
		Timestamp:     t.Env.Timestamp,
		GasLimit:      t.Env.GasLimit,
		PrevRandao:    t.Env.PrevRandao,
		BaseFee:       t.Env.BaseFee,
		ExcessBlobGas: t.Env.ExcessBlobGas,
		ChainID:       *uint256.NewInt(chainID),
		GetHash:       testBlockHash,
	}
	tx, err := t.Tx.build(post)
	var rc runtime.Receipt
	if err == nil {
		rc, err = r.ApplyTransaction(tx, blk)
	}
	if err != nil {
		// A rejected transaction leaves the pre-state.
		root := st.Root()
		switch {
		case post.ExpectException == "":
			return root, 0, fmt.Errorf("transaction rejected unexpectedly: %w", err)
		case !exceptionMatches(post.ExpectException, err):
			return root, 0, fmt.Errorf("expected exception %s, got: %w", post.ExpectException, err)
		case root != post.Root:
			return root, 0, fmt.Errorf("state root after the rejected transaction %x, want %x", root, post.Root)
		}
		return root, 0, nil
	}
	logs := state.LogsHash(rc.Logs)
	// As go-ethereum's runner: touch the coinbase (a block would have rewarded
	// it), so an empty coinbase is removed under EIP-161.
	st.AddBalance(blk.Coinbase, new(uint256.Int))
	st.FinaliseTx()
	root := st.Root()
	if post.ExpectException != "" {
		return root, rc.GasUsed, fmt.Errorf("expected exception %s, but the transaction was valid", post.ExpectException)
	}
	if root != post.Root {
		return root, rc.GasUsed, fmt.Errorf("post state root mismatch: got %x, want %x", root, post.Root)
	}
	if logs != post.Logs {
		return root, rc.GasUsed, fmt.Errorf("logs hash mismatch: got %x, want %x", logs, post.Logs)
	}
	return root, rc.GasUsed, nil
}

// testBlockHash is the state tests' BLOCKHASH: keccak256 of the block number in
// decimal.
func testBlockHash(n uint64) host.Hash {
	return crypto.Keccak256Hash([]byte(strconv.FormatUint(n, 10)))
}
