package blocktest

import (
	"errors"
	"fmt"
	"os"
	"reflect"
	"regexp"
	rt "runtime"
	"runtime/debug"
	"sync"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/rlp"

	"github.com/hybridvm/hybridvm/chain"
	"github.com/hybridvm/hybridvm/host"
	"github.com/hybridvm/hybridvm/runtime"
	"github.com/hybridvm/hybridvm/statetest"
)

// Options configure a run.
type Options struct {
	// Run, when set, runs only the tests whose name it matches.
	Run *regexp.Regexp
	// Engine returns the EVM engine for a fork. It is called once per fork and
	// the engine is shared by all workers. Required.
	Engine func(host.Fork) (runtime.Engine, error)
	// Tracer, when set, is told of every frame's end (runtime.Config.Tracer).
	Tracer runtime.FrameTracer
	// Workers is the number of files run in parallel; zero means GOMAXPROCS.
	Workers int
	// TxWorkers, when above one, executes each block's transactions on that
	// many goroutines (chain's parallel execution), every block in parallel
	// however small or dependent (chain.Config.AlwaysParallel): the tests then
	// check that path against their expected results.
	TxWorkers int
	// AfterTest, when set, is called by the worker right after each test ran,
	// before the next one starts (with one worker: to end a test's trace).
	AfterTest func(Result)
}

// Result is the outcome of one test; a file that cannot be parsed gives one
// failing Result with Fork empty and Name the file.
type Result struct {
	Name string `json:"name"`
	Pass bool   `json:"pass"`
	// StateRoot is the head's state root (zero when the test failed before).
	StateRoot host.Hash `json:"stateRoot"`
	Fork      string    `json:"fork"`
	Error     string    `json:"error,omitempty"`
	File      string    `json:"file"`
	// Blocks counts the blocks the test imported or rejected.
	Blocks int `json:"-"`
}

// Counts summarizes a run.
type Counts struct {
	Passed, Failed int
	Blocks         int // blocks imported or rejected, over all tests
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

// Run runs the files in paths (files as given, directories searched
// recursively for *.json, as statetest.CollectFiles) and calls emit for every
// result, in file order and, within a file, in test-name order. Files run in
// parallel; emit is called from the calling goroutine.
func Run(paths []string, opts *Options, emit func(Result)) (Counts, error) {
	if opts.Engine == nil {
		return Counts{}, errors.New("blocktest: Options.Engine is required")
	}
	files, err := statetest.CollectFiles(paths)
	if err != nil {
		return Counts{}, err
	}
	workers := opts.Workers
	if workers <= 0 {
		workers = rt.GOMAXPROCS(0)
	}
	workers = min(workers, max(len(files), 1))
	engs := &engines{make: opts.Engine, byF: map[host.Fork]runtime.Engine{}, errs: map[host.Fork]error{}}

	chans := make([]chan Result, len(files))
	for i := range chans {
		chans[i] = make(chan Result, 64)
	}
	next := make(chan int)
	go func() {
		for i := range files {
			next <- i
		}
		close(next)
	}()
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := &worker{opts: opts, engines: engs}
			for i := range next {
				w.runFile(files[i], chans[i])
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
			c.Blocks += r.Blocks
			emit(r)
		}
	}
	wg.Wait()
	return c, nil
}

type worker struct {
	opts    *Options
	engines *engines
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
		r := w.runTest(t)
		if w.opts.AfterTest != nil {
			w.opts.AfterTest(r)
		}
		out <- r
	}
}

// runTest runs one test; a panic becomes a failure of this test (with its
// stack), not a crash of the run.
func (w *worker) runTest(t *Test) (res Result) {
	res = Result{Name: t.Name, Fork: t.Network, File: t.File, Blocks: len(t.Blocks)}
	defer func() {
		if p := recover(); p != nil {
			res.Pass = false
			res.Error = fmt.Sprintf("panic: %v\n%s", p, debug.Stack())
		}
	}()
	root, err := RunTestWith(t, chain.Config{Runtime: w.runtimeConfig, Workers: w.opts.TxWorkers, AlwaysParallel: w.opts.TxWorkers > 1})
	res.StateRoot = root
	if err != nil {
		res.Error = err.Error()
		return res
	}
	res.Pass = true
	return res
}

func (w *worker) runtimeConfig(f host.Fork) (runtime.Config, error) {
	eng, err := w.engines.get(f)
	if err != nil {
		return runtime.Config{}, err
	}
	return runtime.Config{Fork: f, EVM: eng, Tracer: w.opts.Tracer}, nil
}

// RunTest runs t with runtimes configured by rc: it builds the genesis from
// the pre-state and checks its hash, imports every block (checking each valid
// block's header against the test's, and that each invalid one is rejected
// for the exception it names), then checks the head and its state. It returns
// the head's state root and the first mismatch.
func RunTest(t *Test, rc func(host.Fork) (runtime.Config, error)) (host.Hash, error) {
	return RunTestWith(t, chain.Config{Runtime: rc})
}

// RunTestWith is RunTest with a processor configured by cfg, whose Chain is
// set to the test's network.
func RunTestWith(t *Test, cfg chain.Config) (host.Hash, error) {
	mkConfig, ok := networks[t.Network]
	if !ok {
		return host.Hash{}, fmt.Errorf("network %q not supported", t.Network)
	}
	cfg.Chain = mkConfig()
	proc, err := chain.NewProcessor(cfg)
	if err != nil {
		return host.Hash{}, err
	}
	genesis := t.Genesis.ToHeader()
	st := t.Pre.Copy()
	if root := st.Root(); root != genesis.Root {
		return root, fmt.Errorf("genesis: state root of pre %x, genesisBlockHeader has %x", root, genesis.Root)
	}
	if h := genesis.Hash(); h != t.Genesis.Hash {
		return host.Hash{}, fmt.Errorf("genesis: hash %x, genesisBlockHeader has %x", h, t.Genesis.Hash)
	}
	c, err := chain.NewChain(proc, genesis, st)
	if err != nil {
		return host.Hash{}, err
	}
	for i := range t.Blocks {
		if err := importBlock(c, i, &t.Blocks[i]); err != nil {
			return c.Head().Root, err
		}
	}
	head := c.Head()
	headState := c.State(head.Hash())
	root := headState.Root()
	if h := head.Hash(); h != t.LastBlockHash {
		return root, fmt.Errorf("head %x (block %d), lastblockhash %x", h, head.Number, t.LastBlockHash)
	}
	if t.PostStateHash != nil && root != *t.PostStateHash {
		return root, fmt.Errorf("post state root %x, postStateHash %x", root, *t.PostStateHash)
	}
	if t.Post != nil {
		if want := t.Post.Root(); root != want {
			return root, fmt.Errorf("post state root %x, postState's %x: %s", root, want, diffStates(t.Post, headState))
		}
	}
	return root, nil
}

// importBlock decodes and imports the test's block i, checking the outcome
// against what the test expects.
func importBlock(c *chain.Chain, i int, tb *Block) error {
	var block types.Block
	var err error
	if tb.RLP == nil {
		err = fmt.Errorf("%w: not hex", errRLP)
	} else if derr := rlp.DecodeBytes(tb.RLP, &block); derr != nil {
		err = fmt.Errorf("%w: %v", errRLP, derr)
	}
	if err == nil {
		_, err = c.Insert(&block)
	}
	if tb.Header == nil { // must be rejected
		switch {
		case err == nil:
			return fmt.Errorf("block %d (number %d, %s) imported, but the test expects %s", i, block.NumberU64(), block.Hash().Hex(), tb.ExpectException)
		case !exceptionMatches(tb.ExpectException, err):
			return fmt.Errorf("block %d rejected for another reason than %s: %w", i, tb.ExpectException, err)
		}
		return nil
	}
	if err != nil {
		return fmt.Errorf("block %d: %w", i, err)
	}
	if err := compareHeader(tb.Header, block.Header()); err != nil {
		return fmt.Errorf("block %d (number %d): header differs from the test's: %w", i, block.NumberU64(), err)
	}
	return nil
}

// compareHeader checks every field of the imported header against the test's
// JSON (the computed ones were checked against the header by the import).
func compareHeader(want *Header, got *types.Header) error {
	w := want.ToHeader()
	fields := []struct {
		name      string
		want, got any
	}{
		{"parentHash", w.ParentHash, got.ParentHash},
		{"uncleHash", w.UncleHash, got.UncleHash},
		{"coinbase", w.Coinbase, got.Coinbase},
		{"stateRoot", w.Root, got.Root},
		{"transactionsTrie", w.TxHash, got.TxHash},
		{"receiptTrie", w.ReceiptHash, got.ReceiptHash},
		{"bloom", w.Bloom, got.Bloom},
		{"difficulty", w.Difficulty.String(), bigString(got.Difficulty)},
		{"number", w.Number.String(), bigString(got.Number)},
		{"gasLimit", w.GasLimit, got.GasLimit},
		{"gasUsed", w.GasUsed, got.GasUsed},
		{"timestamp", w.Time, got.Time},
		{"extraData", common.Bytes2Hex(w.Extra), common.Bytes2Hex(got.Extra)},
		{"mixHash", w.MixDigest, got.MixDigest},
		{"nonce", w.Nonce, got.Nonce},
		{"baseFeePerGas", bigString(w.BaseFee), bigString(got.BaseFee)},
		{"withdrawalsRoot", w.WithdrawalsHash, got.WithdrawalsHash},
		{"blobGasUsed", w.BlobGasUsed, got.BlobGasUsed},
		{"excessBlobGas", w.ExcessBlobGas, got.ExcessBlobGas},
		{"parentBeaconBlockRoot", w.ParentBeaconRoot, got.ParentBeaconRoot},
		{"requestsHash", w.RequestsHash, got.RequestsHash},
		{"hash", want.Hash, got.Hash()},
	}
	for _, f := range fields {
		if !reflect.DeepEqual(f.want, f.got) {
			return fmt.Errorf("%s: test %v, block %v", f.name, show(f.want), show(f.got))
		}
	}
	return nil
}

func bigString(v interface{ String() string }) string {
	if reflect.ValueOf(v).IsNil() {
		return "<nil>"
	}
	return v.String()
}

// show dereferences optional fields for messages.
func show(v any) any {
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Pointer {
		if rv.IsNil() {
			return "<absent>"
		}
		return rv.Elem().Interface()
	}
	return v
}
