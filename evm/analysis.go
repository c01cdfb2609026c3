package evm

import (
	"github.com/holiman/uint256"
)

// Code analysis: bytecode → instruction stream.
//
// Every basic block starts with a block-begin entry (iBegin) that carries the block's total
// static gas and its stack bounds, so the interpreter checks gas and stack once per block.
// A block starts at a JUMPDEST, after a JUMPI (its fall-through) and after an instruction
// that observes the exact gas left (flagEndsBlock); it ends at a terminal instruction. Code
// after a terminal instruction is unreachable until the next JUMPDEST and is not emitted.
//
// Charging a whole block's static gas on entry is exact: a block has no exit before its last
// instruction except an exceptional halt, which consumes all gas anyway, and the instructions
// that read the gas left (GAS, SSTORE's sentry, the 63/64 rule of calls and creates) end
// their block, so no later instruction's static gas has been taken when they run.

// instr is one entry of the instruction stream (16 bytes).
type instr struct {
	// op is the dispatch code: the EVM opcode for ordinary instructions, or one of the
	// internal codes below (which reuse byte values undefined in every supported fork).
	op uint8
	_  uint8
	// n: iBegin: the stack height the block needs on entry.
	n uint16
	// a: iBegin: the largest entry height that cannot overflow, as an int32 (negative when
	// the block overflows from any height); PUSH32 (big push): index
	// into program.consts; iJump/iJumpi: target index; INVALID: the original opcode.
	a uint32
	// v: iBegin: the block's static gas (low 32 bits) and the pc it starts at (high 32
	// bits); PUSH1 (small push): the value; PC: the pc.
	v uint64
}

// Internal dispatch codes. The analysis emits every push of up to 8 bytes (and PUSH0) as
// PUSH1 with the value in v, and longer ones as PUSH32 with a constant index, so the loop has
// two push cases.
const (
	iBegin        = 0x0c // block begin
	iJump         = 0x0d // PUSH target; JUMP, with a valid target: the jump is resolved here
	iJumpi        = 0x0e // PUSH target; JUMPI, likewise
	internalFirst = iBegin
	internalLast  = 0x0f
)

// maxBlockGas bounds a block's static gas so that it fits the 32 bits iBegin has for it.
const maxBlockGas = 1 << 31

// program is the analysis of one code for one fork. It is immutable and shared.
type program struct {
	ins    []instr
	consts []uint256.Int
	// jumpdest maps a code offset to the index of the iBegin of the block its JUMPDEST
	// starts, or -1 when the offset is not a JUMPDEST instruction (PUSH data included).
	jumpdest []int32
	code     []byte
}

// bytes is the program's approximate memory footprint, for the cache's budget.
func (p *program) bytes() int {
	return len(p.ins)*16 + len(p.consts)*32 + len(p.jumpdest)*4 + len(p.code) + 128
}

// jumpTarget returns the stream index for a jump to dst, or false when dst is not a JUMPDEST.
func (p *program) jumpTarget(dst *uint256.Int) (int, bool) {
	if !dst.IsUint64() || dst[0] >= uint64(len(p.jumpdest)) {
		return 0, false
	}
	t := p.jumpdest[dst[0]]
	return int(t), t >= 0
}

// validJumpdests marks the offsets holding a JUMPDEST instruction (not PUSH data).
func validJumpdests(code []byte) []bool {
	v := make([]bool, len(code))
	for pc := 0; pc < len(code); pc++ {
		op := OpCode(code[pc])
		if op == JUMPDEST {
			v[pc] = true
		}
		pc += pushSize(op)
	}
	return v
}

// pushValue decodes PUSHn's immediate at pc+1, zero-padded on the right when the code ends
// inside it (the missing bytes read as zero).
func pushValue(code []byte, pc, n int) (v uint256.Int) {
	var buf [32]byte
	start := pc + 1
	if start < len(code) {
		copy(buf[32-n:], code[start:min(start+n, len(code))])
	}
	v.SetBytes32(buf[:])
	return v
}

// analyse translates code into its instruction stream for the fork table t.
func analyse(code []byte, t *forkTable) *program {
	valid := validJumpdests(code)
	p := &program{code: code, jumpdest: make([]int32, len(code))}
	for i := range p.jumpdest {
		p.jumpdest[i] = -1
	}
	ins := make([]instr, 0, len(code)/2+4)

	var (
		begin  = -1 // index of the open block's iBegin, -1 when no block is open
		gas    uint64
		height int // stack height relative to the block's entry
		need   int // entry height the block needs
		growth int // highest relative height reached
		dead   bool
		// lastPush is the index of the previous instruction when it was a push of a value
		// that is a valid jump destination, else -1 (for PUSH+JUMP fusion).
		lastPush   = -1
		lastPushPC uint64
	)
	closeBlock := func() {
		if begin >= 0 {
			b := &ins[begin]
			b.v |= gas
			// Clamp so that blocks longer than the stack is deep still fail (underflow:
			// need above the limit; overflow: a negative maximum entry height).
			b.n = uint16(min(need, stackLimit+1))
			b.a = uint32(int32(max(stackLimit-growth, -1)))
		}
		begin = -1
	}
	openBlock := func(pc int) {
		begin = len(ins)
		ins = append(ins, instr{op: iBegin, v: uint64(pc) << 32})
		gas, height, need, growth = 0, 0, 0, 0
	}
	account := func(s *opSpec, pc int) {
		if gas+s.gas > maxBlockGas {
			// Keep the block's gas in 32 bits: continue in a new block (only absurdly
			// long straight-line code gets here).
			closeBlock()
			openBlock(pc)
		}
		gas += s.gas
		if req := int(s.pops) - height; req > need {
			need = req
		}
		height += int(s.pushes) - int(s.pops)
		if height > growth {
			growth = height
		}
	}

	for pc := 0; pc < len(code); pc++ {
		op := OpCode(code[pc])
		s := &t.ops[op]
		n := pushSize(op)
		if op == JUMPDEST {
			closeBlock()
			openBlock(pc)
			p.jumpdest[pc] = int32(begin)
			account(s, pc)
			dead = false
			lastPush = -1
			continue
		}
		if dead {
			pc += n
			continue
		}
		if begin < 0 {
			openBlock(pc)
		}
		account(s, pc)
		fused := false
		switch {
		case !s.defined:
			ins = append(ins, instr{op: uint8(INVALID), a: uint32(op)})
		case op == PUSH0 || (n > 0 && n <= 8):
			v := pushValue(code, pc, n)
			ins = append(ins, instr{op: uint8(PUSH1), v: v[0]})
		case n > 8:
			v := pushValue(code, pc, n)
			ins = append(ins, instr{op: uint8(PUSH32), a: uint32(len(p.consts))})
			p.consts = append(p.consts, v)
		case (op == JUMP || op == JUMPI) && lastPush == len(ins)-1:
			// The pushed destination is a valid JUMPDEST: resolve the jump now (the
			// target index is patched in below, once every block exists).
			in := &ins[lastPush]
			in.op = iJump
			if op == JUMPI {
				in.op = iJumpi
			}
			in.v = lastPushPC
			fused = true
		case op == PC:
			ins = append(ins, instr{op: uint8(PC), v: uint64(pc)})
		default:
			ins = append(ins, instr{op: uint8(op)})
		}
		lastPush = -1
		if !fused && s.defined && (op == PUSH0 || n > 0) {
			if v := ins[len(ins)-1]; v.op == uint8(PUSH1) && v.v < uint64(len(code)) && valid[v.v] {
				lastPush, lastPushPC = len(ins)-1, v.v
			}
		}
		switch {
		case s.flags&flagTerminal != 0:
			closeBlock()
			dead = true
		case s.flags&flagEndsBlock != 0:
			closeBlock()
		}
		pc += n
	}
	// Running off the end of the code is STOP. The stream always ends with a terminal
	// instruction, so the interpreter never steps past its end.
	if begin < 0 {
		openBlock(len(code))
	}
	ins = append(ins, instr{op: uint8(STOP)})
	closeBlock()

	for i := range ins {
		if in := &ins[i]; in.op == iJump || in.op == iJumpi {
			in.a = uint32(p.jumpdest[in.v])
		}
	}
	p.ins = ins
	return p
}
