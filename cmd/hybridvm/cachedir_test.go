package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hybridvm/hybridvm/machine"
)

// TestExecCacheDir: the first exec with --cache-dir translates and writes the program,
// the second loads it and translates nothing, with the same output; an unusable
// directory is a usage error.
func TestExecCacheDir(t *testing.T) {
	if !machine.NativeAvailable() {
		t.Skip("no native backend on this architecture: --cache-dir is not used")
	}
	dir := filepath.Join(t.TempDir(), "cache")
	prog := "../../testdata/riscv/isa/rv64i.elf"
	code, out1, err1 := cli("exec", "--stats", "--cache-dir", dir, prog)
	if code != 0 || strings.Contains(err1, "translated: 0 instructions") || !strings.Contains(err1, "loaded from --cache-dir: 0 blocks") {
		t.Fatalf("first run: %d %q", code, err1)
	}
	code, out2, err2 := cli("exec", "--stats", "--cache-dir", dir, prog)
	if code != 0 || out2 != out1 || !strings.Contains(err2, "translated: 0 instructions") || strings.Contains(err2, "loaded from --cache-dir: 0 blocks") {
		t.Fatalf("second run: %d %q %q", code, out2, err2)
	}
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if code, _, errOut := cli("exec", "--cache-dir", file, prog); code != 2 || !strings.Contains(errOut, "--cache-dir") {
		t.Errorf("--cache-dir naming a file: %d %q", code, errOut)
	}
}

// TestRunCacheDir: run --cache-dir compiles the called contract and writes it; a later
// run loads it; both give the interpreter's result. A directory nobody can write to
// (/proc, even for root) gives one warning on stderr and the call still succeeds; a
// path that cannot be a directory is a usage error.
func TestRunCacheDir(t *testing.T) {
	if !machine.NativeAvailable() {
		t.Skip("no native backend on this architecture: --cache-dir is not used")
	}
	st := filepath.Join(t.TempDir(), "state.json")
	if code, _, errOut := cli("run", "--state", st, "--engine", "interp", "--create", "--code", "@../../examples/erc20/erc20.initcode"); code != 0 {
		t.Fatalf("deploy: %s", errOut)
	}
	tok := "0x6b182f1488e8efeb2eb298155ed5bd7ff8a14042"
	_, want, _ := cli("run", "--prestate", st, "--engine", "interp", "--to", tok, "--sig", "balanceOf(address)", alice)
	dir := filepath.Join(t.TempDir(), "cache")
	for i := range 2 {
		code, out, errOut := cli("run", "--prestate", st, "--cache-dir", dir, "--to", tok, "--sig", "balanceOf(address)", alice)
		if code != 0 || out != want || errOut != "" {
			t.Fatalf("run %d: %d %q %q, want %q", i, code, out, errOut, want)
		}
		files, _ := filepath.Glob(filepath.Join(dir, "*.hvc"))
		if len(files) != 1 {
			t.Fatalf("run %d: files %v, want one", i, files)
		}
	}
	if proc, err := os.Stat("/proc/self"); err == nil && proc.IsDir() {
		code, out, errOut := cli("run", "--prestate", st, "--cache-dir", "/proc", "--to", tok, "--sig", "balanceOf(address)", alice)
		if code != 0 || out != want || strings.Count(errOut, "warning") != 1 || !strings.Contains(errOut, "cannot write") {
			t.Errorf("--cache-dir /proc: %d %q %q", code, out, errOut)
		}
	}
	if code, _, errOut := cli("run", "--prestate", st, "--cache-dir", filepath.Join(st, "x"), "--to", tok, "--sig", "balanceOf(address)", alice); code != 2 || !strings.Contains(errOut, "--cache-dir") {
		t.Errorf("--cache-dir under a file: %d %q", code, errOut)
	}
}

// TestExecCacheLimit: --cache-limit bounds what --cache-dir keeps: with a limit below
// one program's file, the file is evicted as soon as it is written and the next run
// translates again; a size that does not parse is a usage error.
func TestExecCacheLimit(t *testing.T) {
	if !machine.NativeAvailable() {
		t.Skip("no native backend on this architecture: --cache-dir is not used")
	}
	dir := filepath.Join(t.TempDir(), "cache")
	prog := "../../testdata/riscv/isa/rv64i.elf"
	for i := range 2 {
		code, _, errOut := cli("exec", "--stats", "--cache-dir", dir, "--cache-limit", "1K", prog)
		if code != 0 || strings.Contains(errOut, "translated: 0 instructions") {
			t.Fatalf("run %d: %d %q; want the program translated", i, code, errOut)
		}
		if files, _ := filepath.Glob(filepath.Join(dir, "*.hvc")); len(files) != 0 {
			t.Fatalf("run %d: files %v kept under a 1 KiB limit", i, files)
		}
	}
	if code, _, errOut := cli("exec", "--cache-dir", dir, "--cache-limit", "lots", prog); code != 2 || !strings.Contains(errOut, "cache-limit") {
		t.Errorf("--cache-limit lots: %d %q", code, errOut)
	}
}

// TestParseSize: sizes are bytes with an optional binary unit.
func TestParseSize(t *testing.T) {
	for in, want := range map[string]int64{"0": 0, "65536": 65536, "1K": 1 << 10, "512m": 512 << 20, "2G": 2 << 30, "3GiB": 3 << 30, "4 MB": 4 << 20, "7b": 7} {
		if got, err := parseSize(in); err != nil || got != want {
			t.Errorf("parseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "-1", "1.5G", "G", "9999999999T", "1X"} {
		if got, err := parseSize(in); err == nil {
			t.Errorf("parseSize(%q) = %d, want an error", in, got)
		}
	}
	if s := formatSize(1 << 30); s != "1G" {
		t.Errorf("formatSize(1 GiB) = %q", s)
	}
}
