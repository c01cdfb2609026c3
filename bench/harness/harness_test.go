package harness

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// fakeSuite has three contenders: "fast" (10 ns), "slow" (40 ns) and "gone" (not
// installed); case "broken" fails to prepare on "slow", case "flaky" fails its second
// sample on "fast", and case "micro" is a micro-case where slow is only 2× slower.
// The calls are logged in order.
func fakeSuite(log *[]string) *Suite {
	sample := func(cs, who string, ns float64, failAt int) (Sampler, error) {
		n := 0
		return func() (Sample, error) {
			n++
			*log = append(*log, cs+"/"+who)
			if n == failAt {
				return Sample{}, errors.New("wrong output on run " + strconv.Itoa(n))
			}
			return Sample{Ns: ns + float64(n), Ops: 100, Work: 1000}, nil
		}, nil
	}
	mk := func(name string, micro bool, slowNs float64, prepFail string, failAt int) *Case {
		return &Case{Name: name, Micro: micro, Prepare: func(who string) (Sampler, error) {
			switch {
			case who == "gone":
				return nil, Missing("gone-tool")
			case who == prepFail:
				return nil, errors.New("exit status 3")
			case who == "fast":
				if name == "flaky" {
					return sample(name, who, 10, failAt)
				}
				return sample(name, who, 10, 0)
			}
			return sample(name, who, slowNs, 0)
		}}
	}
	return &Suite{
		Name: "fake", Bench: "Fake", Contenders: []string{"fast", "slow", "gone"},
		Ratios:   []Ratio{{Num: "slow", Den: "fast"}, {Num: "gone", Den: "fast"}},
		RateUnit: "Mwork/s", MicroNote: "the micro one",
		Cases: []*Case{
			mk("a", false, 40, "", 0),
			mk("b", false, 40, "", 0),
			mk("broken", false, 40, "slow", 0),
			mk("flaky", false, 40, "", 2),
			mk("micro", true, 20, "", 0),
		},
	}
}

func runFake(t *testing.T, opts Options) (*Report, []string) {
	t.Helper()
	var log []string
	rep, err := Run(fakeSuite(&log), opts, NewHeader("fake", "test clock", opts.Runs))
	if err != nil {
		t.Fatal(err)
	}
	return rep, log
}

func TestRunInterleavesAndReports(t *testing.T) {
	rep, log := runFake(t, Options{Runs: 3})
	// Contenders take turns within a case: fast, slow, fast, slow, ...
	if got := strings.Join(log[:6], " "); got != "a/fast a/slow a/fast a/slow a/fast a/slow" {
		t.Errorf("order %s", got)
	}
	a := rep.Cases[0]
	fast, gone := a.Result("fast"), a.Result("gone")
	if fast.Status != StatusOK || len(fast.Samples) != 3 || fast.Min() != 11 || fast.Median() != 12 {
		t.Errorf("fast: %+v min %v median %v", fast, fast.Min(), fast.Median())
	}
	if got := fast.Spread(); math.Abs(got-2.0/12) > 1e-9 {
		t.Errorf("spread %v", got)
	}
	if gone.Status != StatusMissing || gone.Error != "not installed: gone-tool" || len(gone.Samples) != 0 {
		t.Errorf("missing contender: %+v", gone)
	}
	if v, ok := a.Ratio(Ratio{Num: "slow", Den: "fast"}); !ok || math.Abs(v-42.0/12) > 1e-9 {
		t.Errorf("ratio %v %v", v, ok)
	}
	if _, ok := a.Ratio(Ratio{Num: "gone", Den: "fast"}); ok {
		t.Error("a ratio with a missing contender has a value")
	}
	if r := fast.Rate(a.Work()); math.Abs(r-1000/12.0*1e3) > 1e-6 {
		t.Errorf("rate %v", r)
	}
	// A case failing to prepare is never timed; one failing a sample keeps no samples.
	broken := rep.Cases[2].Result("slow")
	if broken.Status != StatusFailed || !strings.Contains(broken.Error, "exit status 3") || len(broken.Samples) != 0 {
		t.Errorf("broken: %+v", broken)
	}
	for _, l := range log {
		if l == "broken/slow" {
			t.Error("a case that failed its check was timed")
		}
	}
	flaky := rep.Cases[3].Result("fast")
	if flaky.Status != StatusFailed || !strings.Contains(flaky.Error, "wrong output on run 2") || len(flaky.Samples) != 0 {
		t.Errorf("flaky: %+v", flaky)
	}
	if !rep.Failed() {
		t.Error("Failed() is false")
	}
}

func TestGeoMeansWithAndWithoutMicro(t *testing.T) {
	rep, _ := runFake(t, Options{Runs: 2})
	g := rep.GeoMeans()[0]
	// slow/fast on the medians: a, b 41.5/11.5; micro 21.5/11.5; broken and flaky have
	// no ratio.
	want := math.Pow(41.5/11.5*41.5/11.5*21.5/11.5, 1.0/3)
	if g.NAll != 3 || g.NReal != 2 || g.NMicro != 1 || math.Abs(g.All-want) > 1e-9 || math.Abs(g.Real-41.5/11.5) > 1e-9 {
		t.Errorf("%+v, want all %v", g, want)
	}
	if g := rep.GeoMeans()[1]; g.NAll != 0 || g.All != 0 {
		t.Errorf("ratio to a missing contender: %+v", g)
	}
	rep.Cases[0].Variant = true
	if g := rep.GeoMeans()[0]; g.NAll != 2 {
		t.Errorf("a scaled variant counted in the geometric mean: %+v", g)
	}
}

func TestFilter(t *testing.T) {
	rep, log := runFake(t, Options{Runs: 1, Filter: regexp.MustCompile(`^(a|micro)/fast$`)})
	if len(rep.Cases) != 2 || rep.Cases[0].Name != "a" || rep.Cases[1].Name != "micro" || len(rep.Cases[0].Results) != 1 {
		t.Errorf("cases %+v", rep.Cases)
	}
	if strings.Join(log, " ") != "a/fast micro/fast" {
		t.Errorf("ran %v", log)
	}
	var l []string
	if _, err := Run(fakeSuite(&l), Options{Runs: 1, Filter: regexp.MustCompile("nothing")}, Header{}); !errors.Is(err, ErrNoMatch) {
		t.Errorf("no match: %v", err)
	}
	if _, err := Run(fakeSuite(&l), Options{Runs: 0}, Header{}); err == nil {
		t.Error("0 runs accepted")
	}
}

func TestProgressOnlyWhenAsked(t *testing.T) {
	var buf bytes.Buffer
	runFake(t, Options{Runs: 1, Progress: &buf})
	if s := buf.String(); !strings.Contains(s, "\rfake: a (1/5): run 1/1, fast\x1b[K") || !strings.HasSuffix(s, "\r\x1b[K") {
		t.Errorf("progress %q", s)
	}
}

func TestTable(t *testing.T) {
	rep, _ := runFake(t, Options{Runs: 2})
	var buf bytes.Buffer
	if err := WriteTable(&buf, rep); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{
		"hybridvm bench fake\n", "cores;", "commit ", "time: test clock per operation; 2 runs",
		"not installed: gone-tool", "FAILED: exit status 3", "FAILED: wrong output on run 2",
		"micro *", "geometric mean, with 1 micro-case(s) *", "geometric mean, without micro-cases",
		"micro-cases (*): the micro one", "Mwork/s",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
}

func TestJSON(t *testing.T) {
	rep, _ := runFake(t, Options{Runs: 2})
	var buf bytes.Buffer
	if err := WriteJSON(&buf, rep); err != nil {
		t.Fatal(err)
	}
	var got JSONReport
	dec := json.NewDecoder(&buf)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&got); err != nil {
		t.Fatal(err)
	}
	if got.Schema != JSONSchema || got.Header.Suite != "fake" || got.Header.Cores < 1 || got.Header.Runs != 2 || len(got.Cases) != 5 {
		t.Fatalf("%+v", got)
	}
	a := got.Cases[0]
	if a.Name != "a" || a.Work != 1000 || len(a.Results) != 3 || a.Results[0].MedianNs != 11.5 || len(a.Results[0].SamplesNs) != 2 ||
		a.Results[2].Status != "not installed" || a.Ratios["slow / fast"] == 0 {
		t.Errorf("case a: %+v", a)
	}
	if !got.Cases[4].Micro || got.GeoMeans[0].N != 3 || got.GeoMeans[0].NWithout != 2 {
		t.Errorf("micro %+v geomeans %+v", got.Cases[4], got.GeoMeans)
	}
}

// benchLine is the Go benchmark format's result line: a name starting with
// "Benchmark", an iteration count, then value-unit pairs.
var (
	benchLine  = regexp.MustCompile(`^Benchmark\S+\t[0-9]+(\t[0-9.]+ \S+)+$`)
	configLine = regexp.MustCompile(`^[a-z][^\s:A-Z]*: \S`)
)

// checkBenchstat checks every line of a benchmark file, returning the result lines.
func checkBenchstat(t *testing.T, text string) []string {
	t.Helper()
	var results []string
	sc := bufio.NewScanner(strings.NewReader(text))
	for sc.Scan() {
		l := sc.Text()
		switch {
		case strings.HasPrefix(l, "Benchmark"):
			if !benchLine.MatchString(l) {
				t.Errorf("malformed result line %q", l)
			}
			f := strings.Fields(l)
			for i := 2; i+1 < len(f); i += 2 {
				if _, err := strconv.ParseFloat(f[i], 64); err != nil {
					t.Errorf("%q: value %q", l, f[i])
				}
			}
			results = append(results, l)
		case strings.HasPrefix(l, "#"):
		case !configLine.MatchString(l):
			t.Errorf("line %q is neither a result, a configuration line nor a comment", l)
		}
	}
	return results
}

func TestBenchstat(t *testing.T) {
	rep, _ := runFake(t, Options{Runs: 2})
	var buf bytes.Buffer
	if err := WriteBenchstat(&buf, rep); err != nil {
		t.Fatal(err)
	}
	res := checkBenchstat(t, buf.String())
	// a, b, micro: fast and slow; broken: fast; flaky: slow. Two runs each.
	if len(res) != 16 || res[0] != "BenchmarkFake/a/fast\t100\t11.0 ns/op\t90909.1 Mwork/s" {
		t.Errorf("%d lines, first %q", len(res), res[0])
	}
	if strings.Contains(buf.String(), "date:") || !strings.Contains(buf.String(), "cpu: ") {
		t.Errorf("configuration lines:\n%s", buf.String())
	}
	var fails bytes.Buffer
	WriteFailures(&fails, rep)
	if got := fails.String(); strings.Count(got, "\n") != 7 || !strings.Contains(got, "flaky/fast: FAILED: wrong output on run 2") {
		t.Errorf("failures:\n%s", got)
	}
}

func TestPlots(t *testing.T) {
	rep, _ := runFake(t, Options{Runs: 1})
	dir := t.TempDir()
	for _, ext := range []string{"svg", "png"} {
		file := filepath.Join(dir, "r."+ext)
		files, err := WritePlots(rep, file)
		if err != nil || len(files) != 1 {
			t.Fatalf("%s: %v %v", ext, files, err)
		}
		b, _ := os.ReadFile(file)
		if magic := map[string]string{"svg": "<?xml", "png": "\x89PNG"}[ext]; !bytes.HasPrefix(b, []byte(magic)) {
			t.Errorf("%s starts %q", file, b[:min(len(b), 8)])
		}
	}
	// Two scales of one group: a scaling plot beside the ratio chart.
	rep.Cases[0].Group, rep.Cases[0].Scale = "k", 10
	rep.Cases[1].Group, rep.Cases[1].Scale, rep.Cases[1].Variant = "k", 100, true
	files, err := WritePlots(rep, filepath.Join(dir, "s.svg"))
	if err != nil || len(files) != 2 || files[1] != filepath.Join(dir, "s-scaling.svg") {
		t.Fatalf("%v %v", files, err)
	}
	if _, err := WritePlots(rep, filepath.Join(dir, "x.gif")); err == nil {
		t.Error("a .gif plot was accepted")
	}
}

func TestRatioTicks(t *testing.T) {
	var labels []string
	for _, tk := range (ratioTicks{}).Ticks(math.Log10(0.3), math.Log10(60)) {
		labels = append(labels, tk.Label)
	}
	if got := fmt.Sprint(labels); got != "[0.5× 1× 2× 5× 10× 20× 50×]" {
		t.Errorf("ticks %s", got)
	}
}

// A contender a case does not apply to is reported as n/a, with its reason, never
// timed, and is no failure.
func TestNotApplicable(t *testing.T) {
	s := &Suite{Name: "na", Bench: "NA", Contenders: []string{"a", "b"}, Cases: []*Case{{Name: "c", Prepare: func(n string) (Sampler, error) {
		if n == "b" {
			return nil, NotApplicable("a only")
		}
		return func() (Sample, error) { return Sample{Ns: 5, Ops: 1}, nil }, nil
	}}}}
	rep, err := Run(s, Options{Runs: 2}, NewHeader("na", "test clock", 2))
	if err != nil {
		t.Fatal(err)
	}
	b := rep.Cases[0].Result("b")
	if b.Status != StatusNA || b.Error != "n/a: a only" || len(b.Samples) != 0 || rep.Failed() {
		t.Errorf("n/a contender: %+v, failed %v", b, rep.Failed())
	}
	var out strings.Builder
	if err := WriteTable(&out, rep); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "n/a: a only") || strings.Contains(out.String(), "FAILED") {
		t.Errorf("table:\n%s", out.String())
	}
}

// TestExecutionRatio: a ratio marked Exec compares the medians of the samples'
// execution-phase times, the table gets an execution-rate column, and a case
// whose samples did not measure the phase has no such ratio.
func TestExecutionRatio(t *testing.T) {
	res := func(name string, ns, exec []float64) *Result {
		r := &Result{Contender: name, Status: StatusOK}
		for i := range ns {
			r.Samples = append(r.Samples, Sample{Ns: ns[i], Ops: 1, Work: 3e6, ExecNs: exec[i]})
		}
		return r
	}
	seq := res("hybridvm", []float64{10e6, 12e6, 11e6}, []float64{6e6, 8e6, 7e6})
	par := res("parallel", []float64{8e6, 9e6, 10e6}, []float64{3e6, 5e6, 4e6})
	rep := &Report{Suite: "replay", RateUnit: "Mgas/s",
		Ratios: []Ratio{{Num: "hybridvm", Den: "parallel"}, {Num: "hybridvm", Den: "parallel", Exec: true}},
		Cases: []*CaseReport{
			{Name: "w", Results: []*Result{seq, par}},
			{Name: "unsplit", Results: []*Result{res("hybridvm", []float64{1}, []float64{0}), res("parallel", []float64{1}, []float64{0})}},
		}}
	if v, ok := rep.Cases[0].Ratio(rep.Ratios[1]); !ok || math.Abs(v-7.0/4) > 1e-12 {
		t.Errorf("execution ratio %v %v, want 1.75", v, ok)
	}
	if v, _ := rep.Cases[0].Ratio(rep.Ratios[0]); math.Abs(v-11.0/9) > 1e-12 {
		t.Errorf("whole-time ratio %v, want 11/9", v)
	}
	if _, ok := rep.Cases[1].Ratio(rep.Ratios[1]); ok {
		t.Error("an execution ratio without execution times")
	}
	var buf bytes.Buffer
	if err := WriteTable(&buf, rep); err != nil {
		t.Fatal(err)
	}
	// 3e6 gas in 4 ms of execution: 750 Mgas/s.
	for _, want := range []string{"execution Mgas/s", "750.0", "hybridvm / parallel (execution)", "1.75×"} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, buf.String())
		}
	}
}

// TestCoresBusy: a replay sample's CPU time over its wall time is the cores the
// import kept busy, averaged over the samples, in the table and the JSON; a
// contender that did not measure it shows none.
func TestCoresBusy(t *testing.T) {
	r := &Result{Contender: "hybridvm", Status: StatusOK, Samples: []Sample{
		{Ns: 10e6, Ops: 1, Work: 3e6, CPUNs: 15e6}, {Ns: 20e6, Ops: 1, Work: 3e6, CPUNs: 40e6}}}
	none := &Result{Contender: "other", Status: StatusOK, Samples: []Sample{{Ns: 10e6, Ops: 1, Work: 3e6}}}
	if got := r.Cores(); math.Abs(got-1.75) > 1e-12 {
		t.Errorf("cores %v, want 1.75 (the mean of 1.5 and 2)", got)
	}
	if none.Cores() != 0 {
		t.Errorf("unmeasured cores %v", none.Cores())
	}
	rep := &Report{Suite: "replay", RateUnit: "Mgas/s", Cases: []*CaseReport{{Name: "w", Results: []*Result{r, none}}}}
	var buf bytes.Buffer
	if err := WriteTable(&buf, rep); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"cores busy", "1.75"} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, buf.String())
		}
	}
	buf.Reset()
	if err := WriteJSON(&buf, rep); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), `"cores_busy": 1.75`) {
		t.Errorf("JSON lacks cores_busy:\n%s", buf.String())
	}
}

// TestLessRatio: a ratio with Less takes each side's median on that case off its
// median first (the kernels' steady state without the processes' start-up),
// gives nothing for the case itself or where a side is not above its start-up,
// and enters the geometric mean and the table like any ratio.
func TestLessRatio(t *testing.T) {
	res := func(name string, ns ...float64) *Result {
		r := &Result{Contender: name, Status: StatusOK}
		for _, v := range ns {
			r.Samples = append(r.Samples, Sample{Ns: v, Ops: 1})
		}
		return r
	}
	steady := Ratio{Num: "jit", Den: "native", Less: "startup"}
	rep := &Report{Suite: "riscv", Ratios: []Ratio{{Num: "jit", Den: "native"}, steady}, Cases: []*CaseReport{
		{Name: "k", Results: []*Result{res("native", 20e6, 21e6, 22e6), res("jit", 38e6, 40e6, 41e6)}},
		{Name: "tiny", Results: []*Result{res("native", 1e6), res("jit", 7e6)}},
		{Name: "startup", Micro: true, Results: []*Result{res("native", 1e6, 1e6), res("jit", 8e6, 8e6)}},
	}}
	// (40 − 8) / (21 − 1) = 1.6, against 40 / 21 with the start-up.
	if v, ok := rep.Ratio(rep.Cases[0], steady); !ok || math.Abs(v-1.6) > 1e-12 {
		t.Errorf("steady ratio %v %v, want 1.6", v, ok)
	}
	if v, ok := rep.Ratio(rep.Cases[0], rep.Ratios[0]); !ok || math.Abs(v-40.0/21) > 1e-12 {
		t.Errorf("whole ratio %v %v, want 40/21", v, ok)
	}
	if _, ok := rep.Ratio(rep.Cases[1], steady); ok {
		t.Error("a steady ratio where the JIT's time is not above its start-up")
	}
	if _, ok := rep.Ratio(rep.Cases[2], steady); ok {
		t.Error("a steady ratio for the start-up case itself")
	}
	if g := rep.GeoMeans()[1]; g.NReal != 1 || math.Abs(g.Real-1.6) > 1e-12 {
		t.Errorf("steady geometric mean %+v, want 1.6 over 1 case", g)
	}
	var buf bytes.Buffer
	if err := WriteTable(&buf, rep); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"jit / native (less startup)", "1.60×"} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("table lacks %q:\n%s", want, buf.String())
		}
	}
}
