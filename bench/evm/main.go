// Command evm prints hybridvm's EVM against go-ethereum's on the standard EVM benchmarks:
// per case both times, Mgas/s, the ratio, and the geometric mean of the ratios. Both engines
// run in this process against the same state implementation, and each case's result is
// checked against the expected post-state before timing.
//
//	go run ./bench/evm [-dir DIR] [-run regexp] [-rounds 5] [-round 200ms]
//
// The cases are read from -dir, by default evm-benchmarks/benchmarks in the external test
// data: $HYBRIDVM_TESTDATA, else ../shared/testdata beside the repository root (see
// scripts/fetch-testdata.sh).
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"time"

	"github.com/hybridvm/hybridvm/bench/evm/evmbench"
	"github.com/hybridvm/hybridvm/internal/testtools"
)

func main() {
	dir := flag.String("dir", "", "benchmark directory (holding main/ and micro/); default: "+evmbench.DataDir+" in the test data")
	filter := flag.String("run", "", "only cases whose name matches this regular expression")
	rounds := flag.Int("rounds", 5, "timing rounds per engine (the best is kept)")
	round := flag.Duration("round", 200*time.Millisecond, "minimum duration of a round")
	flag.Parse()
	if *dir == "" {
		root, err := testtools.DataRoot()
		if err != nil {
			fmt.Fprintln(os.Stderr, "bench/evm:", err)
			os.Exit(1)
		}
		*dir = filepath.Join(root, filepath.FromSlash(evmbench.DataDir))
	}
	if err := run(*dir, *filter, *rounds, *round); err != nil {
		fmt.Fprintln(os.Stderr, "bench/evm:", err)
		os.Exit(1)
	}
}

func run(dir, filter string, rounds int, round time.Duration) error {
	re, err := regexp.Compile(filter)
	if err != nil {
		return fmt.Errorf("-run: %w", err)
	}
	if rounds < 1 || round <= 0 {
		return fmt.Errorf("-rounds and -round must be positive")
	}
	cases, err := evmbench.Load(dir)
	if err != nil {
		return err
	}
	e, err := evmbench.NewEVM()
	if err != nil {
		return err
	}
	var ms []evmbench.Measurement
	for _, c := range cases {
		if !re.MatchString(c.Name) {
			continue
		}
		m, err := evmbench.Measure(c, e, rounds, round)
		if err != nil {
			return err
		}
		ms = append(ms, m)
		fmt.Fprintf(os.Stderr, "%s: %.2fx\n", m.Name, m.Ratio())
	}
	if len(ms) == 0 {
		return fmt.Errorf("no case matches %q", filter)
	}
	evmbench.PrintTable(os.Stdout, ms)
	return nil
}
