package statetest

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hybridvm/hybridvm/evm"
	"github.com/hybridvm/hybridvm/host"
	"github.com/hybridvm/hybridvm/runtime"
)

func evmEngine(f host.Fork) (runtime.Engine, error) { return evm.New(evm.Config{Fork: f}) }

// loadGolden returns a golden test file as a generic JSON tree (one test).
func loadGolden(t *testing.T, name string) (string, map[string]any) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(goldenDir, name+".json"))
	if err != nil {
		t.Fatalf("golden file missing (regenerate with -update): %v", err)
	}
	var doc map[string]map[string]any
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	return name, doc[name]
}

func writeTest(t *testing.T, dir, file, name string, body any) string {
	t.Helper()
	data, err := json.Marshal(map[string]any{name: body})
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, file)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func runCollect(t *testing.T, opts *Options, paths ...string) (Counts, []Result) {
	t.Helper()
	if opts.Engine == nil {
		opts.Engine = evmEngine
	}
	var rs []Result
	c, err := Run(paths, opts, func(r Result) { rs = append(rs, r) })
	if err != nil {
		t.Fatal(err)
	}
	return c, rs
}

// clone deep-copies a JSON tree.
func clone(t *testing.T, v map[string]any) map[string]any {
	data, _ := json.Marshal(v)
	var out map[string]any
	if err := json.Unmarshal(data, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestMalformedFiles(t *testing.T) {
	name, base := loadGolden(t, "transfersDynamicFee")
	tests := []struct {
		name   string
		raw    string                 // whole file, when set
		mutate func(m map[string]any) // else: a change to the valid test
		want   []string               // substrings of the error
	}{
		{name: "not JSON", raw: `{"x": `, want: []string{"not a state-test file"}},
		{name: "empty object", raw: `{}`, want: []string{"no tests"}},
		{name: "test is not an object", raw: `{"t": 5}`, want: []string{"test t", "expected an object"}},
		{name: "missing env", mutate: func(m map[string]any) { delete(m, "env") }, want: []string{"env: missing"}},
		{name: "bad coinbase", mutate: func(m map[string]any) { m["env"].(map[string]any)["currentCoinbase"] = "0x12" }, want: []string{"env.currentCoinbase", "20-byte"}},
		{name: "gas limit not a number", mutate: func(m map[string]any) { m["env"].(map[string]any)["currentGasLimit"] = "lots" }, want: []string{"env.currentGasLimit", "not a number"}},
		{name: "pre account field", mutate: func(m map[string]any) {
			for _, a := range m["pre"].(map[string]any) {
				a.(map[string]any)["nonce"] = "0xzz"
			}
		}, want: []string{"pre", "alloc: account 0x", `"nonce"`}},
		{name: "data not hex", mutate: func(m map[string]any) { m["transaction"].(map[string]any)["data"] = []any{"0x1g"} }, want: []string{"transaction.data[0]", "hex"}},
		{name: "gasLimit over 64 bits", mutate: func(m map[string]any) {
			m["transaction"].(map[string]any)["gasLimit"] = []any{"0x10000000000000000"}
		}, want: []string{"transaction.gasLimit[0]", "64 bits"}},
		{name: "no sender", mutate: func(m map[string]any) {
			tx := m["transaction"].(map[string]any)
			delete(tx, "sender")
			delete(tx, "secretKey")
		}, want: []string{"neither sender nor secretKey"}},
		{name: "no fee", mutate: func(m map[string]any) {
			tx := m["transaction"].(map[string]any)
			delete(tx, "maxFeePerGas")
		}, want: []string{"neither gasPrice nor maxFeePerGas"}},
		{name: "index out of range", mutate: func(m map[string]any) {
			m["post"].(map[string]any)["Cancun"].([]any)[0].(map[string]any)["indexes"].(map[string]any)["gas"] = 3
		}, want: []string{"post.Cancun[0].indexes.gas", "out of range"}},
		{name: "bad hash", mutate: func(m map[string]any) {
			m["post"].(map[string]any)["Cancun"].([]any)[0].(map[string]any)["hash"] = "0x00"
		}, want: []string{"post.Cancun[0].hash", "32-byte"}},
	}
	dir := t.TempDir()
	for i, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			file := filepath.Join(dir, tc.name+".json")
			if tc.raw != "" {
				if err := os.WriteFile(file, []byte(tc.raw), 0o644); err != nil {
					t.Fatal(err)
				}
			} else {
				m := clone(t, base)
				tc.mutate(m)
				writeTest(t, dir, tc.name+".json", name, m)
			}
			c, rs := runCollect(t, &Options{}, file)
			if c.Failed != 1 || c.Passed != 0 || len(rs) != 1 || rs[0].Pass {
				t.Fatalf("case %d: counts %+v results %+v", i, c, rs)
			}
			for _, w := range append(tc.want, file) {
				if !strings.Contains(rs[0].Error, w) {
					t.Errorf("error %q does not mention %q", rs[0].Error, w)
				}
			}
		})
	}
}

// TestRunnerChecks: the runner notices every kind of mismatch.
func TestRunnerChecks(t *testing.T) {
	dir := t.TempDir()
	name, base := loadGolden(t, "transfersDynamicFee")
	post := func(m map[string]any) map[string]any {
		return m["post"].(map[string]any)["Cancun"].([]any)[0].(map[string]any)
	}
	tests := []struct {
		name   string
		mutate func(m map[string]any)
		want   string
	}{
		{"unchanged passes", func(m map[string]any) {}, ""},
		{"wrong root", func(m map[string]any) { post(m)["hash"] = "0x" + strings.Repeat("11", 32) }, "post state root mismatch"},
		{"wrong logs hash", func(m map[string]any) { post(m)["logs"] = "0x" + strings.Repeat("11", 32) }, "logs hash mismatch"},
		{"exception expected but valid", func(m map[string]any) { post(m)["expectException"] = "TransactionException.INTRINSIC_GAS_TOO_LOW" }, "but the transaction was valid"},
		{"rejected unexpectedly", func(m map[string]any) { m["transaction"].(map[string]any)["gasLimit"] = []any{"0x5207"} }, "rejected unexpectedly"},
		{"wrong exception class", func(m map[string]any) {
			m["transaction"].(map[string]any)["gasLimit"] = []any{"0x5207"}
			post(m)["expectException"] = "TransactionException.INSUFFICIENT_ACCOUNT_FUNDS"
		}, "expected exception TransactionException.INSUFFICIENT_ACCOUNT_FUNDS, got: intrinsic gas too low"},
		{"one of several exception classes", func(m map[string]any) {
			m["transaction"].(map[string]any)["gasLimit"] = []any{"0x5207"}
			post(m)["expectException"] = "TransactionException.INSUFFICIENT_ACCOUNT_FUNDS|TransactionException.INTRINSIC_GAS_TOO_LOW"
			post(m)["hash"] = preRootOf(t, m)
		}, ""},
		{"value over 256 bits is an invalid transaction", func(m map[string]any) {
			m["transaction"].(map[string]any)["value"] = []any{"0x:bigint 0x1" + strings.Repeat("0", 64)}
			post(m)["expectException"] = "TransactionException.RLP_INVALID_VALUE"
			post(m)["hash"] = preRootOf(t, m)
		}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := clone(t, base)
			tc.mutate(m)
			file := writeTest(t, dir, "t.json", name, m)
			c, rs := runCollect(t, &Options{Forks: []host.Fork{host.Cancun}}, file)
			if len(rs) != 1 {
				t.Fatalf("%d results", len(rs))
			}
			if tc.want == "" {
				if !rs[0].Pass || c.Passed != 1 {
					t.Fatalf("failed: %s", rs[0].Error)
				}
				return
			}
			if rs[0].Pass || c.Failed != 1 || !strings.Contains(rs[0].Error, tc.want) {
				t.Fatalf("result %+v, want a failure mentioning %q", rs[0], tc.want)
			}
		})
	}
}

// preRootOf is the root of the test's pre-state (what a rejected transaction
// leaves).
func preRootOf(t *testing.T, m map[string]any) string {
	data, _ := json.Marshal(map[string]any{"x": m})
	tests, err := ParseFile("x", data)
	if err != nil {
		t.Fatal(err)
	}
	return tests[0].Pre.Root().Hex()
}

// TestForkSelection: unsupported forks are skipped and not counted; "Merge" is
// Paris; --fork and --run select.
func TestForkSelection(t *testing.T) {
	dir := t.TempDir()
	name, base := loadGolden(t, "transfersDynamicFee")
	m := clone(t, base)
	posts := m["post"].(map[string]any)
	posts["London"] = posts["Cancun"]
	posts["Frontier"] = posts["Cancun"]
	posts["Merge"] = posts["Cancun"] // a plain transfer: the same post-state
	file := writeTest(t, dir, "t.json", name, m)
	c, _ := runCollect(t, &Options{}, file)
	if c.Passed != 4 || c.Failed != 0 {
		t.Fatalf("all forks: %+v, want the 4 supported forks only (Merge, Cancun, Prague, Osaka)", c)
	}
	c, rs := runCollect(t, &Options{Forks: []host.Fork{host.Paris}}, file)
	if c.Passed != 1 || rs[0].Fork != "Paris" {
		t.Fatalf("--fork Paris: %+v %+v", c, rs)
	}
	c, rs = runCollect(t, &Options{Forks: []host.Fork{host.Prague}}, file)
	if c.Passed != 1 || rs[0].Fork != "Prague" {
		t.Fatalf("--fork Prague: %+v %+v", c, rs)
	}
	c, _ = runCollect(t, &Options{Run: regexp.MustCompile("^nomatch$")}, file)
	if c.Passed+c.Failed != 0 {
		t.Fatalf("--run filtered nothing: %+v", c)
	}
}

type panicEngine struct{}

func (panicEngine) Execute(host.Host, *host.Message, []byte, host.Hash) host.Result {
	panic("engine exploded")
}

// TestEnginePanicIsAFailure: a panicking engine fails its test and the run goes on.
func TestEnginePanicIsAFailure(t *testing.T) {
	c, rs := runCollect(t, &Options{Engine: func(host.Fork) (runtime.Engine, error) { return panicEngine{}, nil }},
		filepath.Join(goldenDir, "contractCalls.json"), filepath.Join(goldenDir, "transfersDynamicFee.json"))
	if c.Failed == 0 || c.Passed != 3 {
		t.Fatalf("counts %+v", c)
	}
	for _, r := range rs {
		if !r.Pass && !strings.Contains(r.Error, "panic: engine exploded") {
			t.Fatalf("failure without the panic: %s", r.Error)
		}
	}
}
