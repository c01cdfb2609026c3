package evm

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/eth/tracers/logger"

	"github.com/hybridvm/hybridvm/host"
)

// TestJSONTracerMatchesGeth runs generated programs (single frames and nested calls and
// creates) through go-ethereum with its JSON logger (the default configuration of
// `evm --json`) and through this package with JSONTracer, and requires the two streams to be
// identical byte for byte: every step line (pc, op, gas, gasCost, memSize, stack, depth,
// refund, opName, error) and every frame's summary line.
func TestJSONTracerMatchesGeth(t *testing.T) {
	n := 30
	if testing.Short() {
		n = 8
	}
	for _, fork := range forks {
		for _, nested := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/nested=%v", fork, nested), func(t *testing.T) {
				t.Parallel()
				for i := 0; i < n; i++ {
					seed := int64(5000 + i)
					sc := genScenario(seed, fork, nested)
					sc.gas = min(sc.gas, 80_000) // keep traces short
					var want, got bytes.Buffer
					runGeth(sc, logger.NewJSONLogger(nil, &want))
					tr := NewJSONTracer(&got)
					runOurs(sc, tr)
					if err := tr.Err(); err != nil {
						t.Fatal(err)
					}
					if line, w, g := firstDiff(want.String(), got.String()); line >= 0 {
						t.Fatalf("seed %d: trace line %d differs:\ngeth: %s\nours: %s\n%s", seed, line+1, w, g, describe(sc))
					}
					if want.Len() == 0 {
						t.Fatalf("seed %d: empty geth trace", seed)
					}
				}
			})
		}
	}
}

func firstDiff(a, b string) (int, string, string) {
	la, lb := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := 0; i < max(len(la), len(lb)); i++ {
		var x, y string
		if i < len(la) {
			x = la[i]
		}
		if i < len(lb) {
			y = lb[i]
		}
		if x != y {
			return i, x, y
		}
	}
	return -1, "", ""
}

// TestSummaryLine pins the summary line format.
func TestSummaryLine(t *testing.T) {
	for _, tc := range []struct {
		name   string
		out    []byte
		used   uint64
		err    error
		expect string
	}{
		{"success has no error field", []byte{0xab, 0x01}, 0x5208, nil, `{"output":"ab01","gasUsed":"0x5208"}` + "\n"},
		{"revert names the error", nil, 3, host.ErrExecutionReverted, `{"output":"","gasUsed":"0x3","error":"execution reverted"}` + "\n"},
	} {
		if got := string(appendSummary(nil, tc.out, tc.used, tc.err)); got != tc.expect {
			t.Errorf("%s: got %q, want %q", tc.name, got, tc.expect)
		}
	}
}
