package testtools

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// DataEnv names the environment variable that locates the external test data.
const DataEnv = "HYBRIDVM_TESTDATA"

// DataRoot returns the folder holding the external test data (ethereum-tests/ and
// evm-benchmarks/, as scripts/fetch-testdata.sh lays them out): $HYBRIDVM_TESTDATA
// when set (a relative path is taken from the repository root), else
// ../shared/testdata beside the repository root. It does not check that the folder
// exists.
func DataRoot() (string, error) {
	root, err := RepoRoot()
	if err != nil {
		return "", err
	}
	if d := os.Getenv(DataEnv); d != "" {
		if filepath.IsAbs(d) {
			return filepath.Clean(d), nil
		}
		return filepath.Join(root, d), nil
	}
	return filepath.Join(filepath.Dir(root), "shared", "testdata"), nil
}

// NeedData returns the path of rel (slash-separated, e.g.
// "ethereum-tests/GeneralStateTests") under DataRoot, or ends the test (Unavailable)
// when it does not exist.
func NeedData(t testing.TB, rel string) string {
	t.Helper()
	root, err := DataRoot()
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(root, filepath.FromSlash(rel))
	if _, err := os.Stat(p); err != nil {
		Unavailable(t, fmt.Sprintf("test data %s (%v)", rel, err),
			"get it with HYBRIDVM_TESTDATA=DIR scripts/fetch-testdata.sh and run the tests with the same HYBRIDVM_TESTDATA, or put it in ../shared/testdata beside the checkout")
	}
	return p
}

// RepoRoot returns the repository root: the nearest folder at or above the working
// directory (a test's package folder) that holds go.mod.
func RepoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("testtools: no go.mod at or above the working directory")
		}
		dir = parent
	}
}
