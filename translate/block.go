package translate

import (
	"github.com/hybridvm/hybridvm/codegen"
	"github.com/hybridvm/hybridvm/guest"
	"github.com/hybridvm/hybridvm/riscv"
)

// MaxBlockInsts caps a block's length (the interpreter's rule; a test pins it to
// interp.MaxBlockInsts).
const MaxBlockInsts = codegen.MaxBlockInsts

// DecodeBlock decodes the block starting at start, or returns nil when no
// instruction can be fetched there (a fetch fault).
func DecodeBlock(code *guest.Code, start uint64) *codegen.Block {
	b := &codegen.Block{Start: start, Term: codegen.TermFall}
	pc := start
	for i := 0; i < MaxBlockInsts; i++ {
		in, ok := code.Fetch(pc)
		if !ok {
			if i == 0 {
				return nil
			}
			break
		}
		b.Insts = append(b.Insts, in)
		b.Gas += in.Weight()
		pc += uint64(in.Len)
		if in.EndsBlock() {
			b.Term = terminator(in)
			if in.Op.IsBranch() || in.Op == riscv.OpJAL {
				b.Target = pc - uint64(in.Len) + uint64(in.Imm)
			}
			break
		}
	}
	b.End = pc
	b.ZeroLoop = zeroLoop(b)
	return b
}

func terminator(in riscv.Inst) codegen.Term {
	switch {
	case in.Op.IsBranch():
		return codegen.TermBranch
	case in.Op == riscv.OpJAL:
		return codegen.TermJAL
	case in.Op == riscv.OpJALR:
		return codegen.TermJALR
	case in.Op == riscv.OpECALL:
		return codegen.TermEcall
	case in.Op == riscv.OpFENCEI:
		return codegen.TermFenceI
	case in.Op == riscv.OpEBREAK:
		return codegen.TermEbreak
	}
	return codegen.TermIllegal
}

// zeroLoop recognises the riscv-rt .bss clearing loop (guest.MatchZeroLoop).
func zeroLoop(b *codegen.Block) *codegen.ZeroLoop {
	if b.Term != codegen.TermBranch {
		return nil
	}
	zl := guest.MatchZeroLoop(b.Insts, b.Start, b.Target, b.End, b.Gas)
	if zl == nil {
		return nil
	}
	return &codegen.ZeroLoop{Ptr: zl.Ptr, Limit: zl.Limit}
}
