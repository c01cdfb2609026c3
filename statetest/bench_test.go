package statetest

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/core/rawdb"
	"github.com/ethereum/go-ethereum/core/vm"
	gtests "github.com/ethereum/go-ethereum/tests"

	"github.com/hybridvm/hybridvm/host"
	"github.com/hybridvm/hybridvm/internal/testtools"
	"github.com/hybridvm/hybridvm/runtime"
	"github.com/hybridvm/hybridvm/state"
)

// BenchmarkStateTests runs the Cancun entries of compute-heavy state tests
// (VMTests/vmPerformance: loopExp, performanceTester) end to end — pre-state
// copy, transaction, state root — with this runner and with go-ethereum's
// (tests.StateTest.RunNoVerify) in the same run, and reports Mgas/s for both.
func BenchmarkStateTests(b *testing.B) {
	dir := testtools.NeedData(b, generalStateTests+"/VMTests/vmPerformance")
	files := []string{filepath.Join(dir, "loopExp.json"), filepath.Join(dir, "performanceTester.json")}
	type entry struct {
		t    *Test
		post *PostEntry
		geth *gtests.StateTest
		sub  gtests.StateSubtest
	}
	var entries []entry
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		tests, err := ParseFile(f, data)
		if err != nil {
			b.Fatal(err)
		}
		var raw map[string]json.RawMessage
		json.Unmarshal(data, &raw)
		for _, t := range tests {
			var g gtests.StateTest
			if err := json.Unmarshal(raw[t.Name], &g); err != nil {
				b.Fatal(err)
			}
			for i := range t.Post["Cancun"] {
				entries = append(entries, entry{t, &t.Post["Cancun"][i], &g, gtests.StateSubtest{Fork: "Cancun", Index: i}})
			}
		}
	}
	eng, err := evmEngine(host.Cancun)
	if err != nil {
		b.Fatal(err)
	}
	r, err := runtime.New(runtime.Config{Fork: host.Cancun, EVM: eng}, state.New())
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	var ours, ref time.Duration
	var gas, gethGas uint64
	for i := 0; i < b.N; i++ {
		for _, e := range entries {
			start := time.Now()
			_, g, err := RunEntry(r, e.t, e.post)
			ours += time.Since(start)
			if err != nil {
				b.Fatalf("%s: %v", e.t.Name, err)
			}
			gas += g
			start = time.Now()
			st, _, gg, err := e.geth.RunNoVerify(e.sub, vm.Config{}, false, rawdb.HashScheme)
			ref += time.Since(start)
			st.Close()
			if err != nil {
				b.Fatal(err)
			}
			gethGas += gg
		}
	}
	if gas != gethGas {
		b.Fatalf("gas used %d, go-ethereum %d", gas, gethGas)
	}
	b.ReportMetric(float64(gas)/1e6/ours.Seconds(), "Mgas/s")
	b.ReportMetric(float64(gas)/1e6/ref.Seconds(), "Mgas/s-geth")
	b.ReportMetric(ref.Seconds()/ours.Seconds(), "x-geth")
	b.ReportMetric(float64(len(entries)*b.N)/ours.Seconds(), "tests/s")
}
