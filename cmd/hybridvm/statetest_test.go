package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// goldenStateTests are the state tests whose expectations go-ethereum computed
// (see statetest/golden_test.go).
var goldenStateTests = filepath.Join("..", "..", "statetest", "testdata", "golden")

func runCLI(args ...string) (code int, stdout, stderr string) {
	var o, e bytes.Buffer
	code = mainArgs(args, &o, &e)
	return code, o.String(), e.String()
}

func TestStatetestCommand(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.json")
	if err := os.WriteFile(bad, []byte(`{"t": {"env": {}}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	one := filepath.Join(goldenStateTests, "transfersDynamicFee.json")
	tests := []struct {
		name     string
		args     []string
		code     int
		lastLine string   // exact final line of stdout
		stdout   []string // substrings of stdout
		stderr   []string // substrings of stderr
	}{
		{"all golden tests pass", []string{"statetest", goldenStateTests}, 0, "", []string{"PASS contractCalls Cancun/0", " 0 failed"}, nil},
		{"one fork", []string{"statetest", "--fork", "Prague", one}, 0, "1 passed, 0 failed", []string{"PASS transfersDynamicFee Prague/0"}, nil},
		{"name filter", []string{"statetest", "--run", "^transfers$", goldenStateTests}, 0, "54 passed, 0 failed", nil, nil},
		{"malformed file is a failure naming the file and field", []string{"statetest", bad, one}, 1, "3 passed, 1 failed", []string{"FAIL " + bad, "env.currentCoinbase: missing"}, nil},
		{"help", []string{"statetest", "-h"}, 0, "", []string{"Cancun, Prague and Osaka", "skipped and not counted"}, nil},
		{"no path", []string{"statetest"}, 2, "", nil, []string{"no PATH"}},
		{"unknown fork", []string{"statetest", "--fork", "Berlin", one}, 2, "", nil, []string{"unknown fork"}},
		{"bad regex", []string{"statetest", "--run", "(", one}, 2, "", nil, []string{"--run"}},
		{"missing path", []string{"statetest", filepath.Join(dir, "nope")}, 2, "", nil, []string{"no such file"}},
		{"unknown flag", []string{"statetest", "--frok", "Cancun", one}, 2, "", nil, []string{"flag provided but not defined"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := runCLI(tc.args...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tc.code, out, errOut)
			}
			lines := strings.Split(strings.TrimSpace(out), "\n")
			if tc.lastLine != "" && lines[len(lines)-1] != tc.lastLine {
				t.Errorf("last line %q, want %q", lines[len(lines)-1], tc.lastLine)
			}
			if n := strings.Count(out+errOut, "usage: hybridvm statetest"); n > 1 {
				t.Errorf("usage printed %d times", n)
			}
			for _, s := range tc.stdout {
				if !strings.Contains(out, s) {
					t.Errorf("stdout lacks %q:\n%s", s, out)
				}
			}
			for _, s := range tc.stderr {
				if !strings.Contains(errOut, s) {
					t.Errorf("stderr lacks %q:\n%s", s, errOut)
				}
			}
		})
	}
}

func TestStatetestJSONAndTrace(t *testing.T) {
	one := filepath.Join(goldenStateTests, "contractCalls.json")
	code, out, errOut := runCLI("statetest", "--json", "--trace", "--fork", "Cancun", one)
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if lines[len(lines)-1] != "8 passed, 0 failed" {
		t.Fatalf("last line %q", lines[len(lines)-1])
	}
	for _, l := range lines[:len(lines)-1] {
		var r struct {
			Name, StateRoot, Fork string
			Pass                  bool
			Index                 *int
		}
		if err := json.Unmarshal([]byte(l), &r); err != nil || r.Name != "contractCalls" || !r.Pass || r.Fork != "Cancun" || r.Index == nil || len(r.StateRoot) != 66 {
			t.Fatalf("bad JSON result line %q (%v)", l, err)
		}
	}
	// EIP-3155: one object per instruction, a summary per frame, the state root
	// after each test; every line is JSON.
	var ops, roots int
	for _, l := range strings.Split(strings.TrimSpace(errOut), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("trace line is not JSON: %q", l)
		}
		if _, ok := m["opName"]; ok {
			ops++
		}
		if _, ok := m["stateRoot"]; ok {
			roots++
		}
	}
	if ops < 100 || roots != 8 {
		t.Fatalf("trace has %d instructions and %d state roots", ops, roots)
	}
}
