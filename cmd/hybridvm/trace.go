package main

import (
	"bufio"
	"fmt"
	"io"

	"github.com/hybridvm/hybridvm/guest"
)

// insnTracer writes one line per executed RISC-V instruction: pc, disassembly and the
// gas left (gas is charged per block, so it is the same across a block).
type insnTracer struct {
	w     *bufio.Writer
	depth int // frame depth shown in each line; -1 for exec mode (no depth)
}

func newInsnTracer(w io.Writer) *insnTracer { return &insnTracer{w: bufio.NewWriter(w), depth: -1} }

// at returns a tracer writing to the same stream that labels lines with a frame depth.
func (t *insnTracer) at(depth int) *insnTracer { return &insnTracer{w: t.w, depth: depth} }

func (t *insnTracer) Block(code *guest.Code, start uint64, n int, gasLeft int64) {
	pc := start
	for i := 0; i < n; i++ {
		in, ok := code.Fetch(pc)
		if !ok {
			break
		}
		if t.depth >= 0 {
			fmt.Fprintf(t.w, "depth=%d ", t.depth+1)
		}
		fmt.Fprintf(t.w, "%08x  %-32s gas=%d\n", pc, in.Disasm(pc), gasLeft)
		pc += uint64(in.Len)
	}
	t.w.Flush()
}
