package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"

	"github.com/hybridvm/hybridvm/blocktest"
	"github.com/hybridvm/hybridvm/evm"
	"github.com/hybridvm/hybridvm/host"
	"github.com/hybridvm/hybridvm/runtime"
)

func init() {
	register(command{
		name:    "blocktest",
		summary: "run Ethereum blockchain tests (BlockchainTests format)",
		run:     runBlocktest,
	})
}

const blocktestUsage = `usage: hybridvm blocktest [--run REGEX] [--json] [--trace] [--parallel N] PATH...

Runs the blockchain tests in each PATH (a file, or a directory searched recursively
for *.json) and prints one line per test, then a final line "N passed, N failed".

For each test it builds the genesis from "pre" and checks its hash, imports every
block from its RLP (checking the header fields execution computes: state root,
receipts root, logs bloom, gas used, transactions and withdrawals roots, blob gas),
checks that each block marked invalid is rejected for the exception it names, and
compares the head with "lastblockhash" and its state with "postState".

Networks from Paris on are run (Paris, also named Merge, Shanghai, Cancun, Prague,
Osaka and the transitions between them); a test of another network fails, naming it. A file that cannot be parsed
counts as one failure.

  --run REGEX   run only tests whose name matches REGEX
  --json        print each result as JSON: {"name","pass","stateRoot","fork","error","file"}
  --trace       stream an EIP-3155 JSON trace of every transaction to stderr (runs one
                test at a time), each test followed by {"stateRoot": "0x..."}
  --parallel N  execute every block's transactions on N goroutines (parallel block
                execution, every block however small; 1, the default, runs them one
                after another): the tests then check the parallel path

Exit status: 0 all passed, 1 a test failed, 2 bad usage.

flags:
`

func runBlocktest(args []string, stdout, stderr io.Writer) int {
	fset := newFlagSet("blocktest", stderr)
	runRe := fset.String("run", "", "regular expression selecting tests by name")
	asJSON := fset.Bool("json", false, "print results as JSON lines")
	trace := fset.Bool("trace", false, "stream an EIP-3155 trace to stderr")
	parallel := fset.Int("parallel", 1, "goroutines executing each block's transactions")
	paths, status, ok := parseCommandLine(fset, args, blocktestUsage, stdout, stderr)
	if !ok {
		return status
	}
	if len(paths) == 0 {
		return usageError(stderr, "blocktest", "no PATH given")
	}
	if *parallel < 1 {
		return usageError(stderr, "blocktest", "--parallel %d: want at least 1", *parallel)
	}
	if *parallel > 1 && *trace {
		return usageError(stderr, "blocktest", "--trace runs transactions one after another: drop --parallel")
	}
	opts := &blocktest.Options{TxWorkers: *parallel}
	if *runRe != "" {
		re, err := regexp.Compile(*runRe)
		if err != nil {
			fmt.Fprintf(stderr, "hybridvm blocktest: --run: %v\n", err)
			return 2
		}
		opts.Run = re
	}
	for _, p := range paths {
		if _, err := os.Stat(p); err != nil {
			fmt.Fprintf(stderr, "hybridvm blocktest: %v\n", err)
			return 2
		}
	}

	var tracer *evm.JSONTracer
	if *trace {
		traceOut := bufio.NewWriter(stderr)
		defer traceOut.Flush()
		tracer = evm.NewJSONTracer(traceOut)
		opts.Tracer = tracer
		opts.Workers = 1 // one trace at a time
		opts.AfterTest = func(r blocktest.Result) {
			fmt.Fprintf(traceOut, "{\"stateRoot\": \"%#x\"}\n", r.StateRoot)
			traceOut.Flush()
		}
	}
	opts.Engine = func(f host.Fork) (runtime.Engine, error) {
		cfg := evm.Config{Fork: f}
		if tracer != nil {
			cfg.Tracer = tracer
		}
		return evm.New(cfg)
	}

	out := bufio.NewWriter(stdout)
	defer out.Flush()
	enc := json.NewEncoder(out)
	counts, err := blocktest.Run(paths, opts, func(r blocktest.Result) {
		if *asJSON {
			enc.Encode(blocktestJSONOf(r))
			return
		}
		fmt.Fprintln(out, blocktestText(r))
	})
	if err != nil {
		out.Flush()
		fmt.Fprintf(stderr, "hybridvm blocktest: %v\n", err)
		return 2
	}
	fmt.Fprintf(out, "%d passed, %d failed\n", counts.Passed, counts.Failed)
	if counts.Failed > 0 {
		return 1
	}
	return 0
}

// blocktestJSON is a result as go-ethereum's `evm blocktest` reports one, with
// the file added.
type blocktestJSON struct {
	Name      string `json:"name"`
	Pass      bool   `json:"pass"`
	StateRoot string `json:"stateRoot"`
	Fork      string `json:"fork"`
	Error     string `json:"error,omitempty"`
	File      string `json:"file"`
}

func blocktestJSONOf(r blocktest.Result) blocktestJSON {
	return blocktestJSON{r.Name, r.Pass, fmt.Sprintf("%#x", r.StateRoot), r.Fork, r.Error, r.File}
}

func blocktestText(r blocktest.Result) string {
	if r.Fork == "" && !r.Pass && r.Name == r.File { // the file itself is malformed
		return fmt.Sprintf("FAIL %s: %s", r.File, r.Error)
	}
	if r.Pass {
		return fmt.Sprintf("PASS %s", r.Name)
	}
	return fmt.Sprintf("FAIL %s (%s): %s", r.Name, r.File, strings.ReplaceAll(r.Error, "\n", "\n    "))
}
