package main

import (
	"os"
	"testing"
)

// cliEnv makes the test binary act as the hybridvm command: `hybridvm bench riscv`
// runs its own executable (`exec --engine E`), which under test is this binary.
const cliEnv = "HYBRIDVM_TEST_AS_CLI"

func TestMain(m *testing.M) {
	if os.Getenv(cliEnv) == "1" {
		os.Exit(mainArgs(os.Args[1:], os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}
