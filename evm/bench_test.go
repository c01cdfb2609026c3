package evm_test

import (
	"testing"

	"github.com/hybridvm/hybridvm/bench/evm/evmbench"
	"github.com/hybridvm/hybridvm/evm"
	"github.com/hybridvm/hybridvm/internal/testtools"
)

// The standard EVM benchmarks (ipsilon/evm-benchmarks) on this package and on go-ethereum,
// in the same run. BenchmarkEVM/<case>/hybridvm and .../geth report each engine's Mgas/s
// (wall time); BenchmarkEVMRatio/<case> runs both alternately, timing each with the thread's
// CPU time, and reports the ratio ("x-geth": go-ethereum's time over ours) and both Mgas/s.
// Each case is first checked against its expected post-state on both engines. The table
// with the geometric means is `hybridvm bench evm` (bench/README.md).
//
//	go test -run '^$' -bench . ./evm/
func loadCases(b *testing.B) ([]*evmbench.Case, *evm.EVM) {
	cases, err := evmbench.Load(testtools.NeedData(b, evmbench.DataDir))
	if err != nil {
		b.Fatal(err)
	}
	e, err := evmbench.NewEVM()
	if err != nil {
		b.Fatal(err)
	}
	return cases, e
}

func BenchmarkEVMRatio(b *testing.B) {
	cases, e := loadCases(b)
	for _, c := range cases {
		b.Run(c.Name, func(b *testing.B) {
			if err := c.Verify(e); err != nil {
				b.Fatal(err)
			}
			ours, err := c.OursRunner(e)
			if err != nil {
				b.Fatal(err)
			}
			geth, err := c.GethRunner()
			if err != nil {
				b.Fatal(err)
			}
			var cmp evmbench.Comparison
			cmp.Start()
			defer cmp.Stop()
			for b.Loop() {
				if err := cmp.Step(ours, geth); err != nil {
					b.Fatal(err)
				}
			}
			o, g := cmp.Mgas()
			b.ReportMetric(cmp.Ratio(), "x-geth")
			b.ReportMetric(o, "Mgas/s")
			b.ReportMetric(g, "geth-Mgas/s")
		})
	}
}

func BenchmarkEVM(b *testing.B) {
	cases, e := loadCases(b)
	for _, c := range cases {
		b.Run(c.Name, func(b *testing.B) {
			if err := c.Verify(e); err != nil {
				b.Fatal(err)
			}
			ours, err := c.OursRunner(e)
			if err != nil {
				b.Fatal(err)
			}
			geth, err := c.GethRunner()
			if err != nil {
				b.Fatal(err)
			}
			for _, eng := range []struct {
				name string
				r    *evmbench.Runner
			}{{"hybridvm", ours}, {"geth", geth}} {
				b.Run(eng.name, func(b *testing.B) {
					var gas uint64
					for b.Loop() {
						g, _, err := eng.r.Run()
						if err != nil {
							b.Fatal(err)
						}
						gas += g
					}
					b.ReportMetric(float64(gas)/b.Elapsed().Seconds()/1e6, "Mgas/s")
				})
			}
		})
	}
}
