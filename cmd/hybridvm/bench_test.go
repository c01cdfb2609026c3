package main

import (
	"bufio"
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hybridvm/hybridvm/bench/evm/evmbench"
	"github.com/hybridvm/hybridvm/bench/harness"
	"github.com/hybridvm/hybridvm/internal/testtools"
)

func TestBenchUsageErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{nil, "want exactly one suite"},
		{[]string{"evm", "calls"}, "want exactly one suite"},
		{[]string{"nosuch"}, `unknown suite "nosuch"`},
		{[]string{"--runs", "0", "evm"}, "--runs must be at least 1"},
		{[]string{"--format", "xml", "evm"}, `--format "xml"`},
		{[]string{"--plot", "out.gif", "evm"}, "want a .svg or .png name"},
		{[]string{"--cpu-time", "--wall", "evm"}, "exclude each other"},
		{[]string{"--filter", "(", "evm"}, "--filter: error parsing regexp"},
		{[]string{"--engines", "jit,fast", "riscv"}, `unknown engine "fast"`},
		{[]string{"--scales", "1,x", "riscv"}, `"x" is not a positive integer`},
		{[]string{"--round", "0s", "calls"}, "--round must be positive"},
		{[]string{"--filter", "no-such-case", "calls"}, `matches no case of suite calls`},
		{[]string{"--baseline", "/no/such/hybridvm", "riscv"}, "--baseline /no/such/hybridvm: not an executable file"},
		{[]string{"--baseline", "/bin/sh", "evm"}, "--baseline is for the riscv suite"},
	} {
		code, out, errOut := cli(append([]string{"bench"}, tc.args...)...)
		if code != 2 || out != "" || !strings.Contains(errOut, tc.want) || !strings.HasSuffix(errOut, "Run 'hybridvm bench -h' for usage.\n") {
			t.Errorf("bench %q: exit %d, stdout %q, stderr %q; want 2 and %q", tc.args, code, out, errOut, tc.want)
		}
	}
	// replay: a chain of one block per workload, imported by hybridvm (sequentially and
	// in parallel) and geth, each sample in a child process (this test binary as
	// hybridvm) with its peak RSS, and the parallel side's re-execution share; JSON out.
	testtools.SkipIfEmulated(t, "the replay suite re-executes this test binary as its child, which needs binfmt_misc under qemu-user")
	t.Setenv(cliEnv, "1")
	code, out, errOut := cli("bench", "--blocks", "1", "--runs", "1", "--filter", "erc20", "--format", "json", "replay")
	if code != 0 || !strings.Contains(out, `"erc20"`) || !strings.Contains(out, "geth") || strings.Count(out, `"peak_rss_bytes"`) != 3 ||
		strings.Count(out, `"rerun"`) != 1 || !strings.Contains(out, `"hybridvm / parallel"`) {
		t.Errorf("bench replay: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	// The hybrid workload: hybridvm alone, a case per engine; a table with Mgas/s and peak RSS.
	code, out, errOut = cli("bench", "--blocks", "1", "--runs", "1", "--engines", "interp,jit", "--filter", "hybrid", "replay")
	if code != 0 || !regexp.MustCompile(`hybrid/interp +hybridvm .* MiB`).MatchString(out) || !regexp.MustCompile(`hybrid/jit +hybridvm .* MiB`).MatchString(out) ||
		strings.Contains(out, "hybrid/aot") || regexp.MustCompile(`(?m)^ +geth`).MatchString(out) {
		t.Errorf("bench replay hybrid: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	if code, _, _ := cli("bench", "--blocks", "0", "replay"); code != 1 {
		t.Errorf("bench replay with 0 blocks: exit %d, want 1", code)
	}
	// Missing test data is not a usage error.
	if code, _, errOut := cli("bench", "--data", t.TempDir(), "evm"); code != 1 || !strings.Contains(errOut, "no benchmark files") {
		t.Errorf("evm without data: exit %d, stderr %q", code, errOut)
	}
}

// evmArgs runs two small cases of evm-benchmarks, one of them a JUMPDEST micro-case.
func evmArgs(t *testing.T, extra ...string) []string {
	dir := testtools.NeedData(t, evmbench.DataDir)
	return append([]string{"bench", "--data", dir, "--runs", "2", "--round", "2ms", "--filter", `swap_math\[0\]|JUMPDEST_n0`}, append(extra, "evm")...)
}

func TestBenchEVMJSON(t *testing.T) {
	plot := filepath.Join(t.TempDir(), "evm.svg")
	code, out, errOut := cli(evmArgs(t, "--format", "json", "--plot", plot)...)
	if code != 0 || errOut != "" {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	var rep harness.JSONReport
	dec := json.NewDecoder(strings.NewReader(out))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&rep); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	h := rep.Header
	if rep.Schema != harness.JSONSchema || h.Suite != "evm" || h.CPU == "" || h.Cores < 1 || !strings.HasPrefix(h.GoVersion, "go") ||
		h.Commit == "" || h.Date == "" || h.Clock == "" || h.Runs != 2 {
		t.Errorf("header %+v", h)
	}
	if len(rep.Cases) != 2 || rep.Cases[0].Name != "main/swap_math[0]" || rep.Cases[1].Name != "micro/JUMPDEST_n0" || !rep.Cases[1].Micro || rep.Cases[0].Micro {
		t.Fatalf("cases %+v", rep.Cases)
	}
	for _, c := range rep.Cases {
		if c.Work == 0 || c.Ratios["geth / hybridvm"] <= 0 || len(c.Results) != 2 {
			t.Errorf("case %+v", c)
		}
		for _, r := range c.Results {
			if r.Status != "ok" || len(r.SamplesNs) != 2 || r.MedianNs <= 0 || r.Rate <= 0 || r.Spread == nil {
				t.Errorf("%s/%s: %+v", c.Name, r.Contender, r)
			}
		}
	}
	if g := rep.GeoMeans; len(g) != 1 || g[0].N != 2 || g[0].NWithout != 1 || math.Abs(g[0].WithoutMicro-rep.Cases[0].Ratios["geth / hybridvm"]) > 1e-9*g[0].WithoutMicro { // exp(log(x)) need not be x to the last bit
		t.Errorf("geomeans %+v", g)
	}
	if b, err := os.ReadFile(plot); err != nil || !strings.HasPrefix(string(b), "<?xml") {
		t.Errorf("plot: %v %.20q", err, b)
	}
}

// benchResult is a result line of the Go benchmark format: name, iterations, then
// value-unit pairs.
var benchResult = regexp.MustCompile(`^(Benchmark\S+)\t([1-9][0-9]*)((?:\t[0-9.]+ \S+)+)$`)

func TestBenchEVMBenchstat(t *testing.T) {
	code, out, errOut := cli(evmArgs(t, "--format", "benchstat", "--wall")...)
	if code != 0 || errOut != "" {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	names := map[string]int{}
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		l := sc.Text()
		if !strings.HasPrefix(l, "Benchmark") {
			if k, _, ok := strings.Cut(l, ": "); !strings.HasPrefix(l, "#") && (!ok || strings.ContainsAny(k, " \t")) {
				t.Errorf("line %q is neither a result, a configuration line nor a comment", l)
			}
			continue
		}
		m := benchResult.FindStringSubmatch(l)
		if m == nil || !strings.Contains(m[3], " ns/op") || !strings.Contains(m[3], " Mgas/s") {
			t.Errorf("malformed result %q", l)
			continue
		}
		names[m[1]]++
	}
	for _, n := range []string{"BenchmarkEVM/main/swap_math[0]/hybridvm", "BenchmarkEVM/main/swap_math[0]/geth",
		"BenchmarkEVM/micro/JUMPDEST_n0/hybridvm", "BenchmarkEVM/micro/JUMPDEST_n0/geth"} {
		if names[n] != 2 {
			t.Errorf("%s: %d lines, want 2 (one per run)", n, names[n])
		}
	}
	if !strings.Contains(out, "clock: wall time\n") {
		t.Errorf("--wall not recorded:\n%s", out)
	}
}

func TestBenchCallsTable(t *testing.T) {
	code, out, errOut := cli("bench", "--runs", "1", "--round", "1ms", "calls")
	if code != 0 || errOut != "" {
		t.Fatalf("exit %d, stderr %q\n%s", code, errOut, out)
	}
	for _, want := range []string{"hybridvm bench calls\n", "cpu: ", "thread CPU time", "ecall-roundtrip", "enter-contract",
		"erc20-transfer", "first-call", "erc20-100th-call", "erc20-warm-call", "bigcode-first-call", "translate-bigcode",
		"n/a: measured on jit and aot", "interp / jit", "geometric mean"} {
		if !strings.Contains(out, want) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "FAILED") || strings.Contains(out, "not installed") {
		t.Errorf("a case failed:\n%s", out)
	}
}

// kernelDir makes a kernel directory with tiny kernels (SCALE 1): "fib" (fine),
// "wrong" (its RISC-V build prints another line than its native one) and "exits" (its
// RISC-V build exits 42).
func kernelDir(t *testing.T) string {
	rvcc := testtools.Need(t, "riscv64-unknown-elf-gcc")[0]
	repo, err := testtools.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	read := func(name string) string {
		b, err := os.ReadFile(filepath.Join(repo, "bench", "kernels", name))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	write := func(name, text string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	fib := strings.Replace(read("fib.c"), "#define SCALE 200", "#define SCALE 1", 1)
	write("rt.h", read("rt.h"))
	write("fib.c", fib)
	write("wrong.c", fib)
	write("exits.c", fib)
	build := func(out string, defs ...string) {
		args := append([]string{"-O2", "-march=rv64imac", "-mabi=lp64", "-msmall-data-limit=0", "-ffreestanding", "-nostdlib",
			"-nostartfiles", "-static"}, defs...)
		args = append(args, "-o", filepath.Join(dir, out), filepath.Join(dir, "fib.c"), "-lgcc")
		if msg, err := exec.Command(rvcc, args...).CombinedOutput(); err != nil {
			t.Fatalf("%v: %s", err, msg)
		}
	}
	build("fib.elf")
	build("wrong.elf", "-DSCALE=2")
	exitcode, err := os.ReadFile(filepath.Join(repo, "testdata", "riscv", "exec", "exitcode.elf"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "exits.elf"), exitcode, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestBenchRISCV: native (gcc) and qemu beside the engines; a kernel printing the
// wrong line or exiting non-zero fails, is reported and never timed, and the exit
// status is 1; with gcc and qemu off PATH their columns say "not installed" and the
// rest runs.
func TestBenchRISCV(t *testing.T) {
	testtools.SkipIfEmulated(t, "the suite runs this test binary again as a child process, which needs binfmt_misc")
	testtools.Need(t, "gcc", "qemu-riscv64-static")
	dir := kernelDir(t)
	t.Setenv(cliEnv, "1") // the suite runs this test binary as hybridvm
	plot := filepath.Join(t.TempDir(), "k.png")
	code, out, errOut := cli("bench", "--kernels", dir, "--runs", "1", "--engines", "jit,interp", "--scales", "2",
		"--format", "json", "--plot", plot, "--filter", "^(fib|wrong|exits)", "riscv")
	if code != 1 {
		t.Errorf("exit %d, want 1 (failing cases); stderr %q", code, errOut)
	}
	var rep harness.JSONReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	results := map[string]harness.JSONResult{}
	for _, c := range rep.Cases {
		for _, r := range c.Results {
			results[c.Name+"/"+r.Contender] = r
		}
	}
	for _, k := range []string{"fib", "fib/scale=2", "wrong/scale=2"} {
		for _, who := range []string{"native", "jit", "interp", "qemu"} {
			if r := results[k+"/"+who]; r.Status != "ok" || len(r.SamplesNs) != 1 {
				t.Errorf("%s/%s: %+v", k, who, r)
			}
		}
	}
	for _, who := range []string{"jit", "interp", "qemu"} {
		if r := results["wrong/"+who]; r.Status != "failed" || !strings.Contains(r.Error, "scale=2") || !strings.Contains(r.Error, "native printed") || r.SamplesNs != nil {
			t.Errorf("wrong/%s: %+v", who, r)
		}
		if r := results["exits/"+who]; r.Status != "failed" || !strings.Contains(r.Error, "exited with status 42, want 0") || r.SamplesNs != nil {
			t.Errorf("exits/%s: %+v", who, r)
		}
	}
	if !strings.Contains(errOut, "wrong/jit: FAILED: ") {
		t.Errorf("failures not on stderr: %q", errOut)
	}
	if _, err := os.Stat(harness.ScalingFile(plot)); err != nil {
		t.Errorf("no scaling plot: %v", err)
	}

	// A baseline build (this binary again) beside the engine, compared in turns.
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	code, out, errOut = cli("bench", "--kernels", dir, "--runs", "1", "--engines", "jit", "--baseline", self,
		"--format", "json", "--filter", "^fib/", "riscv")
	if code != 0 {
		t.Fatalf("--baseline: exit %d, stderr %q", code, errOut)
	}
	rep = harness.JSONReport{}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	var based bool
	for _, c := range rep.Cases {
		for _, r := range c.Results {
			if c.Name == "fib" && r.Contender == "jit@base" && r.Status == "ok" && len(r.SamplesNs) == 1 {
				based = true
			}
		}
		if _, ok := c.Ratios["jit / jit@base"]; c.Name == "fib" && !ok {
			t.Errorf("--baseline: no jit / jit@base ratio for fib: %v", c.Ratios)
		}
	}
	if !based {
		t.Errorf("--baseline: no jit@base sample for fib:\n%s", out)
	}

	// Peers missing from PATH.
	t.Setenv("PATH", t.TempDir())
	code, out, errOut = cli("bench", "--kernels", dir, "--runs", "1", "--engines", "interp", "--filter", "^fib/", "riscv")
	if code != 0 {
		t.Errorf("missing peers: exit %d, stderr %q\n%s", code, errOut, out)
	}
	if strings.Count(out, "not installed: gcc") != 1 || strings.Count(out, "not installed: qemu-riscv64-static or qemu-riscv64") != 1 ||
		strings.Contains(out, "FAILED") || !regexp.MustCompile(`(?m)^\s+interp\s+[0-9.]+ms`).MatchString(out) {
		t.Errorf("missing peers:\n%s", out)
	}
}
