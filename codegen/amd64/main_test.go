package amd64

import (
	"os"
	"testing"
)

// TestMain runs the package's tests with every unit's direct encoding checked
// against golang-asm's (CheckEncoding).
func TestMain(m *testing.M) {
	CheckEncoding(true)
	os.Exit(m.Run())
}
