package replay

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/hybridvm/hybridvm/chaingen"
	"github.com/hybridvm/hybridvm/machine"
)

// TestReplayPreCancunChains: chains go-ethereum generated for Shanghai (the mixed
// workload: every contract kind) and Paris (transfers: the generator's contracts need
// PUSH0) replay with every header field matching.
func TestReplayPreCancunChains(t *testing.T) {
	for _, tc := range []struct{ fork, workload string }{{"Shanghai", "mixed"}, {"Paris", "transfers"}} {
		t.Run(tc.fork, func(t *testing.T) {
			c, err := chaingen.Generate(chaingen.Options{Workload: tc.workload, Blocks: 2, Seed: 3, Fork: tc.fork, Accounts: 100})
			if err != nil {
				t.Fatal(err)
			}
			gj, err := json.Marshal(c.Genesis)
			if err != nil {
				t.Fatal(err)
			}
			g, st, err := Genesis(gj)
			if err != nil {
				t.Fatal(err)
			}
			r, err := New(g, st, Options{Engine: machine.EngineInterp})
			if err != nil {
				t.Fatal(err)
			}
			for _, b := range c.Blocks {
				if err := r.Import(context.Background(), b); err != nil {
					t.Fatal(err)
				}
			}
			if s := r.Stats(); s.Blocks != 2 || s.Root != c.Blocks[1].Root() {
				t.Errorf("stats %+v, want 2 blocks and root %x", s, c.Blocks[1].Root())
			}
		})
	}
}
