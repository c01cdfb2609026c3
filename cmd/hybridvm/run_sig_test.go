package main

import (
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/crypto"
)

// EVM code that echoes its calldata.
const (
	// echoReturn returns the calldata without the 4-byte selector: PUSH1 4,
	// CALLDATASIZE, SUB, DUP1, PUSH1 4, PUSH0, CALLDATACOPY, PUSH0, RETURN.
	echoReturn = "0x600436038060045f375ff3"
	// echoAll returns the whole calldata, echoRevert reverts with it: CALLDATASIZE,
	// PUSH0, PUSH0, CALLDATACOPY, CALLDATASIZE, PUSH0, RETURN/REVERT.
	echoAll    = "0x365f5f37365ff3"
	echoRevert = "0x365f5f37365ffd"
)

func selectorHex(sig string) string { return hex.EncodeToString(crypto.Keccak256([]byte(sig))[:4]) }

func TestSigValidation(t *testing.T) {
	for _, tc := range []struct{ sig, want string }{
		{"balanceOf", "with parentheses"},
		{"(uint256)", "want name(types)"},
		{"f(", "missing ')'"},
		{"f(uint256", "missing ')'"},
		{"f(uint256,)", "missing type"},
		{"f(uint7)", "multiple of 8"},
		{"f(uint0)", "multiple of 8"},
		{"f(int264)", "multiple of 8"},
		{"f(uint08)", "multiple of 8"},
		{"f(bytes33)", "from 1 to 32"},
		{"f(bytes0)", "from 1 to 32"},
		{"f(fixed128x18)", "not supported"},
		{"f(function)", "not supported"},
		{"f(foo)", "unknown type"},
		{"f(uint256[0])", "array size"},
		{"f(uint256[01])", "array size"},
		{"f(uint256[)", "missing ']'"},
		{"f(())", "empty tuple"},
		{"f(uint256))", "unexpected"},
		{"f(uint256)(bool)x", "unexpected"},
		{"f(uint256)(uint7)", "return types"},
		{"f(" + strings.Repeat("(", 100) + "uint256" + strings.Repeat(")", 100) + ")", "nested"},
		{"f(uint256" + strings.Repeat("[]", 100) + ")", "nested"},
	} {
		code, _, errOut := cli("run", "--code", "0x00", "--sig", tc.sig)
		if code != 2 || !strings.Contains(errOut, tc.want) {
			t.Errorf("--sig %q: exit %d, stderr %q; want 2 and %q", tc.sig, code, errOut, tc.want)
		}
	}
}

// TestSigEncoding: uint and int are uint256 and int256 in the selector, negative
// numbers are arguments without "--", and tuples and arrays get canonical selectors.
func TestSigEncoding(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--sig", "f(int8)", "-1"}, selectorHex("f(int8)") + strings.Repeat("ff", 32)},
		{[]string{"--sig", "f(int,uint)", "-2", "3"}, selectorHex("f(int256,uint256)") + strings.Repeat("ff", 31) + "fe" + strings.Repeat("00", 31) + "03"},
		{[]string{"--sig", "f(int8)", "--", "-1"}, selectorHex("f(int8)") + strings.Repeat("ff", 32)},
		{[]string{"--sig", "g((uint,bool)[2], bytes4)", "[(1,true),(2,false)]", "0x01020304", "--gas", "100000"},
			selectorHex("g((uint256,bool)[2],bytes4)") + strings.Repeat("00", 31) + "01" + strings.Repeat("00", 31) + "01" +
				strings.Repeat("00", 31) + "02" + strings.Repeat("00", 32) + "01020304" + strings.Repeat("00", 28)},
	} {
		code, out, errOut := cli(append([]string{"run", "--code", echoAll}, tc.args...)...)
		if code != 0 || !strings.Contains(out, `"output":"0x`+tc.want+`"`) {
			t.Errorf("%q: exit %d, stdout %s, stderr %q\nwant output 0x%s", tc.args, code, out, errOut, tc.want)
		}
	}
	if code, _, errOut := cli("run", "--code", echoAll, "--sig", "f(int8)", "-129"); code != 2 || !strings.Contains(errOut, "out of range") {
		t.Errorf("int8 -129: exit %d, stderr %q", code, errOut)
	}
}

// TestSigDecodesOutput: return types in --sig decode the output, as cast call does.
func TestSigDecodesOutput(t *testing.T) {
	code, out, errOut := cli("run", "--code", echoReturn,
		"--sig", "f(uint256,address,string,int8[],bytes,bool,(uint8,bytes2))(uint256,address,string,int8[],bytes,bool,(uint8,bytes2))",
		"1000", "0x00000000000000000000000000000000000a11ce", "hello", "[-1,2]", "0xbeef", "true", "(7,0x0102)")
	if code != 0 {
		t.Fatalf("exit %d: %s %s", code, out, errOut)
	}
	var r struct {
		Output  string `json:"output"`
		Decoded []any  `json:"decoded"`
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	want := []any{"1000", "0x00000000000000000000000000000000000A11cE", "hello", []any{"-1", "2"}, "0xbeef", true, []any{"7", "0x0102"}}
	if !reflect.DeepEqual(r.Decoded, want) || !strings.HasPrefix(r.Output, "0x00000000") {
		t.Errorf("decoded %#v, output %s\nwant %#v", r.Decoded, r.Output, want)
	}
	// Output that does not fit the return types: the result says so, the call succeeded.
	code, out, _ = cli("run", "--code", echoReturn, "--sig", "f()(uint256)")
	if code != 0 || !strings.Contains(out, `"decodeError"`) {
		t.Errorf("short output: exit %d, %s", code, out)
	}
}

// TestRevertDecoding: Error(string), Panic(uint256) and custom errors an --abi file
// declares are decoded into "error".
func TestRevertDecoding(t *testing.T) {
	abiFile := filepath.Join(t.TempDir(), "erc20.abi.json")
	if err := os.WriteFile(abiFile, []byte(`[{"type":"error","name":"ERC20InsufficientBalance","inputs":[
		{"name":"sender","type":"address"},{"name":"balance","type":"uint256"},{"name":"needed","type":"uint256"}]},
		{"type":"function","name":"transfer","inputs":[{"name":"to","type":"address"},{"name":"v","type":"uint256"}],"outputs":[{"type":"bool"}]}]`), 0o644); err != nil {
		t.Fatal(err)
	}
	artifact := filepath.Join(t.TempDir(), "artifact.json")
	abiText, _ := os.ReadFile(abiFile)
	if err := os.WriteFile(artifact, []byte(`{"contractName":"X","abi":`+string(abiText)+`}`), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--sig", "Error(string)", "insufficient funds"}, `execution reverted: Error("insufficient funds")`},
		{[]string{"--sig", "Panic(uint256)", "0x11"}, "execution reverted: Panic(0x11): arithmetic underflow or overflow"},
		{[]string{"--abi", abiFile, "--sig", "ERC20InsufficientBalance(address,uint256,uint256)", "0x00000000000000000000000000000000000a11ce", "1000", "5000"},
			"execution reverted: ERC20InsufficientBalance(sender: 0x00000000000000000000000000000000000A11cE, balance: 1000, needed: 5000)"},
		{[]string{"--abi", artifact, "--sig", "ERC20InsufficientBalance(address,uint256,uint256)", "0x00000000000000000000000000000000000a11ce", "1", "2"},
			"execution reverted: ERC20InsufficientBalance(sender: 0x00000000000000000000000000000000000A11cE, balance: 1, needed: 2)"},
		{[]string{"--sig", "ERC20InsufficientBalance(address,uint256,uint256)", "0x00000000000000000000000000000000000a11ce", "1", "2"}, "execution reverted"},
	} {
		// --sig encodes the error itself, which echoRevert reverts with.
		code, out, errOut := cli(append([]string{"run", "--code", echoRevert}, tc.args...)...)
		if code != 1 {
			t.Fatalf("%q: exit %d: %s", tc.args, code, errOut)
		}
		if r := parseRun(t, out); r.Error != tc.want {
			t.Errorf("%q: error %q\nwant %q", tc.args, r.Error, tc.want)
		}
	}
	if code, _, errOut := cli("run", "--code", "0x00", "--abi", filepath.Join(t.TempDir(), "nope.json")); code != 2 || !strings.Contains(errOut, "--abi") {
		t.Errorf("missing --abi file: exit %d, stderr %q", code, errOut)
	}
}
