package clock

import (
	"testing"
	"time"
)

// TestClocksAdvance: both clocks move forward over busy work, and the thread CPU
// clock does not count time spent asleep.
func TestClocksAdvance(t *testing.T) {
	for _, c := range []Clock{Default(), Wall{}} {
		c.Lock()
		start := c.Now()
		x := 0
		for i := 0; i < 20_000_000; i++ {
			x += i ^ x
		}
		busy := c.Now() - start
		c.Unlock()
		if busy <= 0 || x == 1 {
			t.Errorf("%s: busy work took %v", c.Name(), busy)
		}
	}
	c := Default()
	if c.Name() != "thread CPU time" {
		return
	}
	c.Lock()
	defer c.Unlock()
	start := c.Now()
	time.Sleep(50 * time.Millisecond)
	if slept := c.Now() - start; slept > 20*time.Millisecond {
		t.Errorf("thread CPU time counted %v of a 50 ms sleep", slept)
	}
}
