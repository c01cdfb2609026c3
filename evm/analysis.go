package evm

import (
	"slices"
	"sync"

	"github.com/holiman/uint256"
)

// Code analysis: bytecode → instruction stream.
//
// Every basic block starts with a block-begin entry (iBegin) that carries the block's total
// static gas and its stack bounds, so the interpreter checks gas and stack once per block.
// A block starts at the beginning of the code, after a JUMPI (its fall-through), after an
// instruction that observes the exact gas left (flagEndsBlock), and at a JUMPDEST following
// unreachable code; it ends at a terminal or block-ending instruction. Code after a terminal
// instruction is unreachable until the next JUMPDEST and is not emitted.
//
// A JUMPDEST that execution can fall into does not end the block: it becomes an iEntry, a
// second way into the same block, carrying the gas and stack bounds of the rest of the block
// from the JUMPDEST on. Falling through, it is a no-op; a jump to it checks its bounds and
// continues after it. (Solidity code is full of JUMPDESTs reached both ways.)
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
	// skip: iBegin, iEntry: how many iEntry instructions follow immediately (at most 255),
	// which falling through steps over at once (runs of JUMPDESTs).
	skip uint8
	// n: iBegin: the stack height the block needs on entry.
	n uint16
	// a: iBegin, iEntry: the largest entry height that cannot overflow, as an int32
	// (negative when the block overflows from any height); PUSH32 (big push): index into
	// program.consts; resolved jumps: the target's entry; INVALID: the original opcode.
	a uint32
	// v: iBegin, iEntry: the block's static gas (low 32 bits) and the pc it starts at
	// (high 32 bits); PUSH1 (small push): the value; PC: the pc; resolved jumps: the index to
	// continue at after the target's entry.
	v uint64
}

// Internal dispatch codes. The analysis emits every push of up to 8 bytes (and PUSH0) as
// PUSH1 with the value in v, and longer ones as PUSH32 with a constant index, so the loop has
// two push cases.
const (
	iBegin = 0x0c // block begin: charge the block's gas, check its stack bounds
	iJump  = 0x0d // PUSH target; JUMP, with a valid target: the jump is resolved here
	iJumpi = 0x0e // PUSH target; JUMPI, likewise
	// iEntry is a JUMPDEST inside a block: a no-op when execution falls through it (the
	// block's iBegin paid for it); a jump to it checks the gas and stack bounds it carries,
	// which cover the rest of the block from there.
	iEntry = 0x0f
)

// maxBlockGas bounds a block's static gas so that it fits the 32 bits iBegin has for it.
const maxBlockGas = 1 << 31

// program is the analysis of one code for one fork. It is immutable and shared.
type program struct {
	ins    []instr
	consts []uint256.Int
	// jumpdest maps a code offset to the index of the entry (iBegin or iEntry) of its
	// JUMPDEST, or -1 when the offset is not a JUMPDEST instruction (PUSH data included).
	// A jump checks the entry and continues at the instruction after it.
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

// blockItem is one accounted instruction of the block being built: its static gas and stack
// effect, and the index of the entry (iBegin or iEntry) that starts at it, or -1.
type blockItem struct {
	gas          uint64
	pops, pushes int8
	entry        int32
}

// builder holds an analysis in progress. Its buffers are pooled: analysis allocates only
// the program's exact-size arrays.
type builder struct {
	ins      []instr
	items    []blockItem // the open block's instructions
	valid    []bool      // offsets holding a JUMPDEST instruction (not PUSH data)
	open     bool        // a block is open
	blockGas uint64
}

var builderPool = sync.Pool{New: func() any { return new(builder) }}

// maxPooledBuilder bounds the buffers kept for the next analysis.
const maxPooledBuilder = 1 << 16

// markJumpdests fills b.valid for code and counts the pushes of more than 8 bytes.
func (b *builder) markJumpdests(code []byte) (bigPushes int) {
	if cap(b.valid) < len(code) {
		b.valid = make([]bool, len(code))
	} else {
		b.valid = b.valid[:len(code)]
		clear(b.valid)
	}
	for pc := 0; pc < len(code); pc++ {
		op := OpCode(code[pc])
		if op == JUMPDEST {
			b.valid[pc] = true
		}
		n := pushSize(op)
		if n > 8 {
			bigPushes++
		}
		pc += n
	}
	return bigPushes
}

// closeBlock computes, for every entry of the block (its iBegin and the iEntry of each
// JUMPDEST inside it), the static gas and stack bounds of the instructions from that entry
// to the end of the block, walking backwards:
//
//	gas(i)    = gas_i + gas(i+1)
//	need(i)   = max(pops_i, need(i+1) - delta_i)      entry height needed
//	growth(i) = delta_i + max(0, growth(i+1))         highest height reached, relative
func (b *builder) closeBlock() {
	var gas uint64
	need, growth := 0, 0
	for i := len(b.items) - 1; i >= 0; i-- {
		it := &b.items[i]
		delta := int(it.pushes) - int(it.pops)
		gas += it.gas
		need = max(int(it.pops), need-delta)
		growth = delta + max(0, growth)
		if it.entry >= 0 {
			e := &b.ins[it.entry]
			e.v |= gas
			// Clamp so that blocks longer than the stack is deep still fail (underflow:
			// need above the limit; overflow: a negative maximum entry height).
			e.n = uint16(min(need, stackLimit+1))
			e.a = uint32(int32(max(stackLimit-max(growth, 0), -1)))
		}
	}
	b.open, b.items, b.blockGas = false, b.items[:0], 0
}

// account adds an instruction to the open block (opening one at pc if needed); entry is the
// dispatch code of the entry to start at it (iBegin, iEntry) or 0 for none. It returns the
// index of the entry, or -1.
func (b *builder) account(s *opSpec, pc int, entry uint8) int32 {
	if b.open && b.blockGas+s.gas > maxBlockGas {
		// Keep the block's gas in 32 bits: continue in a new block (only absurdly long
		// straight-line code gets here).
		b.closeBlock()
	}
	if !b.open {
		b.open, entry = true, iBegin
	}
	it := blockItem{gas: s.gas, pops: s.pops, pushes: s.pushes, entry: -1}
	if entry != 0 {
		it.entry = int32(len(b.ins))
		b.ins = append(b.ins, instr{op: entry, v: uint64(pc) << 32})
	}
	b.items = append(b.items, it)
	b.blockGas += s.gas
	return it.entry
}

// smallPushValue is pushValue for n <= 8.
func smallPushValue(code []byte, pc, n int) uint64 {
	var v uint64
	for i := pc + 1; i <= pc+n; i++ {
		v <<= 8
		if i < len(code) {
			v |= uint64(code[i])
		}
	}
	return v
}

// analyse translates code into its instruction stream for the fork table t.
func analyse(code []byte, t *forkTable) *program {
	// The builder works on the stack (its fields change on every instruction; on the heap
	// each slice update would pay a GC write barrier); its buffers go back to the pool.
	pooled := builderPool.Get().(*builder)
	b := *pooled
	defer func() {
		if cap(b.ins) > maxPooledBuilder || cap(b.items) > maxPooledBuilder || cap(b.valid) > 4*maxPooledBuilder {
			b = builder{}
		}
		*pooled = builder{ins: b.ins[:0], items: b.items[:0], valid: b.valid[:0]}
		builderPool.Put(pooled)
	}()
	bigPushes := b.markJumpdests(code)
	p := &program{code: code, jumpdest: make([]int32, len(code)), consts: make([]uint256.Int, 0, bigPushes)}
	for i := range p.jumpdest {
		p.jumpdest[i] = -1
	}

	var (
		dead bool
		// lastPush is the index of the previous instruction when it was a push of a value
		// that is a valid jump destination, else -1 (for PUSH+JUMP fusion).
		lastPush   = -1
		lastPushPC uint64
	)
	for pc := 0; pc < len(code); pc++ {
		op := OpCode(code[pc])
		s := &t.ops[op]
		n := pushSize(op)
		if op == JUMPDEST {
			// A jump target. Reached by falling through, it continues the open block (its
			// entry is a no-op then); reached by a jump, its entry is checked by the jump.
			p.jumpdest[pc] = b.account(s, pc, iEntry)
			dead = false
			lastPush = -1
			continue
		}
		if dead {
			pc += n
			continue
		}
		if b.open && b.blockGas+s.gas <= maxBlockGas { // account's common case, inline
			b.items = append(b.items, blockItem{gas: s.gas, pops: s.pops, pushes: s.pushes, entry: -1})
			b.blockGas += s.gas
		} else {
			b.account(s, pc, 0)
		}
		ins := b.ins
		fused := false
		switch {
		case !s.defined:
			ins = append(ins, instr{op: uint8(INVALID), a: uint32(op)})
		case op == PUSH0 || (n > 0 && n <= 8):
			v := smallPushValue(code, pc, n)
			if l := len(ins) - 1; l >= 0 && ins[l].op == uint8(PUSH1) && v < 1<<32 && !pushFusesWith(code, pc+1+n) {
				// two small pushes (see fuse.go), unless this push fuses with what follows
				ins[l].op, ins[l].a = iPushPush, uint32(v)
				fused = true
				break
			}
			ins = append(ins, instr{op: uint8(PUSH1), v: v})
		case n > 8:
			v := pushValue(code, pc, n)
			ins = append(ins, instr{op: uint8(PUSH32), a: uint32(len(p.consts))})
			p.consts = append(p.consts, v)
		case (op == JUMP || op == JUMPI) && lastPush == len(ins)-1:
			// The pushed destination is a valid JUMPDEST: resolve the jump now (the
			// target index is patched in below, once every entry exists).
			in := &ins[lastPush]
			in.op = iJump
			if op == JUMPI {
				in.op = iJumpi
				if lastPush > 0 && ins[lastPush-1].op == uint8(ISZERO) {
					// ISZERO, PUSH target, JUMPI (see fuse.go)
					ins = ins[:lastPush]
					in = &ins[lastPush-1]
					in.op = iJumpiNot
				}
			}
			in.v = lastPushPC
			fused = true
		case op == PC:
			ins = append(ins, instr{op: uint8(PC), v: uint64(pc)})
		case fusesAfter[op] && fuse(ins, op):
			fused = true
		default:
			ins = append(ins, instr{op: uint8(op)})
		}
		b.ins = ins
		lastPush = -1
		if !fused && s.defined && (op == PUSH0 || n > 0) {
			if v := ins[len(ins)-1]; v.op == uint8(PUSH1) && v.v < uint64(len(code)) && b.valid[v.v] {
				lastPush, lastPushPC = len(ins)-1, v.v
			}
		}
		switch {
		case s.flags&flagTerminal != 0:
			b.closeBlock()
			dead = true
		case s.flags&flagEndsBlock != 0:
			b.closeBlock()
		}
		pc += n
	}
	// Running off the end of the code is STOP. The stream always ends with a terminal
	// instruction, so the interpreter never steps past its end.
	b.account(&t.ops[STOP], len(code), 0)
	b.ins = append(b.ins, instr{op: uint8(STOP)})
	b.closeBlock()

	ins := slices.Clone(b.ins)
	for i := len(ins) - 2; i >= 0; i-- {
		if in, next := &ins[i], &ins[i+1]; (in.op == iBegin || in.op == iEntry) && next.op == iEntry {
			in.skip = uint8(min(int(next.skip)+1, 255))
		}
	}
	// Resolved jumps: a is the target's entry, v the instruction to continue at after it.
	for i := range ins {
		if in := &ins[i]; in.op == iJump || in.op == iJumpi || in.op == iJumpiNot {
			t := p.jumpdest[in.v]
			in.a, in.v = uint32(t), uint64(int(t)+1+int(ins[t].skip))
		}
	}
	p.ins = ins
	return p
}
