package evmbench

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"time"

	"github.com/hybridvm/hybridvm/evm"
)

// Measurement is one case timed on both engines.
type Measurement struct {
	Name    string
	GasUsed uint64        // gas used by the frame per run
	Ours    time.Duration // per run
	Geth    time.Duration // per run
}

// Ratio is how many times faster hybridvm is than go-ethereum.
func (m Measurement) Ratio() float64 { return float64(m.Geth) / float64(m.Ours) }

// Mgas returns million gas per second for a per-run duration.
func (m Measurement) Mgas(d time.Duration) float64 {
	return float64(m.GasUsed) / d.Seconds() / 1e6
}

// timeRunners times two runners alternately (so that a burst of load on the machine hits
// both alike) and returns the best per-run time of each over rounds of at least minRound,
// measured with clock (the thread's CPU time on Linux).
func timeRunners(a, b *Runner, rounds int, minRound time.Duration) (time.Duration, time.Duration, error) {
	var c clock
	c.lock()
	defer c.unlock()
	bestA, bestB := time.Duration(math.MaxInt64), time.Duration(math.MaxInt64)
	for i := 0; i < rounds; i++ {
		for j, r := range []*Runner{a, b} {
			n := 0
			start := c.now()
			for {
				if _, _, err := r.Run(); err != nil {
					return 0, 0, err
				}
				n++
				if el := c.now() - start; el >= minRound {
					per := el / time.Duration(n)
					if j == 0 {
						bestA = min(bestA, per)
					} else {
						bestB = min(bestB, per)
					}
					break
				}
			}
		}
	}
	return bestA, bestB, nil
}

// Measure verifies a case on both engines, checks the timed frames agree, and times both.
func Measure(c *Case, e *evm.EVM, rounds int, minRound time.Duration) (Measurement, error) {
	m := Measurement{Name: c.Name}
	if err := c.Verify(e); err != nil {
		return m, err
	}
	ours, err := c.OursRunner(e)
	if err != nil {
		return m, err
	}
	geth, err := c.GethRunner()
	if err != nil {
		return m, err
	}
	og, oo, oerr := ours.Run()
	gg, go_, gerr := geth.Run()
	if og != gg || !bytes.Equal(oo, go_) || (oerr == nil) != (gerr == nil) {
		return m, fmt.Errorf("%s: frame gas %d output %x err %v; go-ethereum gas %d output %x err %v", c.Name, og, oo, oerr, gg, go_, gerr)
	}
	if oerr != nil {
		return m, fmt.Errorf("%s: the benchmark frame fails: %v", c.Name, oerr)
	}
	m.GasUsed = og
	m.Ours, m.Geth, err = timeRunners(ours, geth, rounds, minRound)
	return m, err
}

// GeoMean returns the geometric mean of the ratios.
func GeoMean(ms []Measurement) float64 {
	s := 0.0
	for _, m := range ms {
		s += math.Log(m.Ratio())
	}
	return math.Exp(s / float64(len(ms)))
}

// PrintTable writes the measurements as a table.
func PrintTable(w io.Writer, ms []Measurement) {
	fmt.Fprintf(w, "%-34s %12s %12s %12s %10s %10s %7s\n", "case", "gas/run", "hybridvm", "geth", "hvm Mgas/s", "geth Mgas/s", "ratio")
	for _, m := range ms {
		fmt.Fprintf(w, "%-34s %12d %12s %12s %10.1f %10.1f %6.2fx\n", m.Name, m.GasUsed,
			m.Ours.Round(time.Microsecond/10), m.Geth.Round(time.Microsecond/10), m.Mgas(m.Ours), m.Mgas(m.Geth), m.Ratio())
	}
	fmt.Fprintf(w, "%-34s %77.2fx\n", "geometric mean", GeoMean(ms))
	fmt.Fprintf(w, "(times are the best per-run %s over the rounds; ratio = geth time / hybridvm time)\n", clockName)
}

// Comparison accumulates the times of one case run alternately on both engines (for a
// benchmark loop): each Step runs each engine once, timed with clock.
type Comparison struct {
	Ours, Geth time.Duration
	Gas        uint64 // gas per run
	Runs       int
	clk        clock
}

// Start locks the goroutine to its thread (the clock is per thread); call Stop when done.
func (c *Comparison) Start() { c.clk.lock() }

// Stop undoes Start.
func (c *Comparison) Stop() { c.clk.unlock() }

// Step runs each engine once and checks they used the same gas.
func (c *Comparison) Step(ours, geth *Runner) error {
	t0 := c.clk.now()
	og, _, oerr := ours.Run()
	t1 := c.clk.now()
	gg, _, gerr := geth.Run()
	t2 := c.clk.now()
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
