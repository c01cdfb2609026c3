package blocktest

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hybridvm/hybridvm/internal/testtools"
)

// example is a one-block valid test of the external data.
const example = blockchainTests + "/ValidBlocks/bcExample/basefeeExample.json"

// mutated writes the example with edit applied to its only test and runs it.
func mutated(t *testing.T, edit func(test map[string]any)) Result {
	t.Helper()
	data, err := os.ReadFile(testtools.NeedData(t, example))
	if err != nil {
		t.Fatal(err)
	}
	var file map[string]map[string]any
	if err := json.Unmarshal(data, &file); err != nil {
		t.Fatal(err)
	}
	for _, test := range file {
		edit(test)
	}
	out, err := json.Marshal(file)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "t.json")
	if err := os.WriteFile(path, out, 0o644); err != nil {
		t.Fatal(err)
	}
	var results []Result
	if _, err := Run([]string{path}, &Options{Engine: evmEngine}, func(r Result) { results = append(results, r) }); err != nil {
		t.Fatal(err)
	}
	if len(results) != 1 {
		t.Fatalf("%d results, want 1", len(results))
	}
	return results[0]
}

func block0(test map[string]any) map[string]any { return test["blocks"].([]any)[0].(map[string]any) }

// TestBadInput: every flaw fails the test with an error naming what is wrong
// (and the block), never a panic; the unmodified test passes.
func TestBadInput(t *testing.T) {
	tests := []struct {
		name string
		edit func(test map[string]any)
		want string // substring of the error; "" for a pass
	}{
		{"unmodified", func(map[string]any) {}, ""},
		{"truncated RLP", func(test map[string]any) {
			b := block0(test)
			b["rlp"] = b["rlp"].(string)[:200]
		}, "block 0: block RLP does not decode"},
		{"garbled RLP", func(test map[string]any) {
			b := block0(test)
			r := []byte(b["rlp"].(string))
			copy(r[2:], "ff")
			b["rlp"] = string(r)
		}, "block 0: block RLP does not decode"},
		{"RLP not hex", func(test map[string]any) { block0(test)["rlp"] = "0xzz" }, "block 0: rlp"},
		{"truncated RLP expected invalid", func(test map[string]any) {
			b := block0(test)
			b["rlp"] = b["rlp"].(string)[:200]
			delete(b, "blockHeader")
			b["expectException"] = "BlockException.RLP_STRUCTURES_ENCODING"
			test["lastblockhash"] = test["genesisBlockHeader"].(map[string]any)["hash"]
			test["postState"] = test["pre"]
		}, ""},
		{"wrong genesis", func(test map[string]any) {
			test["genesisBlockHeader"].(map[string]any)["gasLimit"] = "0x01"
		}, "genesis: hash"},
		{"pre does not match the genesis root", func(test map[string]any) {
			for _, acct := range test["pre"].(map[string]any) {
				acct.(map[string]any)["nonce"] = "0x07"
				break
			}
		}, "genesis: state root of pre"},
		{"wrong lastblockhash", func(test map[string]any) { test["lastblockhash"] = "0x" + strings.Repeat("11", 32) }, "lastblockhash"},
		{"wrong post state", func(test map[string]any) {
			for _, acct := range test["postState"].(map[string]any) {
				acct.(map[string]any)["nonce"] = "0x63"
				break
			}
		}, "nonce"},
		{"valid block expected invalid", func(test map[string]any) {
			b := block0(test)
			delete(b, "blockHeader")
			b["expectException"] = "BlockException.INVALID_STATE_ROOT"
		}, "imported, but the test expects"},
		{"unknown network", func(test map[string]any) { test["network"] = "Frontier" }, `network "Frontier" not supported`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := mutated(t, tc.edit)
			switch {
			case tc.want == "" && !r.Pass:
				t.Fatalf("failed: %s", r.Error)
			case tc.want != "" && r.Pass:
				t.Fatalf("passed, want an error containing %q", tc.want)
			case strings.Contains(r.Error, "panic"):
				t.Fatalf("panicked: %s", r.Error)
			case !strings.Contains(r.Error, tc.want):
				t.Fatalf("error %q, want it to contain %q", r.Error, tc.want)
			}
		})
	}
}

// TestMalformedFile: a file that is not a blockchain-test file is one failure
// naming the file.
func TestMalformedFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bad.json")
	if err := os.WriteFile(path, []byte(`{"t": {"network": "Cancun"}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	var results []Result
	counts, err := Run([]string{path}, &Options{Engine: evmEngine}, func(r Result) { results = append(results, r) })
	if err != nil {
		t.Fatal(err)
	}
	if counts.Failed != 1 || len(results) != 1 || !strings.Contains(results[0].Error, "no genesisBlockHeader") || results[0].File != path {
		t.Fatalf("counts %+v, results %+v", counts, results)
	}
}
