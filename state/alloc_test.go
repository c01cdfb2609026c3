package state

import (
	"bytes"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/holiman/uint256"

	"github.com/hybridvm/hybridvm/host"
)

func TestAllocRoundTrip(t *testing.T) {
	r := rand.New(rand.NewSource(3))
	data, _ := randomAlloc(t, r, 50)
	s, err := ParseAlloc(data)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "alloc.json")
	if err := s.SaveAllocFile(path); err != nil {
		t.Fatal(err)
	}
	back, err := LoadAllocFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if dump(back) != dump(s) || back.Root() != s.Root() {
		t.Fatal("state changed across save and load")
	}
	// Saving is deterministic.
	var b1, b2 bytes.Buffer
	if err := s.WriteAlloc(&b1); err != nil {
		t.Fatal(err)
	}
	if err := back.WriteAlloc(&b2); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b1.Bytes(), b2.Bytes()) {
		t.Fatal("WriteAlloc is not deterministic")
	}
}

func TestAllocAcceptedSpellings(t *testing.T) {
	s, err := ParseAlloc([]byte(`{
		"095e7baea6a6c7c4c2dfeb977efac326af552d87": {"balance": "1000", "nonce": 3, "code": "6000", "storage": {"0x1": "0x02", "00": "0x00"}},
		"0xA94F5374FCE5EDBC8E2A8697C15331677E6EBF0B": {"balance": "0x", "secretKey": "0x45"}
	}`))
	if err != nil {
		t.Fatal(err)
	}
	a := common.HexToAddress("095e7baea6a6c7c4c2dfeb977efac326af552d87")
	if !s.GetBalance(a).Eq(uint256.NewInt(1000)) || s.GetNonce(a) != 3 || !bytes.Equal(s.GetCode(a), []byte{0x60, 0}) ||
		s.GetState(a, host.Hash{31: 1}) != (host.Hash{31: 2}) || s.Len() != 2 {
		t.Fatalf("parsed wrongly:\n%s", dump(s))
	}
	if len(s.accounts[a].storage) != 1 {
		t.Fatal("zero-valued slot must not be stored")
	}
}

func TestAllocMalformed(t *testing.T) {
	const acct = `"0x095e7baea6a6c7c4c2dfeb977efac326af552d87"`
	tests := []struct {
		name, in string
		want     []string // substrings of the error
	}{
		{"not JSON", `{`, []string{"alloc"}},
		{"null document", `null`, []string{"null"}},
		{"array instead of object", `[]`, []string{"alloc"}},
		{"short address", `{"0x1234": {"balance": "0x1"}}`, []string{`"0x1234"`, "20 bytes"}},
		{"non-hex address", `{"0xzz5e7baea6a6c7c4c2dfeb977efac326af552d87": {"balance": "0x1"}}`, []string{"account key", "not hex"}},
		{"same address twice in different case", `{"0xAA5e7baea6a6c7c4c2dfeb977efac326af552d87": {"balance": "0"}, "0xaa5e7baea6a6c7c4c2dfeb977efac326af552d87": {"balance": "0"}}`, []string{"listed twice"}},
		{"account is a string", `{` + acct + `: "x"}`, []string{"0x095e7baea6a6c7c4c2dfeb977efac326af552d87", "expected an object"}},
		{"missing balance", `{` + acct + `: {"nonce": "0x1"}}`, []string{`"balance": missing`}},
		{"misspelt field", `{` + acct + `: {"balance": "0x1", "nonse": "0x1"}}`, []string{`unknown field "nonse"`}},
		{"balance not a number", `{` + acct + `: {"balance": "0xgg"}}`, []string{`"balance"`, "not a hex number"}},
		{"balance over 256 bits", `{` + acct + `: {"balance": "0x1` + strings.Repeat("0", 64) + `"}}`, []string{`"balance"`, "256 bits"}},
		{"negative decimal balance", `{` + acct + `: {"balance": "-1"}}`, []string{`"balance"`, "not a number"}},
		{"nonce over 64 bits", `{` + acct + `: {"balance": "0", "nonce": "0x10000000000000000"}}`, []string{`"nonce"`, "64 bits"}},
		{"odd-length code", `{` + acct + `: {"balance": "0", "code": "0x600"}}`, []string{`"code"`, "odd"}},
		{"code not a string", `{` + acct + `: {"balance": "0", "code": 5}}`, []string{`"code"`, "hex string"}},
		{"storage key too long", `{` + acct + `: {"balance": "0", "storage": {"0x` + strings.Repeat("11", 33) + `": "0x1"}}}`, []string{`"storage"`, "longer than 32 bytes"}},
		{"storage value not hex", `{` + acct + `: {"balance": "0", "storage": {"0x1": "0xq"}}}`, []string{`"storage"`, "value of", "not hex"}},
		{"storage key listed twice", `{` + acct + `: {"balance": "0", "storage": {"0x1": "0x1", "0x01": "0x2"}}}`, []string{"listed twice"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseAlloc([]byte(tc.in))
			if err == nil {
				t.Fatal("accepted")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}

func TestSaveAllocFileAtomic(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "state.json")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	s := New()
	s.SetBalance(host.Address{1}, uint256.NewInt(5))
	if err := s.SaveAllocFile(path); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Fatalf("temporary file left behind: %v", entries)
	}
	back, err := LoadAllocFile(path)
	if err != nil || !back.GetBalance(host.Address{1}).Eq(uint256.NewInt(5)) {
		t.Fatalf("saved file does not load back: %v", err)
	}
	// A failing save (the target is a directory) leaves nothing behind.
	target := filepath.Join(dir, "sub")
	if err := os.Mkdir(target, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := s.SaveAllocFile(target); err == nil {
		t.Fatal("saving over a directory succeeded")
	}
	entries, _ = os.ReadDir(dir)
	if len(entries) != 2 {
		t.Fatalf("failed save left files behind: %v", entries)
	}
	// A file that fails to parse names itself.
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte(`{"0x01": {}}`), 0o644)
	if _, err := LoadAllocFile(bad); err == nil || !strings.Contains(err.Error(), bad) {
		t.Fatalf("error does not name the file: %v", err)
	}
}
