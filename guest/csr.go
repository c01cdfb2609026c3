package guest

import "github.com/hybridvm/hybridvm/riscv"

// The implemented machine CSRs, as indices into State.CSRs (docs/abi.md, "Memory map": mhartid
// reads 0; mie, mip, mtvec, mstatus, mcause, mepc read and write without trapping).
const (
	CSRMstatus = iota
	CSRMie
	CSRMtvec
	CSRMepc
	CSRMcause
	CSRMip
	NumCSRs
)

// CSRIndex maps a CSR number to its index in State.CSRs. mhartid is read-only and always
// zero: CSRIndex returns -2 for it. Any other CSR returns -1 (an illegal instruction).
func CSRIndex(csr uint16) int {
	switch csr {
	case riscv.CSRMstatus:
		return CSRMstatus
	case riscv.CSRMie:
		return CSRMie
	case riscv.CSRMtvec:
		return CSRMtvec
	case riscv.CSRMepc:
		return CSRMepc
	case riscv.CSRMcause:
		return CSRMcause
	case riscv.CSRMip:
		return CSRMip
	case riscv.CSRMhartid:
		return CSRHartID
	}
	return -1
}

// CSRHartID is CSRIndex's answer for mhartid.
const CSRHartID = -2

// ExecCSR performs a CSR instruction on s and returns the value for rd, or ok = false
// when it is an illegal instruction (an unimplemented CSR, or a write to mhartid).
// src is rs1's value for the register forms, or the 5-bit immediate for the I forms;
// writes says whether the instruction writes the CSR (CSRRW always; CSRRS/CSRRC only
// when rs1/uimm is not zero, per the Zicsr spec).
func (s *State) ExecCSR(op riscv.Op, csr uint16, src uint64, writes bool) (old uint64, ok bool) {
	idx := CSRIndex(csr)
	if idx == -1 {
		return 0, false
	}
	if idx == CSRHartID {
		return 0, !writes
	}
	old = s.CSRs[idx]
	if !writes {
		return old, true
	}
	switch op {
	case riscv.OpCSRRW, riscv.OpCSRRWI:
		s.CSRs[idx] = src
	case riscv.OpCSRRS, riscv.OpCSRRSI:
		s.CSRs[idx] = old | src
	case riscv.OpCSRRC, riscv.OpCSRRCI:
		s.CSRs[idx] = old &^ src
	}
	return old, true
}

// CSRWrites reports whether a CSR instruction writes its CSR: CSRRW/CSRRWI always,
// the set/clear forms only when their source register number or immediate is non-zero.
func CSRWrites(in riscv.Inst) bool {
	switch in.Op {
	case riscv.OpCSRRW, riscv.OpCSRRWI:
		return true
	}
	return in.Rs1 != 0
}
