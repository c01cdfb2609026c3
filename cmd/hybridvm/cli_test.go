package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"runtime/debug"
	"sort"
	"strings"
	"testing"
)

func commandNames() []string {
	var names []string
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// TestHelpExitsZero: -h and --help print the command's usage on stdout and exit 0, for
// every command.
func TestHelpExitsZero(t *testing.T) {
	for _, name := range commandNames() {
		for _, h := range []string{"-h", "--help"} {
			code, out, errOut := cli(name, h)
			if code != 0 || !strings.Contains(out, "usage: hybridvm "+name) || errOut != "" {
				t.Errorf("%s %s: exit %d, stdout %q, stderr %q", name, h, code, out, errOut)
			}
		}
	}
}

// TestFlagErrorIsOneLine: an unknown flag prints the flag package's line and a hint to
// use -h, not the whole usage, and exits 2.
func TestFlagErrorIsOneLine(t *testing.T) {
	for _, name := range commandNames() {
		code, out, errOut := cli(name, "--bogus")
		want := "flag provided but not defined: -bogus\nRun 'hybridvm " + name + " -h' for usage.\n"
		if code != 2 || errOut != want || out != "" {
			t.Errorf("%s --bogus: exit %d, stdout %q, stderr %q; want 2 and %q", name, code, out, errOut, want)
		}
	}
	if code, _, errOut := cli("nosuch"); code != 2 || strings.Count(errOut, "\n") != 2 {
		t.Errorf("unknown command: exit %d, stderr %q", code, errOut)
	}
}

func TestVersion(t *testing.T) {
	code, out, errOut := cli("version")
	if code != 0 || !strings.HasPrefix(out, "hybridvm ") || !strings.Contains(out, "commit ") || errOut != "" {
		t.Errorf("version: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	if code, _, _ := cli("version", "extra"); code != 2 {
		t.Errorf("version extra: exit %d, want 2", code)
	}
	if got := versionText(nil); !strings.HasPrefix(got, "hybridvm (devel)\ncommit unknown\ncommit time unknown\n") {
		t.Errorf("without build info: %q", got)
	}
	bi := &debug.BuildInfo{GoVersion: "go1.99", Main: debug.Module{Version: "v1.2.3"}, Settings: []debug.BuildSetting{
		{Key: "vcs.revision", Value: "0123abcd"}, {Key: "vcs.time", Value: "2025-01-02T03:04:05Z"}, {Key: "vcs.modified", Value: "true"},
	}}
	if got, want := versionText(bi), "hybridvm v1.2.3\ncommit 0123abcd (modified)\ncommit time 2025-01-02T03:04:05Z\ngo1.99\n"; got != want {
		t.Errorf("versionText = %q, want %q", got, want)
	}
}

// TestExecBadInputExits2: a file exec cannot load exits 2, which no guest exit status
// below 128 other than 2 itself shares with it by accident of a loader error.
func TestExecBadInputExits2(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	for _, tc := range []struct{ name, path, want string }{
		{"missing", filepath.Join(dir, "nope.elf"), "no such file"},
		{"text", write("notes.txt", []byte("hello, not an ELF")), "bad elf"},
		{"x86-64", write("x86.elf", tinyELF(62)), "elf"},
		{"32-bit", write("rv32.elf", tinyELF32()), "elf"},
		{"directory", dir, "directory"},
	} {
		code, _, errOut := cli("exec", tc.path)
		if code != 2 || !strings.Contains(strings.ToLower(errOut), tc.want) {
			t.Errorf("%s: exit %d, stderr %q; want 2 and %q", tc.name, code, errOut, tc.want)
		}
	}
	defer func(n int64) { maxExecFile = n }(maxExecFile)
	maxExecFile = 1 << 20
	if code, _, errOut := cli("exec", "/dev/zero"); code != 2 || !strings.Contains(errOut, "limit") {
		t.Errorf("/dev/zero: exit %d, stderr %q", code, errOut)
	}
}

// TestChaingenCommand: chaingen writes a chain that reads back, and rejects bad flags
// with status 2.
func TestChaingenCommand(t *testing.T) {
	dir := t.TempDir()
	status, out, errOut := cli("chaingen", "--workload", "erc20", "--blocks", "1", "--accounts", "20", "-o", dir)
	if status != 0 || !strings.Contains(out, "1 blocks") {
		t.Fatalf("exit %d: %s %s", status, out, errOut)
	}
	for _, f := range []string{"genesis.json", "chain.rlp"} {
		if st, err := os.Stat(filepath.Join(dir, f)); err != nil || st.Size() == 0 {
			t.Errorf("%s: %v", f, err)
		}
	}
	for _, args := range [][]string{
		{"chaingen", "--workload", "erc20", "--blocks", "1"},                                // no -o
		{"chaingen", "--workload", "nope", "--blocks", "1", "-o", dir},                      // unknown workload
		{"chaingen", "--workload", "erc20", "--blocks", "0", "-o", dir},                     // no blocks
		{"chaingen", "--workload", "erc20", "--fork", "London", "--blocks", "1", "-o", dir}, // unknown fork
	} {
		if status, _, _ := cli(args...); status != 2 {
			t.Errorf("%v: exit %d, want 2", args, status)
		}
	}
}

// TestReplayCommand: a generated chain replays (text and JSON summaries); a truncated
// chain file and a missing genesis are usage errors (2), a chain on the wrong genesis
// a mismatch (1).
func TestReplayCommand(t *testing.T) {
	dir, other := t.TempDir(), t.TempDir()
	for _, d := range []struct{ dir, seed string }{{dir, "1"}, {other, "2"}} {
		if status, _, errOut := cli("chaingen", "--workload", "mixed", "--blocks", "2", "--accounts", "30", "--seed", d.seed, "-o", d.dir); status != 0 {
			t.Fatalf("chaingen: %s", errOut)
		}
	}
	genesis, chainFile := filepath.Join(dir, "genesis.json"), filepath.Join(dir, "chain.rlp")
	status, out, errOut := cli("replay", "--genesis", genesis, chainFile)
	if status != 0 || !strings.Contains(out, "2 blocks") || !strings.Contains(out, "Mgas/s") {
		t.Fatalf("exit %d: %s %s", status, out, errOut)
	}
	status, out, _ = cli("replay", "--json", "--engine", "interp", "--genesis", genesis, chainFile)
	var s struct {
		Blocks        int     `json:"blocks"`
		MgasPerSecond float64 `json:"mgasPerSecond"`
	}
	if status != 0 || json.Unmarshal([]byte(out), &s) != nil || s.Blocks != 2 || s.MgasPerSecond <= 0 {
		t.Fatalf("--json: exit %d: %s", status, out)
	}
	raw, err := os.ReadFile(chainFile)
	if err != nil {
		t.Fatal(err)
	}
	truncated := filepath.Join(t.TempDir(), "chain.rlp")
	if err := os.WriteFile(truncated, raw[:len(raw)/2], 0o644); err != nil {
		t.Fatal(err)
	}
	if status, _, errOut := cli("replay", "--genesis", genesis, truncated); status != 2 || !strings.Contains(errOut, "block") {
		t.Errorf("truncated chain: exit %d: %s", status, errOut)
	}
	if status, _, _ := cli("replay", chainFile); status != 2 {
		t.Errorf("no genesis: exit %d", status)
	}
	if status, _, errOut := cli("replay", "--genesis", filepath.Join(other, "genesis.json"), chainFile); status != 1 || !strings.Contains(errOut, "block 1") {
		t.Errorf("wrong genesis: exit %d: %s", status, errOut)
	}
}
