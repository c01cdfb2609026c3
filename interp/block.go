package interp

import (
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

// decodeBlock decodes the block starting at start, or returns nil when no instruction
// can be fetched there.
func decodeBlock(code *guest.Code, start uint64) *block {
	b := &block{start: start}
	pc := start
	var insts [3]riscv.Inst // the first instructions, for the zeroing-loop idiom
	for i := 0; ; i++ {
		in, ok := code.Fetch(pc)
		if ok && i < len(insts) {
			insts[i] = in
		}
		if !ok {
			if i == 0 {
				return nil
			}
			b.term = dinst{op: opFall, idx: uint16(i), pcOff: uint16(pc - start)}
			break
		}
		b.gas += in.Weight()
		b.n++
		d := dinst{idx: uint16(i), pcOff: uint16(pc - start)}
		if in.EndsBlock() {
			d.op, d.rd, d.rs1, d.rs2, d.imm = uint8(in.Op), in.Rd, in.Rs1, in.Rs2, in.Imm
			if d.rd == 0 {
				d.rd = sinkReg
			}
			if in.Op.IsBranch() || in.Op == riscv.OpJAL {
				b.target = pc + uint64(in.Imm)
			}
			b.term = d
			pc += uint64(in.Len)
			break
		}
		if specialise(&d, in, pc) {
			b.body = append(b.body, d)
		}
		pc += uint64(in.Len)
		if i+1 == MaxBlockInsts {
			b.term = dinst{op: opFall, idx: uint16(i + 1), pcOff: uint16(pc - start)}
			break
		}
	}
	b.end = pc
	if b.n == 3 && b.term.op == uint8(riscv.OpBLTU) {
		b.zeroLoop = guest.MatchZeroLoop(insts[:], start, b.target, b.end, b.gas)
	}
	// Drop excess capacity but keep one spare element: Run walks the body with a pointer
	// that ends one element past the last, which must stay inside the allocation
	// (go test -race's pointer checks insist).
	body := make([]dinst, len(b.body), len(b.body)+1)
	copy(body, b.body)
	b.body = body
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
