package main

import (
	"bufio"
	"fmt"
	"io"

	"github.com/hybridvm/hybridvm/guest"
)

// insnTracer writes one line per executed RISC-V instruction: pc, disassembly and the
// gas left (gas is charged per block, so it is the same across a block). In exec mode
// the lines are text; for contract frames (hybridvm run) they are JSON objects with the
// frame's depth, so they interleave in call order with the EVM's EIP-3155 lines:
//
//	{"pc":"0x80300104","insn":"addi a0,a0,1","gas":"0x1c9c2f4","depth":2,"kind":"riscv"}
type insnTracer struct {
	w     *bufio.Writer
	depth int // frame depth (1 for the transaction's frame, as EIP-3155); -1 in exec mode
}

func newInsnTracer(w io.Writer) *insnTracer { return &insnTracer{w: bufio.NewWriter(w), depth: -1} }

// at returns a tracer for a contract frame at msg.Depth (0 for the transaction's frame),
// writing JSON lines to the same stream.
func (t *insnTracer) at(depth int) *insnTracer { return &insnTracer{w: t.w, depth: depth + 1} }

func (t *insnTracer) Block(code *guest.Code, start uint64, n int, gasLeft int64) {
	pc := start
	for i := 0; i < n; i++ {
		in, ok := code.Fetch(pc)
		if !ok {
			break
		}
		if t.depth >= 0 {
			fmt.Fprintf(t.w, `{"pc":"%#x","insn":%q,"gas":"%#x","depth":%d,"kind":"riscv"}`+"\n", pc, in.Disasm(pc), gasLeft, t.depth)
		} else {
			fmt.Fprintf(t.w, "%08x  %-32s gas=%d\n", pc, in.Disasm(pc), gasLeft)
		}
		pc += uint64(in.Len)
	}
	t.w.Flush()
}
