package evmbench

import (
	"bytes"
	"fmt"
	"time"

	"github.com/hybridvm/hybridvm/bench/clock"
	"github.com/hybridvm/hybridvm/evm"
)

// Prepare verifies a case on both engines (the whole transaction against the expected
// post-state), checks that the frames to be timed use the same gas and return the same
// output, and returns a Runner for each engine and the frame's gas per run. A case that
// fails any check returns an error and must not be timed.
func Prepare(c *Case, e *evm.EVM) (ours, geth *Runner, gas uint64, err error) {
	if err := c.Verify(e); err != nil {
		return nil, nil, 0, err
	}
	if ours, err = c.OursRunner(e); err != nil {
		return nil, nil, 0, err
	}
	if geth, err = c.GethRunner(); err != nil {
		return nil, nil, 0, err
	}
	og, oo, oerr := ours.Run()
	gg, go_, gerr := geth.Run()
	if og != gg || !bytes.Equal(oo, go_) || (oerr == nil) != (gerr == nil) {
		return nil, nil, 0, fmt.Errorf("%s: frame gas %d output %x err %v; go-ethereum gas %d output %x err %v", c.Name, og, oo, oerr, gg, go_, gerr)
	}
	if oerr != nil {
		return nil, nil, 0, fmt.Errorf("%s: the benchmark frame fails: %v", c.Name, oerr)
	}
	return ours, geth, og, nil
}

// Comparison accumulates the times of one case run alternately on both engines (for a
// benchmark loop): each Step runs each engine once, timed with clock.Default.
type Comparison struct {
	Ours, Geth time.Duration
	Gas        uint64 // gas per run
	Runs       int
	clk        clock.Clock
}

// Start locks the goroutine to its thread (the clock is per thread); call Stop when done.
func (c *Comparison) Start() {
	c.clk = clock.Default()
	c.clk.Lock()
}

// Stop undoes Start.
func (c *Comparison) Stop() { c.clk.Unlock() }

// Step runs each engine once and checks they used the same gas.
func (c *Comparison) Step(ours, geth *Runner) error {
	t0 := c.clk.Now()
	og, _, oerr := ours.Run()
	t1 := c.clk.Now()
	gg, _, gerr := geth.Run()
	t2 := c.clk.Now()
	if oerr != nil || gerr != nil || og != gg {
		return fmt.Errorf("runs differ: gas %d (%v), go-ethereum %d (%v)", og, oerr, gg, gerr)
	}
	c.Ours += t1 - t0
	c.Geth += t2 - t1
	c.Gas = og
	c.Runs++
	return nil
}

// Ratio is go-ethereum's time over hybridvm's.
func (c *Comparison) Ratio() float64 { return float64(c.Geth) / float64(c.Ours) }

// Mgas returns both engines' million gas per second.
func (c *Comparison) Mgas() (ours, geth float64) {
	g := float64(c.Gas) * float64(c.Runs) / 1e6
	return g / c.Ours.Seconds(), g / c.Geth.Seconds()
}
