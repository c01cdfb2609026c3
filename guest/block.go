package guest

import (
	"slices"
	"sync"

	"github.com/hybridvm/hybridvm/riscv"
)

// MaxBlockInsts caps a block's length. It bounds the work between gas checks and keeps
// block-relative offsets small. Every engine cuts blocks with DecodeBlock, so all of
// them charge gas at the same points.
const MaxBlockInsts = 256

// Block is a basic block by the rule every engine shares (docs/abi.md, "Gas"): from
// Start to the first instruction that ends a block (riscv.Inst.EndsBlock, inclusive),
// or MaxBlockInsts instructions, or up to an instruction that cannot be fetched.
type Block struct {
	Start, End uint64 // End: the address after the last instruction
	// Insts are the block's instructions in order, the terminator (if any) last.
	Insts []riscv.Inst
	// Gas is the sum of the instructions' weights, charged at entry.
	Gas int64
	// Target is the taken target of a branch or JAL terminator.
	Target uint64
	// ZeroLoop is set when the block is the .bss zeroing idiom (matchZeroLoop).
	ZeroLoop *ZeroLoop
}

// DecodeBlock decodes the block starting at start, or returns nil when no instruction
// can be fetched there (a fetch fault).
func DecodeBlock(code *Code, start uint64) *Block {
	buf := decodeBufs.Get().(*[MaxBlockInsts]riscv.Inst)
	defer decodeBufs.Put(buf)
	b, ok := DecodeBlockInto(code, start, buf[:])
	if !ok {
		return nil
	}
	b.Insts = slices.Clone(b.Insts) // one allocation of the exact size
	return &b
}

// decodeBufs are DecodeBlock's scratch buffers (a block is decoded into one, then
// copied out at its exact size).
var decodeBufs = sync.Pool{New: func() any { return new([MaxBlockInsts]riscv.Inst) }}

// DecodeBlockInto is DecodeBlock decoding into buf's storage (its Insts alias buf when
// it has room for MaxBlockInsts): for callers that keep only what they derive from the
// block, so decoding allocates nothing. ok is false when nothing can be fetched.
func DecodeBlockInto(code *Code, start uint64, buf []riscv.Inst) (b Block, ok bool) {
	b = Block{Start: start, Insts: buf[:0]}
	pc := start
	for len(b.Insts) < MaxBlockInsts {
		raw, ok := code.fetchRaw(pc)
		if !ok {
			break
		}
		b.Insts = append(b.Insts, riscv.Inst{})
		in := &b.Insts[len(b.Insts)-1]
		riscv.DecodeInto(in, raw)
		b.Gas += in.Weight()
		if in.EndsBlock() {
			if in.Op.IsBranch() || in.Op == riscv.OpJAL {
				b.Target = pc + uint64(in.Imm)
			}
			pc += uint64(in.Len)
			break
		}
		pc += uint64(in.Len)
	}
	if len(b.Insts) == 0 {
		return b, false
	}
	b.End = pc
	b.ZeroLoop = matchZeroLoop(b.Insts, b.Start, b.Target, b.End, b.Gas)
	return b, true
}

// Terminator returns the instruction that ends the block, or ok = false when the block
// falls through to End (the length cap, or the next instruction cannot be fetched).
func (b *Block) Terminator() (in riscv.Inst, ok bool) {
	last := b.Insts[len(b.Insts)-1]
	return last, last.EndsBlock()
}
