package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hybridvm/hybridvm/internal/testtools"
)

func TestBlocktestCommand(t *testing.T) {
	dir := testtools.NeedData(t, "ethereum-tests/BlockchainTests")
	multi := filepath.Join(dir, "InvalidBlocks", "bcMultiChainTest")
	tests := []struct {
		name     string
		args     []string
		code     int
		lastLine string
		stdout   []string
		stderr   []string
	}{
		{"a directory", []string{"blocktest", multi}, 0, "", []string{"PASS UncleFromSideChain_Cancun", " 0 failed"}, nil},
		{"name filter", []string{"blocktest", "--run", "^UncleFromSideChain_Cancun$", multi}, 0, "1 passed, 0 failed", nil, nil},
		{"help", []string{"blocktest", "-h"}, 0, "", []string{"lastblockhash", "Exit status"}, nil},
		{"no path", []string{"blocktest"}, 2, "", nil, []string{"no PATH"}},
		{"bad regex", []string{"blocktest", "--run", "(", multi}, 2, "", nil, []string{"--run"}},
		{"missing path", []string{"blocktest", filepath.Join(t.TempDir(), "nope")}, 2, "", nil, []string{"no such file"}},
		{"unknown flag", []string{"blocktest", "--fork", "Cancun", multi}, 2, "", nil, []string{"flag provided but not defined"}},
		{"parallel", []string{"blocktest", "--parallel", "4", filepath.Join(dir, "ValidBlocks", "bcStateTests")}, 0, "288 passed, 0 failed", nil, nil},
		{"parallel zero", []string{"blocktest", "--parallel", "0", multi}, 2, "", nil, []string{"--parallel 0"}},
		{"parallel and trace", []string{"blocktest", "--parallel", "2", "--trace", multi}, 2, "", nil, []string{"drop --parallel"}},
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

func TestBlocktestJSONAndTrace(t *testing.T) {
	dir := testtools.NeedData(t, "ethereum-tests/BlockchainTests")
	file := filepath.Join(dir, "ValidBlocks", "bcExample", "basefeeExample.json")
	code, out, _ := runCLI("blocktest", "--json", file)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != 0 || len(lines) != 2 || lines[1] != "1 passed, 0 failed" {
		t.Fatalf("exit %d, output:\n%s", code, out)
	}
	var rec map[string]any
	if err := json.Unmarshal([]byte(lines[0]), &rec); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"name", "pass", "stateRoot", "fork", "file"} {
		if _, ok := rec[k]; !ok {
			t.Errorf("JSON record lacks %q: %s", k, lines[0])
		}
	}
	code, out, errOut := runCLI("blocktest", "--trace", file)
	if code != 0 || !strings.HasSuffix(strings.TrimSpace(out), "1 passed, 0 failed") {
		t.Fatalf("--trace: exit %d, stdout:\n%s", code, out)
	}
	if !strings.Contains(errOut, `"opName"`) || !strings.Contains(errOut, `{"stateRoot": "0x`) {
		t.Errorf("--trace: no EIP-3155 trace and state root on stderr:\n%.500s", errOut)
	}
}

// TestBlocktestFailureExit: a failing test exits 1 and is counted.
func TestBlocktestFailureExit(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bad.json")
	if err := os.WriteFile(path, []byte(`{"t": {"network": "Cancun"}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, _ := runCLI("blocktest", path)
	if code != 1 || !strings.HasSuffix(strings.TrimSpace(out), "0 passed, 1 failed") || !strings.Contains(out, "FAIL "+path) {
		t.Fatalf("exit %d, output:\n%s", code, out)
	}
}
