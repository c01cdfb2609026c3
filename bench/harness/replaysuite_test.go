package harness

import (
	"bytes"
	"runtime"
	"strings"
	"testing"
)

// TestCaseContendersAndRSS: a case limited to some contenders runs on those alone,
// and a report whose samples measured their peak RSS shows it (table and JSON).
func TestCaseContendersAndRSS(t *testing.T) {
	ran := map[string]int{}
	prep := func(rss int64) func(string) (Sampler, error) {
		return func(c string) (Sampler, error) {
			return func() (Sample, error) {
				ran[c]++
				return Sample{Ns: 1e9, Ops: 1, Work: 100e6, MaxRSS: rss}, nil
			}, nil
		}
	}
	s := &Suite{Name: "replay", Contenders: []string{"hybridvm", "geth"}, RateUnit: "Mgas/s", Ratios: []Ratio{{Num: "geth", Den: "hybridvm"}},
		Cases: []*Case{
			{Name: "erc20", Prepare: prep(300 << 20)},
			{Name: "hybrid/jit", Contenders: []string{"hybridvm"}, Prepare: prep(200 << 20)},
		}}
	rep, err := Run(s, Options{Runs: 2}, Header{})
	if err != nil {
		t.Fatal(err)
	}
	if ran["hybridvm"] != 4 || ran["geth"] != 2 || len(rep.Cases[1].Results) != 1 {
		t.Errorf("samples %v, hybrid results %d: want geth on erc20 only", ran, len(rep.Cases[1].Results))
	}
	var table, js bytes.Buffer
	if err := WriteTable(&table, rep); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(table.String(), "peak RSS") || !strings.Contains(table.String(), "300 MiB") || !strings.Contains(table.String(), "200 MiB") {
		t.Errorf("table:\n%s", table.String())
	}
	if err := WriteJSON(&js, rep); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(js.String(), `"peak_rss_bytes": 314572800`) {
		t.Errorf("json:\n%s", js.String())
	}
	// Without RSS figures, no column.
	for _, c := range rep.Cases {
		for _, r := range c.Results {
			for i := range r.Samples {
				r.Samples[i].MaxRSS = 0
			}
		}
	}
	table.Reset()
	if err := WriteTable(&table, rep); err != nil || strings.Contains(table.String(), "peak RSS") {
		t.Errorf("table without RSS figures (%v):\n%s", err, table.String())
	}
}

// TestSelfPeakRSS: the peak RSS grows with memory touched (on Linux).
func TestSelfPeakRSS(t *testing.T) {
	if runtime.GOOS != "linux" {
		if selfPeakRSS() != 0 {
			t.Error("a peak RSS off Linux")
		}
		return
	}
	before := selfPeakRSS()
	buf := make([]byte, 64<<20)
	for i := range buf {
		buf[i] = byte(i)
	}
	after := selfPeakRSS()
	if before < 1<<20 || after < before+32<<20 {
		t.Errorf("peak RSS %d bytes, then %d after touching 64 MiB", before, after)
	}
	runtime.KeepAlive(buf)
}
