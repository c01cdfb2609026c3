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
	depth int
}

func newInsnTracer(w io.Writer) *insnTracer { return &insnTracer{w: bufio.NewWriter(w)} }

func (t *insnTracer) Block(code *guest.Code, start uint64, n int, gasLeft int64) {
	pc := start
	for i := 0; i < n; i++ {
		in, ok := code.Fetch(pc)
		if !ok {
			break
		}
		fmt.Fprintf(t.w, "%08x  %-32s gas=%d\n", pc, in.Disasm(pc), gasLeft)
		pc += uint64(in.Len)
	}
	t.w.Flush()
}
