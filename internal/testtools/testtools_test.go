package testtools

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// fakeTB records how a helper ended a test. Fatal and Skip stop the goroutine, as the
// real ones do.
type fakeTB struct {
	testing.TB
	failed, skipped bool
	msg             string
}

func (f *fakeTB) Helper() {}
func (f *fakeTB) Fatal(args ...any) {
	f.failed, f.msg = true, fmt.Sprint(args...)
	runtime.Goexit()
}
func (f *fakeTB) Fatalf(format string, args ...any) {
	f.failed, f.msg = true, fmt.Sprintf(format, args...)
	runtime.Goexit()
}
func (f *fakeTB) Skipf(format string, args ...any) {
	f.skipped, f.msg = true, fmt.Sprintf(format, args...)
	runtime.Goexit()
}

// run calls fn with a fake test on its own goroutine and returns how it ended.
func run(fn func(tb testing.TB)) *fakeTB {
	f := &fakeTB{}
	done := make(chan struct{})
	go func() {
		defer close(done)
		fn(f)
	}()
	<-done
	return f
}

func TestDataRoot(t *testing.T) {
	root, err := RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("RepoRoot %s has no go.mod", root)
	}
	for _, c := range []struct{ env, want string }{
		{"", filepath.Join(filepath.Dir(root), "shared", "testdata")},
		{"/data/hybridvm", "/data/hybridvm"},
		{"td", filepath.Join(root, "td")},
	} {
		t.Setenv(DataEnv, c.env)
		if got, err := DataRoot(); err != nil || got != c.want {
			t.Errorf("HYBRIDVM_TESTDATA=%q: DataRoot %q, %v; want %q", c.env, got, err, c.want)
		}
	}
}

// TestNeedData: present data is returned; missing data skips, or fails when tools and
// data are required.
func TestNeedData(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "evm-benchmarks", "benchmarks"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv(DataEnv, dir)
	var got string
	f := run(func(tb testing.TB) { got = NeedData(tb, "evm-benchmarks/benchmarks") })
	if f.failed || f.skipped || got != filepath.Join(dir, "evm-benchmarks", "benchmarks") {
		t.Errorf("present data: %q, %+v", got, f)
	}
	t.Setenv("HYBRIDVM_REQUIRE_TOOLS", "")
	if f := run(func(tb testing.TB) { NeedData(tb, "ethereum-tests/GeneralStateTests") }); !f.skipped || f.failed {
		t.Errorf("missing data without HYBRIDVM_REQUIRE_TOOLS: %+v, want a skip", f)
	}
	t.Setenv("HYBRIDVM_REQUIRE_TOOLS", "1")
	if f := run(func(tb testing.TB) { NeedData(tb, "ethereum-tests/GeneralStateTests") }); !f.failed {
		t.Errorf("missing data with HYBRIDVM_REQUIRE_TOOLS=1: %+v, want a failure", f)
	}
}

// TestNeed: every missing tool is named; a missing tool skips, or fails when required.
func TestNeed(t *testing.T) {
	t.Setenv("HYBRIDVM_REQUIRE_TOOLS", "")
	f := run(func(tb testing.TB) { Need(tb, "hybridvm-no-such-tool-a", "hybridvm-no-such-tool-b") })
	if !f.skipped || f.failed {
		t.Errorf("missing tools: %+v, want a skip", f)
	}
	for _, n := range []string{"hybridvm-no-such-tool-a", "hybridvm-no-such-tool-b"} {
		if !strings.Contains(f.msg, n) {
			t.Errorf("message %q does not name %s", f.msg, n)
		}
	}
	t.Setenv("HYBRIDVM_REQUIRE_TOOLS", "1")
	if f := run(func(tb testing.TB) { Need(tb, "hybridvm-no-such-tool-a") }); !f.failed {
		t.Errorf("missing tool with HYBRIDVM_REQUIRE_TOOLS=1: %+v, want a failure", f)
	}
}
