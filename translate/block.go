package translate

import (
	"github.com/hybridvm/hybridvm/codegen"
	"github.com/hybridvm/hybridvm/guest"
	"github.com/hybridvm/hybridvm/riscv"
)

// DecodeBlock decodes the block starting at start (guest.DecodeBlock, the rule the
// interpreter uses too), or returns nil when no instruction can be fetched there (a
// fetch fault).
func DecodeBlock(code *guest.Code, start uint64) *codegen.Block {
	gb := guest.DecodeBlock(code, start)
	if gb == nil {
		return nil
	}
	b := &codegen.Block{Block: *gb, Term: codegen.TermFall}
	if in, ok := gb.Terminator(); ok {
		b.Term = terminator(in)
	}
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
