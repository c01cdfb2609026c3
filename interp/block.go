package interp

import (
	"sync"

	"sync/atomic"

	"github.com/hybridvm/hybridvm/guest"
	"github.com/hybridvm/hybridvm/riscv"
)

// dinst is one decoded instruction in a block's stream: 16 bytes, with the operation
// specialised where that saves work at run time (see the op* constants).
type dinst struct {
	op  uint8
	rd  uint8 // sinkReg when the architectural destination is x0
	rs1 uint8
	rs2 uint8
	// idx is the instruction's index in its block: a fault at it retires idx
	// instructions of the block.
	idx uint16
	// pcOff is the instruction's byte offset from the block's start.
	pcOff uint16
	imm   int64
}

// sinkReg is where writes to x0 go: the register file has a 33rd slot nobody reads, so
// no instruction needs an x0 check and x0 stays zero.
const sinkReg = 32

// Specialised operations, numbered after riscv's.
const (
	// opLI: rd = imm (LUI, AUIPC with the pc folded in, ADDI from x0).
	opLI = uint8(riscv.NumOps) + iota
	// opMV: rd = rs1 (ADDI with 0, ADD/OR with x0).
	opMV
	// opFall ends a block that stops without a control transfer (length cap, or the
	// next instruction cannot be fetched).
	opFall
)

// block is a decoded basic block.
type block struct {
	start uint64
	end   uint64 // the address after the block's last instruction
	// target of a branch or JAL terminator.
	target uint64
	gas    int64
	n      uint64 // instructions in the block, terminator included
	body   []dinst
	term   dinst
	// next chains blocks without a table lookup: [0] the fall-through block (at end),
	// [1] the taken target (at target).
	next [2]atomic.Pointer[block]
	// zeroLoop is set when the block is the .bss zeroing idiom (guest.ZeroLoop).
	zeroLoop *guest.ZeroLoop
}

// decodeBlock decodes the block starting at start (guest.DecodeBlock), or returns nil
// when no instruction can be fetched there.
// instBufs holds decoding buffers: a block's guest instructions are only needed while
// its stream is built.
var instBufs = sync.Pool{New: func() any { return new([guest.MaxBlockInsts]riscv.Inst) }}

func decodeBlock(code *guest.Code, start uint64) *block {
	buf := instBufs.Get().(*[guest.MaxBlockInsts]riscv.Inst)
	defer instBufs.Put(buf)
	gb, ok := guest.DecodeBlockInto(code, start, buf[:])
	if !ok {
		return nil
	}
	b := &block{start: start, end: gb.End, target: gb.Target, gas: gb.Gas, n: uint64(len(gb.Insts)), zeroLoop: gb.ZeroLoop}
	body := gb.Insts
	if _, ok := gb.Terminator(); ok {
		body = body[:len(body)-1]
	}
	// One spare element: Run walks the body with a pointer that ends one element past
	// the last, which must stay inside the allocation (go test -race's pointer checks
	// insist).
	b.body = make([]dinst, 0, len(body)+1)
	pc := start
	for i, in := range body {
		d := dinst{idx: uint16(i), pcOff: uint16(pc - start)}
		if specialise(&d, in, pc) {
			b.body = append(b.body, d)
		}
		pc += uint64(in.Len)
	}
	b.term = dinst{op: opFall, idx: uint16(len(body)), pcOff: uint16(pc - start)}
	if in, ok := gb.Terminator(); ok {
		b.term.op, b.term.rd, b.term.rs1, b.term.rs2, b.term.imm = uint8(in.Op), in.Rd, in.Rs1, in.Rs2, in.Imm
		if b.term.rd == 0 {
			b.term.rd = sinkReg
		}
	}
	return b
}

// specialise fills d for a non-terminating instruction and reports whether it has any
// effect at run time (instructions that only write x0 are dropped from the stream;
// their weight and count stay in the block's totals).
func specialise(d *dinst, in riscv.Inst, pc uint64) bool {
	d.op, d.rd, d.rs1, d.rs2, d.imm = uint8(in.Op), in.Rd, in.Rs1, in.Rs2, in.Imm
	switch in.Op {
	case riscv.OpFENCE:
		return false
	case riscv.OpCSRRW, riscv.OpCSRRS, riscv.OpCSRRC, riscv.OpCSRRWI, riscv.OpCSRRSI, riscv.OpCSRRCI:
		d.imm = int64(in.CSR)
		if d.rd == 0 {
			d.rd = sinkReg
		}
		return true
	}
	cls := in.Op.Class()
	if cls == riscv.ClassStore {
		return true
	}
	if d.rd == 0 {
		if cls == riscv.ClassALU || cls == riscv.ClassMul || cls == riscv.ClassDiv {
			return false // pure computation into x0: no effect (division never traps)
		}
		d.rd = sinkReg // loads and atomics still access memory and may fault
		return true
	}
	switch in.Op {
	case riscv.OpLUI:
		d.op = opLI
	case riscv.OpAUIPC:
		d.op, d.imm = opLI, int64(pc+uint64(in.Imm))
	case riscv.OpADDI:
		if in.Rs1 == 0 {
			d.op = opLI
		} else if in.Imm == 0 {
			d.op = opMV
		}
	case riscv.OpADD, riscv.OpOR, riscv.OpXOR:
		if in.Rs1 == 0 {
			d.op, d.rs1 = opMV, in.Rs2
		} else if in.Rs2 == 0 {
			d.op = opMV
		}
	}
	return true
}
