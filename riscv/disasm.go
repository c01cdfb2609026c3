package riscv

import (
	"fmt"
	"strconv"
)

// RegNames are the ABI names of x0..x31.
var RegNames = [32]string{
	"zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2",
	"s0", "s1", "a0", "a1", "a2", "a3", "a4", "a5",
	"a6", "a7", "s2", "s3", "s4", "s5", "s6", "s7",
	"s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6",
}

// CSR numbers of the machine-mode CSRs the machine implements (docs/abi.md, "Memory
// map"): contract start-up code touches these and nothing else.
const (
	CSRMstatus = 0x300
	CSRMie     = 0x304
	CSRMtvec   = 0x305
	CSRMepc    = 0x341
	CSRMcause  = 0x342
	CSRMip     = 0x344
	CSRMhartid = 0xF14
)

var csrNames = map[uint16]string{
	CSRMstatus: "mstatus", CSRMie: "mie", CSRMtvec: "mtvec", CSRMepc: "mepc",
	CSRMcause: "mcause", CSRMip: "mip", CSRMhartid: "mhartid",
	0x301: "misa", 0x340: "mscratch", 0x343: "mtval",
	0x001: "fflags", 0x002: "frm", 0x003: "fcsr",
	0xC00: "cycle", 0xC01: "time", 0xC02: "instret",
	0xB00: "mcycle", 0xB02: "minstret",
}

// CSRName returns the name of a CSR, or its number in hex.
func CSRName(csr uint16) string {
	if n, ok := csrNames[csr]; ok {
		return n
	}
	return "0x" + strconv.FormatUint(uint64(csr), 16)
}

func hexImm(v int64) string {
	if v < 0 {
		return "-0x" + strconv.FormatUint(uint64(-v), 16)
	}
	return "0x" + strconv.FormatUint(uint64(v), 16)
}

// Disasm returns the instruction in assembler syntax, in the canonical (no pseudo-
// instruction) form GNU objdump prints with -M no-aliases, with compressed instructions
// shown as their expansion. pc is the instruction's address, used to print the absolute
// target of branches and jumps.
func (in Inst) Disasm(pc uint64) string {
	r := func(i uint8) string { return RegNames[i&31] }
	name := in.Op.String()
	switch in.Op.Class() {
	case ClassIllegal:
		if in.Len == 2 {
			return fmt.Sprintf("illegal 0x%04x", in.Raw)
		}
		return fmt.Sprintf("illegal 0x%08x", in.Raw)
	case ClassLoad:
		return fmt.Sprintf("%s %s,%d(%s)", name, r(in.Rd), in.Imm, r(in.Rs1))
	case ClassStore:
		return fmt.Sprintf("%s %s,%d(%s)", name, r(in.Rs2), in.Imm, r(in.Rs1))
	case ClassBranch:
		return fmt.Sprintf("%s %s,%s,%x", name, r(in.Rs1), r(in.Rs2), pc+uint64(in.Imm))
	case ClassAtomic:
		sfx := [4]string{"", ".rl", ".aq", ".aqrl"}[in.AqRl&3]
		if in.Op == OpLRW || in.Op == OpLRD {
			return fmt.Sprintf("%s%s %s,(%s)", name, sfx, r(in.Rd), r(in.Rs1))
		}
		return fmt.Sprintf("%s%s %s,%s,(%s)", name, sfx, r(in.Rd), r(in.Rs2), r(in.Rs1))
	}
	switch in.Op {
	case OpLUI, OpAUIPC:
		return fmt.Sprintf("%s %s,0x%x", name, r(in.Rd), uint64(in.Imm>>12)&0xFFFFF)
	case OpJAL:
		return fmt.Sprintf("%s %s,%x", name, r(in.Rd), pc+uint64(in.Imm))
	case OpJALR:
		return fmt.Sprintf("%s %s,%d(%s)", name, r(in.Rd), in.Imm, r(in.Rs1))
	case OpSLLI, OpSRLI, OpSRAI, OpSLLIW, OpSRLIW, OpSRAIW:
		return fmt.Sprintf("%s %s,%s,%s", name, r(in.Rd), r(in.Rs1), hexImm(in.Imm))
	case OpADDI, OpSLTI, OpSLTIU, OpXORI, OpORI, OpANDI, OpADDIW:
		return fmt.Sprintf("%s %s,%s,%d", name, r(in.Rd), r(in.Rs1), in.Imm)
	case OpFENCE:
		return fenceString(in.Imm)
	case OpFENCEI, OpECALL, OpEBREAK:
		return name
	case OpCSRRW, OpCSRRS, OpCSRRC:
		return fmt.Sprintf("%s %s,%s,%s", name, r(in.Rd), CSRName(in.CSR), r(in.Rs1))
	case OpCSRRWI, OpCSRRSI, OpCSRRCI:
		return fmt.Sprintf("%s %s,%s,%d", name, r(in.Rd), CSRName(in.CSR), in.Rs1)
	}
	// Register-register operations.
	return fmt.Sprintf("%s %s,%s,%s", name, r(in.Rd), r(in.Rs1), r(in.Rs2))
}

// fenceString prints FENCE's predecessor and successor sets.
func fenceString(imm int64) string {
	set := func(b int64) string {
		s := ""
		for i, c := range "iorw" {
			if b&(8>>i) != 0 {
				s += string(c)
			}
		}
		if s == "" {
			return "0"
		}
		return s
	}
	fm := (imm >> 8) & 15
	if fm == 8 && (imm&0xFF) == 0x33 {
		return "fence.tso"
	}
	return fmt.Sprintf("fence %s,%s", set((imm>>4)&15), set(imm&15))
}

// String disassembles the instruction as if it were at address 0.
func (in Inst) String() string { return in.Disasm(0) }
