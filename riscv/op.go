package riscv

// Op is a decoded operation. Compressed instructions decode to the Op of their 32-bit
// expansion, so every consumer handles one set of operations.
type Op uint8

// The operations of RV64IMAC plus Zicsr and Zifencei, and OpIllegal for everything the
// machine does not implement.
const (
	OpIllegal Op = iota

	// RV64I: upper immediates and jumps.
	OpLUI
	OpAUIPC
	OpJAL
	OpJALR
	// Conditional branches.
	OpBEQ
	OpBNE
	OpBLT
	OpBGE
	OpBLTU
	OpBGEU
	// Loads.
	OpLB
	OpLH
	OpLW
	OpLD
	OpLBU
	OpLHU
	OpLWU
	// Stores.
	OpSB
	OpSH
	OpSW
	OpSD
	// Register-immediate.
	OpADDI
	OpSLTI
	OpSLTIU
	OpXORI
	OpORI
	OpANDI
	OpSLLI
	OpSRLI
	OpSRAI
	// Register-register.
	OpADD
	OpSUB
	OpSLL
	OpSLT
	OpSLTU
	OpXOR
	OpSRL
	OpSRA
	OpOR
	OpAND
	// 32-bit (W) forms.
	OpADDIW
	OpSLLIW
	OpSRLIW
	OpSRAIW
	OpADDW
	OpSUBW
	OpSLLW
	OpSRLW
	OpSRAW
	// System.
	OpFENCE
	OpFENCEI
	OpECALL
	OpEBREAK
	OpCSRRW
	OpCSRRS
	OpCSRRC
	OpCSRRWI
	OpCSRRSI
	OpCSRRCI
	// M extension.
	OpMUL
	OpMULH
	OpMULHSU
	OpMULHU
	OpDIV
	OpDIVU
	OpREM
	OpREMU
	OpMULW
	OpDIVW
	OpDIVUW
	OpREMW
	OpREMUW
	// A extension, word.
	OpLRW
	OpSCW
	OpAMOSWAPW
	OpAMOADDW
	OpAMOXORW
	OpAMOANDW
	OpAMOORW
	OpAMOMINW
	OpAMOMAXW
	OpAMOMINUW
	OpAMOMAXUW
	// A extension, doubleword.
	OpLRD
	OpSCD
	OpAMOSWAPD
	OpAMOADDD
	OpAMOXORD
	OpAMOANDD
	OpAMOORD
	OpAMOMIND
	OpAMOMAXD
	OpAMOMINUD
	OpAMOMAXUD

	// NumOps is the number of operations; tables indexed by Op have this length.
	NumOps
)
