package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"
	"sync"

	"github.com/hybridvm/hybridvm/evm"
	"github.com/hybridvm/hybridvm/host"
	"github.com/hybridvm/hybridvm/runtime"
	"github.com/hybridvm/hybridvm/statetest"
)

func init() {
	register(command{
		name:    "statetest",
		summary: "run Ethereum state tests (GeneralStateTests format) on the EVM",
		run:     runStatetest,
	})
}

const statetestUsage = `usage: hybridvm statetest [--fork NAME] [--run REGEX] [--json] [--trace] PATH...

Runs the state tests in each PATH (a file, or a directory searched recursively for
*.json) and prints one line per test, fork and post-state index, then a final line
"N passed, N failed".

Only the forks hybridvm implements are run: Paris (also named Merge), Shanghai,
Cancun, Prague and Osaka. Post entries of older forks (London, Berlin, ...) are
skipped and not counted. A file that
cannot be parsed counts as one failure, with the reason naming the field.

  --fork NAME   run only this fork's post entries (default: every supported fork)
  --run REGEX   run only tests whose name matches REGEX
  --json        print each result as JSON: {"name","index","pass","stateRoot","fork","error","file"}
  --trace       stream an EIP-3155 JSON trace of every test to stderr (runs one test at a
                time), each test followed by {"stateRoot": "0x..."} (go-ethereum's format)

Exit status: 0 all passed, 1 a test failed, 2 bad usage.

flags:
`

func runStatetest(args []string, stdout, stderr io.Writer) int {
	fset := newFlagSet("statetest", stderr)
	forkName := fset.String("fork", "", "fork to run (Paris, Shanghai, Cancun, Prague or Osaka)")
	runRe := fset.String("run", "", "regular expression selecting tests by name")
	asJSON := fset.Bool("json", false, "print results as JSON lines")
	trace := fset.Bool("trace", false, "stream an EIP-3155 trace to stderr")
	paths, status, ok := parseCommandLine(fset, args, statetestUsage, stdout, stderr)
	if !ok {
		return status
	}
	if len(paths) == 0 {
		return usageError(stderr, "statetest", "no PATH given")
	}
	opts := &statetest.Options{}
	if *forkName != "" {
		f, err := host.ParseFork(*forkName)
		if err != nil {
			fmt.Fprintf(stderr, "hybridvm statetest: --fork: %v\n", err)
			return 2
		}
		opts.Forks = []host.Fork{f}
	}
	if *runRe != "" {
		re, err := regexp.Compile(*runRe)
		if err != nil {
			fmt.Fprintf(stderr, "hybridvm statetest: --run: %v\n", err)
			return 2
		}
		opts.Run = re
	}
	for _, p := range paths {
		if _, err := os.Stat(p); err != nil {
			fmt.Fprintf(stderr, "hybridvm statetest: %v\n", err)
			return 2
		}
	}

	var traceOut *bufio.Writer
	var tracer *evm.JSONTracer
	if *trace {
		traceOut = bufio.NewWriter(stderr)
		defer traceOut.Flush()
		tracer = evm.NewJSONTracer(traceOut)
		opts.Tracer = tracer
		opts.Workers = 1 // one trace at a time
		opts.AfterEntry = func(r statetest.Result) {
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
	var mu sync.Mutex
	enc := json.NewEncoder(out)
	counts, err := statetest.Run(paths, opts, func(r statetest.Result) {
		mu.Lock()
		defer mu.Unlock()
		if *asJSON {
			enc.Encode(statetestJSONOf(r))
			return
		}
		fmt.Fprintln(out, statetestText(r))
	})
	if err != nil {
		out.Flush()
		fmt.Fprintf(stderr, "hybridvm statetest: %v\n", err)
		return 2
	}
	fmt.Fprintf(out, "%d passed, %d failed\n", counts.Passed, counts.Failed)
	if counts.Failed > 0 {
		return 1
	}
	return 0
}

// statetestJSON is a result as go-ethereum's `evm statetest --json` prints it, with
// the post-state index and the file added.
type statetestJSON struct {
	Name      string `json:"name"`
	Index     int    `json:"index"`
	Pass      bool   `json:"pass"`
	StateRoot string `json:"stateRoot"`
	Fork      string `json:"fork"`
	Error     string `json:"error,omitempty"`
	File      string `json:"file"`
}

func statetestJSONOf(r statetest.Result) statetestJSON {
	return statetestJSON{r.Name, r.Index, r.Pass, fmt.Sprintf("%#x", r.StateRoot), r.Fork, r.Error, r.File}
}

func statetestText(r statetest.Result) string {
	if r.Fork == "" { // the file itself is malformed
		return fmt.Sprintf("FAIL %s: %s", r.File, r.Error)
	}
	if r.Pass {
		return fmt.Sprintf("PASS %s %s/%d", r.Name, r.Fork, r.Index)
	}
	return fmt.Sprintf("FAIL %s %s/%d (%s): %s", r.Name, r.Fork, r.Index, r.File, strings.ReplaceAll(r.Error, "\n", "\n    "))
}
