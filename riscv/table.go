package riscv

import "fmt"

// Class groups operations by what they do; it decides the gas weight.
type Class uint8

// The instruction classes.
const (
	ClassALU Class = iota // integer arithmetic, logic, shifts, LUI/AUIPC, CSRs, fences
	ClassMul              // MUL, MULH, MULHSU, MULHU, MULW
	ClassDiv              // DIV, DIVU, REM, REMU and their W forms
	ClassLoad
	ClassStore
	ClassAtomic // LR, SC, AMOs
	ClassBranch // conditional branches
	ClassJump   // JAL, JALR
	ClassSystem // ECALL, EBREAK
	ClassIllegal
)

// Gas weights per class (docs/abi.md, "Gas"). A compressed instruction costs the
// same as its expansion.
var classWeight = [...]uint8{
	ClassALU:     1,
	ClassMul:     5,
	ClassDiv:     25,
	ClassLoad:    3,
	ClassStore:   3,
	ClassAtomic:  3,
	ClassBranch:  3,
	ClassJump:    3,
	ClassSystem:  1,
	ClassIllegal: 1,
}

const (
	flagEndsBlock = 1 << iota
)

type info struct {
	name   string
	class  Class
	weight uint8
	flags  uint8
}

// opInfo is filled from opDefs at init and checked to cover every Op.
var opInfo [NumOps]info

type opDef struct {
	op    Op
	name  string
	class Class
}

var opDefs = []opDef{
	{OpIllegal, "illegal", ClassIllegal},
	{OpLUI, "lui", ClassALU}, {OpAUIPC, "auipc", ClassALU},
	{OpJAL, "jal", ClassJump}, {OpJALR, "jalr", ClassJump},
	{OpBEQ, "beq", ClassBranch}, {OpBNE, "bne", ClassBranch}, {OpBLT, "blt", ClassBranch},
	{OpBGE, "bge", ClassBranch}, {OpBLTU, "bltu", ClassBranch}, {OpBGEU, "bgeu", ClassBranch},
	{OpLB, "lb", ClassLoad}, {OpLH, "lh", ClassLoad}, {OpLW, "lw", ClassLoad}, {OpLD, "ld", ClassLoad},
	{OpLBU, "lbu", ClassLoad}, {OpLHU, "lhu", ClassLoad}, {OpLWU, "lwu", ClassLoad},
	{OpSB, "sb", ClassStore}, {OpSH, "sh", ClassStore}, {OpSW, "sw", ClassStore}, {OpSD, "sd", ClassStore},
	{OpADDI, "addi", ClassALU}, {OpSLTI, "slti", ClassALU}, {OpSLTIU, "sltiu", ClassALU},
	{OpXORI, "xori", ClassALU}, {OpORI, "ori", ClassALU}, {OpANDI, "andi", ClassALU},
	{OpSLLI, "slli", ClassALU}, {OpSRLI, "srli", ClassALU}, {OpSRAI, "srai", ClassALU},
	{OpADD, "add", ClassALU}, {OpSUB, "sub", ClassALU}, {OpSLL, "sll", ClassALU},
	{OpSLT, "slt", ClassALU}, {OpSLTU, "sltu", ClassALU}, {OpXOR, "xor", ClassALU},
	{OpSRL, "srl", ClassALU}, {OpSRA, "sra", ClassALU}, {OpOR, "or", ClassALU}, {OpAND, "and", ClassALU},
	{OpADDIW, "addiw", ClassALU}, {OpSLLIW, "slliw", ClassALU}, {OpSRLIW, "srliw", ClassALU},
	{OpSRAIW, "sraiw", ClassALU}, {OpADDW, "addw", ClassALU}, {OpSUBW, "subw", ClassALU},
	{OpSLLW, "sllw", ClassALU}, {OpSRLW, "srlw", ClassALU}, {OpSRAW, "sraw", ClassALU},
	{OpFENCE, "fence", ClassALU}, {OpFENCEI, "fence.i", ClassALU},
	{OpECALL, "ecall", ClassSystem}, {OpEBREAK, "ebreak", ClassSystem},
	{OpCSRRW, "csrrw", ClassALU}, {OpCSRRS, "csrrs", ClassALU}, {OpCSRRC, "csrrc", ClassALU},
	{OpCSRRWI, "csrrwi", ClassALU}, {OpCSRRSI, "csrrsi", ClassALU}, {OpCSRRCI, "csrrci", ClassALU},
	{OpMUL, "mul", ClassMul}, {OpMULH, "mulh", ClassMul}, {OpMULHSU, "mulhsu", ClassMul},
	{OpMULHU, "mulhu", ClassMul}, {OpMULW, "mulw", ClassMul},
	{OpDIV, "div", ClassDiv}, {OpDIVU, "divu", ClassDiv}, {OpREM, "rem", ClassDiv}, {OpREMU, "remu", ClassDiv},
	{OpDIVW, "divw", ClassDiv}, {OpDIVUW, "divuw", ClassDiv}, {OpREMW, "remw", ClassDiv}, {OpREMUW, "remuw", ClassDiv},
	{OpLRW, "lr.w", ClassAtomic}, {OpSCW, "sc.w", ClassAtomic},
	{OpAMOSWAPW, "amoswap.w", ClassAtomic}, {OpAMOADDW, "amoadd.w", ClassAtomic},
	{OpAMOXORW, "amoxor.w", ClassAtomic}, {OpAMOANDW, "amoand.w", ClassAtomic},
	{OpAMOORW, "amoor.w", ClassAtomic}, {OpAMOMINW, "amomin.w", ClassAtomic},
	{OpAMOMAXW, "amomax.w", ClassAtomic}, {OpAMOMINUW, "amominu.w", ClassAtomic},
	{OpAMOMAXUW, "amomaxu.w", ClassAtomic},
	{OpLRD, "lr.d", ClassAtomic}, {OpSCD, "sc.d", ClassAtomic},
	{OpAMOSWAPD, "amoswap.d", ClassAtomic}, {OpAMOADDD, "amoadd.d", ClassAtomic},
	{OpAMOXORD, "amoxor.d", ClassAtomic}, {OpAMOANDD, "amoand.d", ClassAtomic},
	{OpAMOORD, "amoor.d", ClassAtomic}, {OpAMOMIND, "amomin.d", ClassAtomic},
	{OpAMOMAXD, "amomax.d", ClassAtomic}, {OpAMOMINUD, "amominu.d", ClassAtomic},
	{OpAMOMAXUD, "amomaxu.d", ClassAtomic},
}

func init() {
	for _, d := range opDefs {
		if opInfo[d.op].name != "" {
			panic(fmt.Sprintf("BUG: riscv: op %d (%s) defined twice", d.op, d.name))
		}
		in := info{name: d.name, class: d.class, weight: classWeight[d.class]}
		switch d.class {
		case ClassBranch, ClassJump, ClassSystem, ClassIllegal:
			in.flags |= flagEndsBlock
		}
		if d.op == OpFENCEI {
			in.flags |= flagEndsBlock
		}
		opInfo[d.op] = in
	}
	for op := Op(0); op < NumOps; op++ {
		if opInfo[op].name == "" {
			panic(fmt.Sprintf("BUG: riscv: op %d has no definition", op))
		}
	}
}

func (op Op) String() string {
	if op < NumOps {
		return opInfo[op].name
	}
	return fmt.Sprintf("Op(%d)", uint8(op))
}

// Class returns the operation's class.
func (op Op) Class() Class { return opInfo[op].class }

// Weight returns the operation's gas weight.
func (op Op) Weight() int64 { return int64(opInfo[op].weight) }

// EndsBlock reports whether the operation ends a basic block.
func (op Op) EndsBlock() bool { return opInfo[op].flags&flagEndsBlock != 0 }

// IsLoad, IsStore and IsAtomic classify memory operations.
func (op Op) IsLoad() bool   { return opInfo[op].class == ClassLoad }
func (op Op) IsStore() bool  { return opInfo[op].class == ClassStore }
func (op Op) IsAtomic() bool { return opInfo[op].class == ClassAtomic }

// IsBranch reports a conditional branch.
func (op Op) IsBranch() bool { return opInfo[op].class == ClassBranch }
