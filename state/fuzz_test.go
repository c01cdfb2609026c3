package state

import (
	"bytes"
	"testing"
)

// FuzzParseAlloc: any input either parses or gives an error, never a panic; what
// parses survives a write and a re-parse unchanged.
func FuzzParseAlloc(f *testing.F) {
	f.Add([]byte(`{"0x095e7baea6a6c7c4c2dfeb977efac326af552d87": {"balance": "0x10", "nonce": "1", "code": "0x6000", "storage": {"0x1": "0x2"}}}`))
	f.Add([]byte(`{"095e7baea6a6c7c4c2dfeb977efac326af552d87": {"balance": 5}}`))
	f.Add([]byte(`{}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := ParseAlloc(data)
		if err != nil {
			return
		}
		var buf bytes.Buffer
		if err := s.WriteAlloc(&buf); err != nil {
			t.Fatal(err)
		}
		back, err := ParseAlloc(buf.Bytes())
		if err != nil {
			t.Fatalf("written alloc does not parse: %v\n%s", err, buf.Bytes())
		}
		if back.Root() != s.Root() {
			t.Fatal("root changed across write and parse")
		}
	})
}
