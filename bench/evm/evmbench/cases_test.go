package evmbench

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hybridvm/hybridvm/internal/testtools"
)

func TestLoadAllCases(t *testing.T) {
	cases, err := Load(testtools.NeedData(t, DataDir))
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) != 27 {
		t.Errorf("%d cases, want 27 (8 main files, 6 micro files, some with several inputs)", len(cases))
	}
	for _, c := range cases {
		if len(c.Pre[c.To].Code) == 0 || c.GasLimit == 0 || c.WantRoot == ([32]byte{}) {
			t.Errorf("%s: incomplete case", c.Name)
		}
	}
}

// TestVerifyOneCase runs the full check (expected post-state on both engines) on a small case.
func TestVerifyOneCase(t *testing.T) {
	cases, err := Load(testtools.NeedData(t, DataDir))
	if err != nil {
		t.Fatal(err)
	}
	e, err := NewEVM()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cases {
		if c.Name == "main/swap_math[0]" {
			if err := c.Verify(e); err != nil {
				t.Fatal(err)
			}
			c.WantRoot[0] ^= 1 // a wrong expectation must be caught
			if err := c.Verify(e); err == nil || !strings.Contains(err.Error(), "post-state root") {
				t.Errorf("a wrong expected root was not reported: %v", err)
			}
			return
		}
	}
	t.Fatal("case main/swap_math[0] not found")
}

func TestLoadReportsBadInput(t *testing.T) {
	if _, err := Load(t.TempDir()); err == nil || !strings.Contains(err.Error(), "no benchmark files") {
		t.Errorf("empty directory: %v", err)
	}
	dir := t.TempDir()
	for _, g := range []string{"main", "micro"} {
		if err := os.MkdirAll(filepath.Join(dir, g), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, g, "bad.json"), []byte(`{"x": {"pre": 5}}`), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := Load(dir); err == nil || !strings.Contains(err.Error(), "bad.json") {
		t.Errorf("malformed file: %v", err)
	}
}
