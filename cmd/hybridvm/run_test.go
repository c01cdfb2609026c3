package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
)

// cli runs the command line and returns the exit status, stdout and stderr.
func cli(args ...string) (int, string, string) {
	var out, errOut bytes.Buffer
	code := mainArgs(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

type runOutput struct {
	Status       string `json:"status"`
	Output       string `json:"output"`
	GasUsed      uint64 `json:"gasUsed"`
	Instructions uint64 `json:"instructions"`
	Logs         []struct {
		Address string   `json:"address"`
		Topics  []string `json:"topics"`
		Data    string   `json:"data"`
	} `json:"logs"`
	Address string `json:"address"`
	Error   string `json:"error"`
}

func parseRun(t *testing.T, out string) runOutput {
	t.Helper()
	var r runOutput
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("run printed %q: %v", out, err)
	}
	return r
}

const alice = "0x00000000000000000000000000000000000a11ce"

// TestRunERC20 deploys the example ERC20 into a state file and builds on it call after
// call, as the README shows.
func TestRunERC20(t *testing.T) {
	st := filepath.Join(t.TempDir(), "state.json")
	code, out, errOut := cli("run", "--state", st, "--engine", "interp", "--create", "--code", "@../../examples/erc20/erc20.initcode")
	if code != 0 {
		t.Fatalf("deploy: %d %s %s", code, out, errOut)
	}
	tok := parseRun(t, out).Address
	if tok != "0x6b182f1488e8efeb2eb298155ed5bd7ff8a14042" {
		t.Fatalf("token at %s", tok)
	}
	code, out, _ = cli("run", "--state", st, "--to", tok, "--sig", "mint(address,uint256)", alice, "1000")
	if r := parseRun(t, out); code != 0 || r.Status != "success" || len(r.Logs) != 1 || r.Instructions == 0 || r.GasUsed == 0 {
		t.Fatalf("mint: %d %+v", code, r)
	}
	code, out, _ = cli("run", "--state", st, "--to", tok, "--sig", "balanceOf(address)", alice)
	if r := parseRun(t, out); code != 0 || !strings.HasSuffix(r.Output, "3e8") {
		t.Fatalf("balanceOf: %d %+v", code, r)
	}
	// A revert: status 1, the custom error in the output, the state file unchanged.
	before, _ := os.ReadFile(st)
	code, out, _ = cli("run", "--state", st, "--to", tok, "--sig", "transfer(address,uint256)", "0x0000000000000000000000000000000000000b0b", "5000")
	if r := parseRun(t, out); code != 1 || r.Status != "revert" || !strings.HasPrefix(r.Output, "0xe450d38c") || r.Error == "" {
		t.Fatalf("transfer too much: %d %+v", code, r)
	}
	if after, _ := os.ReadFile(st); !bytes.Equal(before, after) {
		t.Errorf("a reverted call changed the state file")
	}
}

// TestRunBadInput: bad flags and inputs exit 2 with a message naming the problem, and
// never touch the state file.
func TestRunBadInput(t *testing.T) {
	st := filepath.Join(t.TempDir(), "state.json")
	if err := os.WriteFile(st, []byte(`{"0x0000000000000000000000000000000000000001": {"balance": "0x1"}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(t.TempDir(), "bad.json")
	if err := os.WriteFile(bad, []byte(`{"0xzz": {}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		want string // in stderr
	}{
		{"nothing to run", []string{"run"}, "give exactly one"},
		{"create without code", []string{"run", "--create"}, "--code is required"},
		{"to and code", []string{"run", "--to", alice, "--code", "0x00"}, "exclude each other"},
		{"bad address", []string{"run", "--to", "0x1234"}, "not a 20-byte hex address"},
		{"bad hex code", []string{"run", "--code", "0xzz"}, "--code"},
		{"missing code file", []string{"run", "--code", "@/nonexistent/file"}, "no such file"},
		{"bad input hex", []string{"run", "--code", "0x00", "--input", "0x123"}, "--input"},
		{"sig argument count", []string{"run", "--code", "0x00", "--sig", "f(uint256)"}, "takes 1 arguments, 0 given"},
		{"sig argument type", []string{"run", "--code", "0x00", "--sig", "f(uint8)", "300"}, "out of range"},
		{"bad value", []string{"run", "--code", "0x00", "--value", "-1"}, "--value"},
		{"bad engine", []string{"run", "--code", "0x00", "--engine", "fast"}, "unknown engine"},
		{"bad fork", []string{"run", "--code", "0x00", "--fork", "Frontier"}, "unknown fork"},
		{"malformed state file", []string{"run", "--state", bad, "--code", "0x00"}, "--state"},
		{"unknown flag", []string{"run", "--bogus"}, "flag provided but not defined"},
	}
	before, _ := os.ReadFile(st)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errOut := cli(tt.args...)
			if code != 2 || !strings.Contains(errOut, tt.want) {
				t.Errorf("exit %d, stderr %q; want 2 and %q", code, errOut, tt.want)
			}
		})
	}
	if after, _ := os.ReadFile(st); !bytes.Equal(before, after) {
		t.Errorf("the state file changed")
	}
}

// TestRunTraceAcrossKinds: a RISC-V contract calling EVM code traces as one stream in
// call order: RISC-V instruction lines at depth 1, the EVM's EIP-3155 lines at depth 2,
// RISC-V again, and a summary line as each frame ends.
func TestRunTraceAcrossKinds(t *testing.T) {
	st := filepath.Join(t.TempDir(), "state.json")
	code, out, errOut := cli("run", "--state", st, "--create", "--code", "@../../testdata/hybrid/relay.initcode")
	if code != 0 {
		t.Fatalf("deploy relay: %s %s", out, errOut)
	}
	relay := parseRun(t, out).Address
	// EVM code at 0xc0de...: PUSH1 42, PUSH1 0, SSTORE, STOP — reached through the relay.
	evmCode := "0x602a60005500"
	state, _ := os.ReadFile(st)
	state = bytes.Replace(state, []byte("{\n"), []byte("{\n  \"0x000000000000000000000000000000000000c0de\": {\"balance\": \"0x0\", \"code\": \""+evmCode+"\"},\n"), 1)
	if err := os.WriteFile(st, state, 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, trace := cli("run", "--state", st, "--trace", "--to", relay, "--sig", "callOut(address,bytes)", "0x000000000000000000000000000000000000c0de", "0x")
	if code != 0 {
		t.Fatalf("callOut: %s %s", out, trace)
	}
	var kinds []string
	for _, line := range strings.Split(strings.TrimSpace(trace), "\n") {
		var l struct {
			Kind    string `json:"kind"`
			Depth   int    `json:"depth"`
			OpName  string `json:"opName"`
			GasUsed string `json:"gasUsed"`
		}
		if err := json.Unmarshal([]byte(line), &l); err != nil {
			t.Fatalf("trace line %q: %v", line, err)
		}
		k := "end"
		switch {
		case l.Kind == "riscv":
			k = "riscv@" + string(rune('0'+l.Depth))
		case l.OpName != "":
			k = "evm@" + string(rune('0'+l.Depth))
		}
		if len(kinds) == 0 || kinds[len(kinds)-1] != k {
			kinds = append(kinds, k)
		}
	}
	want := []string{"riscv@1", "evm@2", "end", "riscv@1", "end"}
	if strings.Join(kinds, " ") != strings.Join(want, " ") {
		t.Errorf("trace order %v, want %v", kinds, want)
	}
}

func TestExecCommand(t *testing.T) {
	code, out, errOut := cli("exec", "--engine", "interp", "--stats", "../../testdata/riscv/exec/hello.elf")
	if code != 0 || out != "hello, world\n" || !strings.Contains(errOut, "instructions: 15") {
		t.Errorf("hello: %d %q %q", code, out, errOut)
	}
	if code, _, _ := cli("exec", "../../testdata/riscv/exec/exitcode.elf"); code != 42 {
		t.Errorf("exitcode: %d, want 42", code)
	}
	if code, _, errOut := cli("exec", "--gas", "1000", "../../testdata/riscv/hostile/infinite_loop.elf"); code != 129 || !strings.Contains(errOut, "out of gas") {
		t.Errorf("infinite loop: %d %q", code, errOut)
	}
	if code, _, errOut := cli("exec", "../../testdata/riscv/hostile/wild_store.elf"); code != 130 || !strings.Contains(errOut, "store access fault") {
		t.Errorf("wild store: %d %q", code, errOut)
	}
	if code, _, errOut := cli("exec", "../../README.md"); code != 2 || !strings.Contains(errOut, "bad ELF") {
		t.Errorf("not an ELF: %d %q", code, errOut)
	}
	if code, _, _ := cli("exec"); code != 2 {
		t.Errorf("no program: %d, want 2", code)
	}
}

// TestRunBlockHash: BLOCKHASH on the command line answers as go-ethereum's evm tool
// does (keccak256 of the decimal number) inside the last 256 blocks, and zero outside.
func TestRunBlockHash(t *testing.T) {
	// PUSH1 n, BLOCKHASH, PUSH1 0, MSTORE, PUSH1 32, PUSH1 0, RETURN
	code := func(n byte) string { return fmt.Sprintf("0x60%02x4060005260206000f3", n) }
	status, out, errOut := cli("run", "--number", "10", "--code", code(5))
	if status != 0 {
		t.Fatalf("exit %d: %s", status, errOut)
	}
	want := crypto.Keccak256Hash([]byte("5")).Hex()
	if got := parseRun(t, out).Output; got != want {
		t.Errorf("BLOCKHASH(5) at block 10 = %s, want %s", got, want)
	}
	_, out, _ = cli("run", "--number", "10", "--code", code(10))
	if got := parseRun(t, out).Output; got != (common.Hash{}).Hex() {
		t.Errorf("BLOCKHASH(10) at block 10 = %s, want zero", got)
	}
}
