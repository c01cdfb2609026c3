package harness

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hybridvm/hybridvm/bench/clock"
	"github.com/hybridvm/hybridvm/internal/testtools"
	"github.com/hybridvm/hybridvm/machine"
)

// BenchmarkCallsStart runs the calls suite's start-up cases (callsstart.go) as Go
// benchmarks, with the samplers `hybridvm bench calls` uses: each iteration is one
// sample, reported as the median ns/call and the minimum (ns/inst for translate-*: per translated guest
// instruction), on the calling thread's CPU clock where there is one.
//
//	go test -run '^$' -bench CallsStart ./bench/harness
//	go test -run '^$' -bench 'CallsStart/erc20-100th-call/tiered' ./bench/harness
func BenchmarkCallsStart(b *testing.B) {
	repo, err := testtools.RepoRoot()
	if err != nil {
		b.Fatal(err)
	}
	read := func(name string) []byte {
		data, err := os.ReadFile(filepath.Join(repo, "examples", "erc20", name))
		if err != nil {
			b.Fatal(err)
		}
		return data
	}
	clk := clock.Default()
	loop := func(op func() error) Sampler { return loopSampler(clk, 20*time.Millisecond, 0, op) }
	engine := func(name string) (machine.Engine, error) {
		e, err := machine.ParseEngine(name)
		if err == nil && e != machine.EngineInterp && !machine.NativeAvailable() {
			return 0, Missing("a native backend")
		}
		return e, err
	}
	cases, _, cleanup, err := startCases(repo, read("erc20.runtime.elf"), read("erc20.initcode"), clk, loop, engine)
	if err != nil {
		b.Fatal(err)
	}
	defer cleanup()
	for _, c := range cases {
		unit := "ns/call"
		if strings.HasPrefix(c.Name, "translate-") {
			unit = "ns/inst"
		}
		for _, e := range []string{"interp", "jit", "aot", "tiered"} {
			b.Run(c.Name+"/"+e, func(b *testing.B) {
				clk.Lock()
				defer clk.Unlock()
				smp, err := c.Prepare(e)
				var na *NotApplicableError
				switch {
				case IsMissing(err) || errors.As(err, &na):
					b.Skip(err)
				case err != nil:
					b.Fatal(err)
				}
				var ns []float64
				for b.Loop() {
					s, err := smp()
					if err != nil {
						b.Fatal(err)
					}
					ns = append(ns, s.Ns)
				}
				// A sample can be bimodal (a tiered call native or not yet): the
				// median and the minimum, not the mean.
				slices.Sort(ns)
				b.ReportMetric(ns[len(ns)/2], unit)
				b.ReportMetric(ns[0], "min-"+unit)
			})
		}
	}
}
