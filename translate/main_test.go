package translate_test

import (
	"flag"
	"os"
	"testing"

	"github.com/hybridvm/hybridvm/codegen/amd64"
)

// TestMain runs the package's tests (the corpus on every engine among them) with
// every amd64 unit's direct encoding checked against golang-asm's
// (amd64.CheckEncoding); benchmarks run without the check.
func TestMain(m *testing.M) {
	flag.Parse()
	if f := flag.Lookup("test.bench"); f == nil || f.Value.String() == "" {
		amd64.CheckEncoding(true)
	}
	os.Exit(m.Run())
}
