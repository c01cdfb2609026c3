package amd64

import (
	"github.com/hybridvm/hybridvm/codegen/internal/asm"
	"github.com/hybridvm/hybridvm/riscv"
)

// Forwarding through RDX. A guest register that lives in State.X (unmapped in the
// block's mapping) and is written, then read again a few ALU instructions later,
// would go through memory: the store and the load right after it put a
// store-to-load forwarding delay (several cycles) on what is often the loop's
// critical path (SHA-256's Ch and Σ0 results). When nothing between the write and
// the last such read touches RDX (pure ALU instructions, which use only RAX as
// scratch), the block maps the register to RDX for that span: the writes compute
// into RDX and are stored to the slot at once (so State.X is always current and
// the span can end anywhere), and the reads take RDX instead of the slot.

// fwdSpan is a span of a block body [start, end] during which guest register reg
// lives in RDX (as well as in its slot).
type fwdSpan struct {
	start, end int
	reg        uint8
	// noStore: the register lives in RDX only, its slot left to the loop's exits
	// (sink.go).
	noStore bool
}

// rdxFree reports whether the lowering of in neither faults nor uses RDX: the
// register-register and register-immediate ALU forms (not shifts by a register,
// which take their count in RDX, nor MULH, divisions, memory or CSR accesses).
func rdxFree(in riscv.Inst) bool {
	switch in.Op {
	case riscv.OpLUI, riscv.OpAUIPC, riscv.OpADDI, riscv.OpXORI, riscv.OpORI, riscv.OpANDI,
		riscv.OpSLLI, riscv.OpSRLI, riscv.OpSRAI, riscv.OpSLTI, riscv.OpSLTIU,
		riscv.OpADD, riscv.OpSUB, riscv.OpAND, riscv.OpOR, riscv.OpXOR, riscv.OpSLT, riscv.OpSLTU,
		riscv.OpMUL, riscv.OpADDIW, riscv.OpSLLIW, riscv.OpSRLIW, riscv.OpSRAIW,
		riscv.OpADDW, riscv.OpSUBW, riscv.OpMULW:
		return true
	}
	return false
}

// forwardSpans finds the spans of body worth forwarding under mapping rm (f: the
// block's rotate fusion), appending them to spans in order. A span
// starts at an emitted instruction that writes an unmapped register without reading
// it, and ends at the last read of that register before an instruction that is not
// rdxFree, a skipped write of it, or the body's end.
func forwardSpans(spans []fwdSpan, body []riscv.Inst, rm *regMap, f *fusion) []fwdSpan {
	skipped := func(i int) bool { return f.skip != nil && f.skip[i] }
	// reads: what the lowering of i reads (a fused rotate reads only its source).
	reads := func(i int, r uint8) bool {
		if rot, ok := f.rotAt(i); ok {
			return rot.src == r
		}
		return !skipped(i) && reads(body[i], r)
	}
	for i := 0; i < len(body); i++ {
		in := body[i]
		r := in.Rd
		if !rdxFree(in) || !writesRd(in) || rm.host[r] != asm.NoReg || skipped(i) || reads(i, r) {
			continue
		}
		end := -1
		for m := i + 1; m < len(body) && rdxFree(body[m]); m++ {
			if reads(m, r) {
				end = m
			}
			if writesRd(body[m]) && body[m].Rd == r && skipped(m) {
				break
			}
		}
		if end > i {
			spans = append(spans, fwdSpan{start: i, end: end, reg: r})
			i = end // the next span starts after this one
		}
	}
	return spans
}

// fwdBegin maps the span's register to RDX (in a copy of the current mapping).
func (u *unit) fwdBegin(s fwdSpan) {
	u.fwdRM = *u.e.rm
	u.fwdRM.host[s.reg] = tD
	u.fwdSaved = u.e.rm
	u.e.rm = &u.fwdRM
	u.fwdReg, u.fwdNoStore = s.reg, s.noStore
}

// fwdEnd ends the current span (nothing when none): the register is back in its
// slot only, which already holds its value.
func (u *unit) fwdEnd() {
	if u.fwdReg == 0 {
		return
	}
	u.e.rm = u.fwdSaved
	u.fwdSaved, u.fwdReg, u.fwdNoStore = nil, 0, false
}

// fwdStore stores RDX to the span's register slot after instruction in wrote it.
func (u *unit) fwdStore(idx int, in riscv.Inst) {
	if u.fwdReg == 0 || u.fwdNoStore || !writesRd(in) || in.Rd != u.fwdReg || (u.fuse.skip != nil && u.fuse.skip[idx]) {
		return
	}
	u.e.op(asm.MOVQ, asm.R(tD), stMem(xoff(in.Rd)))
}
