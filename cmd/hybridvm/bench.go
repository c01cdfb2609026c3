package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/hybridvm/hybridvm/bench/clock"
	"github.com/hybridvm/hybridvm/bench/evm/evmbench"
	"github.com/hybridvm/hybridvm/bench/harness"
	"github.com/hybridvm/hybridvm/internal/testtools"
	"github.com/hybridvm/hybridvm/machine"
)

func init() {
	register(command{
		name:    "bench",
		summary: "measure the engines and their peers side by side (suites riscv, evm, calls, replay)",
		run:     runBench,
	})
}

const benchUsage = `usage: hybridvm bench [flags] SUITE

Measures hybridvm against its peers on one suite, from a checkout of the repository
(bench/README.md explains the suites and how to read the noise):

  riscv   the kernels of bench/kernels: gcc -O2 native, hybridvm exec on each engine,
          qemu-riscv64 (a process per run); CPU time, MIPS, ratios to native
  evm     evm-benchmarks on hybridvm's EVM and go-ethereum's interpreter; Mgas/s, ratio
  calls   ECALL round trip, contract entry, ERC20 transfer, first call per engine; ns/op
  replay  generated chains (hybridvm chaingen, --blocks each), imported by hybridvm
          replay and by go-ethereum's BlockChain.InsertChain, in memory, each sample
          in a child process: Mgas/s, ratio, peak RSS; the hybrid workload (RISC-V
          contracts) on hybridvm alone, a case per engine of --engines

Every case is checked first (its output against the reference) and then runs --runs
times, the contenders taking turns. The table gives each one's min, median and spread,
the ratios of the medians, and geometric means with and without the micro-cases. A
peer that is not installed is reported as such and the rest runs; a case that fails
is reported as a failure, never timed.

Exit status: 0 all cases ran; 1 a case failed, or the suite could not start (missing
test data); 2 bad usage.

flags:
`

func runBench(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 && args[0] == harness.ReplayChildArg { // a replay sample's own process
		if err := harness.ReplayChild(args[1:], stdout); err != nil {
			fmt.Fprintf(stderr, "hybridvm bench %s: %v\n", harness.ReplayChildArg, err)
			return 1
		}
		return 0
	}
	fs := newFlagSet("bench", stderr)
	runs := fs.Int("runs", 5, "samples per case and contender")
	format := fs.String("format", "table", "output: table, json or benchstat")
	plotFile := fs.String("plot", "", "also draw the ratios (and, for riscv with --scales, the scaling) into `FILE`.svg or .png")
	filter := fs.String("filter", "", "only the case/contender pairs whose name \"case/contender\" matches this `regexp`")
	cpuTime := fs.Bool("cpu-time", false, "time CPU time: the thread's for evm and calls, the child's user+system for riscv (the default)")
	wall := fs.Bool("wall", false, "time wall-clock time instead of CPU time")
	round := fs.Duration("round", 100*time.Millisecond, "evm, calls: minimum duration of one sample's loop")
	blocks := fs.Int("blocks", 200, "replay: blocks per generated chain")
	engines := fs.String("engines", "jit,aot,tiered,interp", "riscv, replay (hybrid workload): hybridvm engines to run")
	scales := fs.String("scales", "", "riscv: further kernel SCALE values to build and run (comma-separated; needs riscv64-unknown-elf-gcc)")
	kernels := fs.String("kernels", "", "riscv: kernel `directory` (default bench/kernels of the checkout)")
	baseline := fs.String("baseline", "", "riscv: also run each engine on this other hybridvm `binary` (an older build), in turns, with the ratio of the two")
	data := fs.String("data", "", "evm: evm-benchmarks `directory` holding main/ and micro/ (default "+evmbench.DataDir+" in the test data: $"+testtools.DataEnv+", else ../shared/testdata)")
	rest, status, ok := parseCommandLine(fs, args, benchUsage, stdout, stderr)
	if !ok {
		return status
	}
	if len(rest) != 1 {
		return usageError(stderr, "bench", "want exactly one suite (riscv, evm, calls, replay), got %d arguments", len(rest))
	}
	suiteName := rest[0]
	if *runs < 1 {
		return usageError(stderr, "bench", "--runs must be at least 1")
	}
	if *baseline != "" && suiteName != "riscv" {
		return usageError(stderr, "bench", "--baseline is for the riscv suite")
	}
	if *cpuTime && *wall {
		return usageError(stderr, "bench", "--cpu-time and --wall exclude each other")
	}
	if *round <= 0 {
		return usageError(stderr, "bench", "--round must be positive")
	}
	if *format != "table" && *format != "json" && *format != "benchstat" {
		return usageError(stderr, "bench", "--format %q: want table, json or benchstat", *format)
	}
	var re *regexp.Regexp
	if *filter != "" {
		var err error
		if re, err = regexp.Compile(*filter); err != nil {
			return usageError(stderr, "bench", "--filter: %v", err)
		}
	}
	if *plotFile != "" {
		if _, err := harness.PlotFormat(*plotFile); err != nil {
			return usageError(stderr, "bench", "--plot: %v", err)
		}
	}
	scaleList, err := parseScales(*scales)
	if err != nil {
		return usageError(stderr, "bench", "--scales: %v", err)
	}
	engineList := strings.Split(*engines, ",")
	for _, e := range engineList {
		if e != "interp" && e != "jit" && e != "aot" && e != "tiered" {
			return usageError(stderr, "bench", "--engines: unknown engine %q (want interp, jit, aot, tiered)", e)
		}
	}

	var clk clock.Clock = clock.Default()
	if *wall {
		clk = clock.Wall{}
	}
	fail := func(err error) int {
		fmt.Fprintf(stderr, "hybridvm bench %s: %v\n", suiteName, err)
		return 1
	}
	var suite *harness.Suite
	clockName := clk.Name()
	switch suiteName {
	case "riscv":
		cfg := harness.RISCVConfig{KernelDir: *kernels, Engines: engineList, Scales: scaleList, Wall: *wall}
		if *baseline != "" {
			st, err := os.Stat(*baseline)
			if err != nil || st.IsDir() || st.Mode().Perm()&0o111 == 0 {
				return usageError(stderr, "bench", "--baseline %s: not an executable file", *baseline)
			}
			if cfg.Baseline, err = filepath.Abs(*baseline); err != nil {
				return fail(err)
			}
		}
		repo, rerr := testtools.RepoRoot()
		if cfg.KernelDir == "" {
			if rerr != nil {
				return fail(fmt.Errorf("%v (run it in a checkout, or give --kernels)", rerr))
			}
			cfg.KernelDir = filepath.Join(repo, "bench", "kernels")
		}
		if rerr == nil {
			cfg.StartupELF = filepath.Join(repo, "testdata", "riscv", "exec", "exitcode.elf")
		}
		if cfg.Hybridvm, err = os.Executable(); err != nil {
			return fail(err)
		}
		if cfg.WorkDir, err = os.MkdirTemp("", "hybridvm-bench-"); err != nil {
			return fail(err)
		}
		defer os.RemoveAll(cfg.WorkDir)
		suite, err = harness.RISCVSuite(cfg)
		clockName = "the child process's user + system CPU time"
		if *wall {
			clockName = "wall time"
		}
		clk = nil // the samples time other processes
	case "evm":
		dir := *data
		if dir == "" {
			root, rerr := testtools.DataRoot()
			if rerr != nil {
				return fail(fmt.Errorf("%v (give --data)", rerr))
			}
			dir = filepath.Join(root, filepath.FromSlash(evmbench.DataDir))
		}
		suite, err = harness.EVMSuite(dir, clk, *round)
	case "calls":
		repo, rerr := testtools.RepoRoot()
		if rerr != nil {
			return fail(fmt.Errorf("%v (run it in a checkout)", rerr))
		}
		suite, err = harness.CallsSuite(repo, clk, *round)
	case "replay":
		cfg := harness.ReplayConfig{Blocks: *blocks, Engine: machine.DefaultEngine(), Engines: engineList}
		if cfg.Hybridvm, err = os.Executable(); err != nil {
			return fail(err)
		}
		if cfg.WorkDir, err = os.MkdirTemp("", "hybridvm-bench-replay-"); err != nil {
			return fail(err)
		}
		defer os.RemoveAll(cfg.WorkDir)
		suite, err = harness.ReplaySuite(cfg)
		clockName = "wall time, as the child process times its import (both sides use several threads)"
	default:
		return usageError(stderr, "bench", "unknown suite %q (want riscv, evm, calls, replay)", suiteName)
	}
	if err != nil {
		return fail(err)
	}
	opts := harness.Options{Runs: *runs, Filter: re, Clock: clk}
	if isTerminal(stderr) {
		opts.Progress = stderr
	}
	rep, err := harness.Run(suite, opts, harness.NewHeader(suiteName, clockName, *runs))
	if errors.Is(err, harness.ErrNoMatch) {
		return usageError(stderr, "bench", "--filter %q matches no case of suite %s", *filter, suiteName)
	}
	if err != nil {
		return fail(err)
	}
	switch *format {
	case "table":
		err = harness.WriteTable(stdout, rep)
	case "json":
		err = harness.WriteJSON(stdout, rep)
		harness.WriteFailures(stderr, rep)
	case "benchstat":
		err = harness.WriteBenchstat(stdout, rep)
		harness.WriteFailures(stderr, rep)
	}
	if err != nil {
		return fail(err)
	}
	if *plotFile != "" {
		files, err := harness.WritePlots(rep, *plotFile)
		if err != nil {
			return fail(err)
		}
		if suiteName == "riscv" && len(files) < 2 {
			fmt.Fprintln(stderr, "hybridvm bench: no scaling plot: it needs each kernel at two scales or more (--scales)")
		}
	}
	if rep.Failed() {
		return 1
	}
	return 0
}

// parseScales parses a comma-separated list of positive SCALE values.
func parseScales(s string) ([]int, error) {
	if s == "" {
		return nil, nil
	}
	var out []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			return nil, fmt.Errorf("%q is not a positive integer", f)
		}
		out = append(out, n)
	}
	return out, nil
}
