package statetest

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzParseFile: malformed state-test files give errors, never panics, and what
// parses can be built into transactions for every post entry.
func FuzzParseFile(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join(goldenDir, "*.json"))
	for _, p := range files {
		if data, err := os.ReadFile(p); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte(`{"t": {"env": {}, "pre": {}, "transaction": {}, "post": {}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		tests, err := ParseFile("fuzz.json", data)
		if err != nil {
			return
		}
		for _, tt := range tests {
			for _, entries := range tt.Post {
				for i := range entries {
					tt.Tx.build(&entries[i]) // may reject, must not panic
				}
			}
		}
	})
}
